// Handles on the nodes a thread adds: their output as a value (`.jsonPath('$.x')` for a field), and
// the settings that belong to the node (task retries and timeout, event timeout, per-child handlers).
import type { ExponentialBackoff, VariableAssignment } from '../engine/types.ts';
import { WorkflowDefinitionError } from './definition-error.ts';
import { catchAnyFailure, catchError, catchException, filterAndHandler, type FailureCatch, type LHErrorType } from './failure-handlers.ts';
import { assignmentOf, Operand, type ThreadRef, type WfValue } from './operand.ts';
import { WfRunVariable } from './variables.ts';
import type { WfSpecNode } from './wire-types.ts';
import type { ThreadFunc } from './thread-builder.ts';

/** What a node handle needs from the thread that owns the node. */
export interface NodeOwner extends ThreadRef {
  /** @internal */
  nodeNamed(nodeName: string): WfSpecNode;
  /** @internal Registers a handler thread spec; returns its name. */
  addHandlerThread(threadName: string, handler: ThreadFunc): string;
}

export class NodeOutput extends Operand {
  /** @internal */
  constructor(readonly owner: NodeOwner, readonly nodeName: string, private readonly path?: string) {
    super();
  }

  /** A field of this node's (JSON) output. */
  jsonPath(path: string): NodeOutput {
    return new NodeOutput(this.owner, this.nodeName, path);
  }

  override toAssignment(thread: ThreadRef): VariableAssignment {
    if (thread !== this.owner) {
      throw new WorkflowDefinitionError(
        `the output of ${this.nodeName} (thread '${this.owner.name}') is read in thread '${thread.name}': pass it in a variable instead`,
      );
    }
    return { nodeOutput: { nodeName: this.nodeName }, ...(this.path === undefined ? {} : { jsonPath: this.path }) };
  }

  protected node(): WfSpecNode {
    return this.owner.nodeNamed(this.nodeName);
  }
}

export class TaskNodeOutput extends NodeOutput {
  /** Attempts after the first one, for technical failures and timeouts (not business exceptions). */
  withRetries(retries: number): this {
    if (!Number.isInteger(retries) || retries < 0) throw new WorkflowDefinitionError(`${this.nodeName}: retries must be an integer >= 0`);
    this.task().retries = retries;
    return this;
  }

  /** Waits between retries: baseIntervalMs * multiplier^(attempt-1), at most maxDelayMs. */
  withExponentialBackoff(policy: ExponentialBackoff): this {
    this.task().exponentialBackoff = { ...policy };
    return this;
  }

  /** Seconds one attempt may take (0: the server's default, 60). */
  timeout(seconds: number): this {
    if (!Number.isInteger(seconds) || seconds < 0) throw new WorkflowDefinitionError(`${this.nodeName}: timeout must be whole seconds >= 0`);
    this.task().timeoutSeconds = seconds;
    return this;
  }

  private task() {
    const task = this.node().task;
    if (!task) throw new WorkflowDefinitionError(`${this.nodeName} is not a TASK node`);
    return task;
  }
}

export class ExternalEventNodeOutput extends NodeOutput {
  /** Fails the node with TIMEOUT (an ERROR) if no event came within `seconds`. */
  timeout(seconds: number | WfRunVariable): this {
    this.event().timeoutSeconds = assignmentOf(seconds, this.owner);
    return this;
  }

  /** Only an event posted with this correlation key completes the node. */
  withCorrelationId(key: WfValue, options: { masked?: boolean } = {}): this {
    const event = this.event();
    event.correlationKey = assignmentOf(key, this.owner);
    event.maskCorrelationKey = options.masked ?? (key instanceof WfRunVariable && key.isMasked);
    return this;
  }

  private event() {
    const event = this.node().externalEvent;
    if (!event) throw new WorkflowDefinitionError(`${this.nodeName} is not an EXTERNAL_EVENT node`);
    return event;
  }
}

/** A WAIT_FOR_THREADS node: per-child handlers run as children of a failed child, with the failure content as INPUT. */
export class WaitForThreadsNodeOutput extends NodeOutput {
  handleExceptionOnChild(handler: ThreadFunc): this;
  handleExceptionOnChild(exceptionName: string, handler: ThreadFunc): this;
  handleExceptionOnChild(first: string | ThreadFunc, second?: ThreadFunc): this {
    const [name, handler] = filterAndHandler<string, ThreadFunc>(first, second);
    return this.addPerChildHandler(catchException(name), handler);
  }

  handleErrorOnChild(handler: ThreadFunc): this;
  handleErrorOnChild(errorType: LHErrorType, handler: ThreadFunc): this;
  handleErrorOnChild(first: LHErrorType | ThreadFunc, second?: ThreadFunc): this {
    const [type, handler] = filterAndHandler<LHErrorType, ThreadFunc>(first, second);
    return this.addPerChildHandler(catchError(type), handler);
  }

  handleAnyFailureOnChild(handler: ThreadFunc): this {
    return this.addPerChildHandler(catchAnyFailure(), handler);
  }

  private addPerChildHandler(what: FailureCatch, handler: ThreadFunc): this {
    const wait = this.node().waitForThreads;
    if (!wait) throw new WorkflowDefinitionError(`${this.nodeName} is not a WAIT_FOR_THREADS node`);
    const handlerSpecName = this.owner.addHandlerThread(`child-exn-handler-${this.nodeName}-${what.suffix}`, handler);
    wait.perThreadFailureHandlers.push({ handlerSpecName, ...what.filter });
    return this;
  }
}
