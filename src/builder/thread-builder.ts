// WorkflowThread: what a workflow (or thread, or handler) function receives. Each call records
// nodes, edges and variables of one ThreadSpec, in LittleHorse's SDK style.
import type { Comparator, ExponentialBackoff, InterruptDef, PrimitiveType, TaskNode, VariableAssignment } from '../engine/types.ts';
import type { MutationType } from '../engine/operations.ts';
import { Condition, type ComparatorSymbol } from './conditions.ts';
import { addWhile, asCondition, openIf, type ConditionLike, type IfStatement } from './control-flow.ts';
import { WorkflowDefinitionError } from './definition-error.ts';
import { Expression, FormatString, SizeOf } from './expressions.ts';
import { catchAnyFailure, catchError, catchException, filterAndHandler, type FailureCatch, type LHErrorType } from './failure-handlers.ts';
import { ExternalEventNodeOutput, NodeOutput, TaskNodeOutput, WaitForThreadsNodeOutput, type NodeOwner } from './node-output.ts';
import { assignmentOf, assignmentsOf, type Operand, type WfValue } from './operand.ts';
import { SpawnedChildWf, SpawnedThread, SpawnedThreads, threadsToWaitFor, type ThreadsToWaitFor } from './spawned.ts';
import { ThreadGraph } from './thread-graph.ts';
import { UserTaskOutput, userTaskNode, type UserTaskAssignee } from './user-tasks.ts';
import { newDeclaration, WfRunVariable, type MutationSink } from './variables.ts';
import type { NodeBody, ThreadSpecJson, WfSpecNode } from './wire-types.ts';

export type ThreadFunc = (thread: WorkflowThread) => void;

/** A TaskDef name, a task worker's definition, or a name computed at run time. */
export type TaskToRun = string | { readonly taskDef: { readonly name: string } } | WfRunVariable<'STR'> | FormatString;

/** Task node settings unless a node says otherwise (LittleHorse: timeout 0 = server default, no retries). */
export interface TaskDefaults { timeoutSeconds: number; retries: number; exponentialBackoff?: ExponentialBackoff }

/** What a thread needs from the workflow being compiled. */
export interface ThreadHost {
  readonly taskDefaults: TaskDefaults;
  /** Queues a thread spec to compile after the current one; returns its name. */
  addSubThread(name: string, func: ThreadFunc): string;
  /** Refuses a variable name already declared in another thread. */
  registerVariable(name: string, threadName: string): void;
  /** The thread whose function is running: mutations go there. */
  activeThread(): MutationSink;
}

export class WorkflowThread implements NodeOwner, MutationSink {
  private readonly graph: ThreadGraph;
  private readonly variables: WfRunVariable[] = [];
  private readonly interruptDefs: InterruptDef[] = [];

  /** @internal Threads are made by `Workflow.compile()`. */
  constructor(readonly name: string, private readonly host: ThreadHost) {
    this.graph = new ThreadGraph(name);
  }

  // ---- variables ----

  declareStr(name: string): WfRunVariable<'STR'> { return this.declare(name, 'STR'); }
  declareInt(name: string): WfRunVariable<'INT'> { return this.declare(name, 'INT'); }
  declareDouble(name: string): WfRunVariable<'DOUBLE'> { return this.declare(name, 'DOUBLE'); }
  declareBool(name: string): WfRunVariable<'BOOL'> { return this.declare(name, 'BOOL'); }
  declareJsonObj(name: string): WfRunVariable<'JSON_OBJ'> { return this.declare(name, 'JSON_OBJ'); }
  declareJsonArr(name: string): WfRunVariable<'JSON_ARR'> { return this.declare(name, 'JSON_ARR'); }
  declareBytes(name: string): WfRunVariable<'BYTES'> { return this.declare(name, 'BYTES'); }
  declareTimestamp(name: string): WfRunVariable<'TIMESTAMP'> { return this.declare(name, 'TIMESTAMP'); }
  declareWfRunId(name: string): WfRunVariable<'WF_RUN_ID'> { return this.declare(name, 'WF_RUN_ID'); }

  declare<T extends PrimitiveType>(name: string, type: T): WfRunVariable<T> {
    if (name === '') throw new WorkflowDefinitionError(`thread '${this.name}': a variable needs a name`);
    this.host.registerVariable(name, this.name);
    const variable = new WfRunVariable<T>(newDeclaration(name, type), () => this.host.activeThread());
    this.variables.push(variable);
    return variable;
  }

  /** `lhs <operation> rhs` on the edge leaving the current node; usually written `variable.assign(x)`, `.add(x)`... */
  mutate(lhs: WfRunVariable, operation: MutationType, rhs: WfValue): void {
    const path = lhs.jsonPathExpression;
    this.graph.addMutation({ lhsName: lhs.name, ...(path === undefined ? {} : { lhsJsonPath: path }), operation, rhsAssignment: assignmentOf(rhs, this) });
  }

  // ---- values ----

  condition(lhs: WfValue, comparator: ComparatorSymbol | Comparator, rhs: WfValue): Condition {
    return Condition.compare(lhs, comparator, rhs);
  }

  /** A STR from `template` with `{0}`, `{1}`... replaced by `args`. */
  format(template: string, ...args: WfValue[]): FormatString { return new FormatString(template, args); }
  add(lhs: WfValue, rhs: WfValue): Expression { return new Expression(lhs, 'ADD', rhs); }
  subtract(lhs: WfValue, rhs: WfValue): Expression { return new Expression(lhs, 'SUBTRACT', rhs); }
  multiply(lhs: WfValue, rhs: WfValue): Expression { return new Expression(lhs, 'MULTIPLY', rhs); }
  divide(lhs: WfValue, rhs: WfValue): Expression { return new Expression(lhs, 'DIVIDE', rhs); }
  extend(lhs: WfValue, rhs: WfValue): Expression { return new Expression(lhs, 'EXTEND', rhs); }
  removeIfPresent(lhs: WfValue, rhs: WfValue): Expression { return new Expression(lhs, 'REMOVE_IF_PRESENT', rhs); }
  removeIndex(lhs: WfValue, index: WfValue): Expression { return new Expression(lhs, 'REMOVE_INDEX', index); }
  removeKey(lhs: WfValue, key: WfValue): Expression { return new Expression(lhs, 'REMOVE_KEY', key); }
  sizeOf(value: WfValue): SizeOf { return new SizeOf(value); }

  // ---- tasks ----

  /**
   * Runs a TaskDef with positional arguments. The TaskDef is a name, a worker's TaskDefinition
   * (`{ taskDef: { name } }`), or a STR variable / format string resolved at run time (a dynamic task).
   */
  execute(taskDef: TaskToRun, ...args: WfValue[]): TaskNodeOutput {
    const hint = taskDefName(taskDef) ?? (taskDef instanceof FormatString ? taskDef.format : (taskDef as WfRunVariable).name);
    return new TaskNodeOutput(this, this.graph.addNode(hint, { task: this.taskNodeFor(taskDef, args) }));
  }

  /** @internal A TASK node body with the workflow's task defaults (also a user task's reminder). */
  taskNodeFor(taskDef: TaskToRun, args: WfValue[]): TaskNode {
    const { timeoutSeconds, retries, exponentialBackoff } = this.host.taskDefaults;
    const name = taskDefName(taskDef);
    const target = name !== undefined ? { taskDefId: { name } } : { dynamicTask: (taskDef as Operand).toAssignment(this) };
    const variables = args.map((a) => assignmentOf(a, this));
    return { ...target, timeoutSeconds, retries, ...(exponentialBackoff ? { exponentialBackoff: { ...exponentialBackoff } } : {}), variables };
  }

  // ---- people ----

  /** Asks a user, or anyone in a group, to fill in a UserTaskDef; the output is a JSON_OBJ of their results. */
  assignUserTask(userTaskDefName: string, assignee: UserTaskAssignee): UserTaskOutput {
    const userTask = userTaskNode(this, userTaskDefName, assignee);
    return new UserTaskOutput(this, this.graph.addNode(userTaskDefName, { userTask }));
  }

  // ---- control flow ----

  doIf(condition: ConditionLike, body: ThreadFunc): IfStatement {
    return openIf(this, this.graph, asCondition(condition), body);
  }

  doWhile(condition: ConditionLike, body: ThreadFunc): void {
    addWhile(this, this.graph, asCondition(condition), body);
  }

  /** Blocks until the condition holds (re-checked whenever the WfRun changes, e.g. a child thread mutates a variable). */
  waitForCondition(condition: ConditionLike): NodeOutput {
    return this.nodeOutput('wait-for-condition', { waitForCondition: { condition: asCondition(condition).toAssignment(this) } });
  }

  // ---- child threads ----

  /** Starts thread spec `name` (built by `func`) with `inputs` for its variables, and goes on. */
  spawnThread(name: string, func: ThreadFunc, inputs: Record<string, WfValue> = {}): SpawnedThread {
    const threadSpecName = this.host.addSubThread(name, func);
    const nodeName = this.graph.addNode(name, { startThread: { threadSpecName, variables: assignmentsOf(inputs, this) } });
    const threadNumber = this.declare(nodeName, 'INT');
    this.mutate(threadNumber, 'ASSIGN', new NodeOutput(this, nodeName));
    return new SpawnedThread(threadSpecName, threadNumber);
  }

  /** Starts one thread per item of a JSON_ARR; each gets its item as variable `INPUT`, if it declares one. */
  spawnThreadForEach(list: WfValue, name: string, func: ThreadFunc, inputs: Record<string, WfValue> = {}): SpawnedThreads {
    const threadSpecName = this.host.addSubThread(name, func);
    const body = { threadSpecName, variables: assignmentsOf(inputs, this), iterable: assignmentOf(list, this) };
    const nodeName = this.graph.addNode(name, { startMultipleThreads: body });
    const threadNumbers = this.declare(nodeName, 'JSON_ARR');
    this.mutate(threadNumbers, 'ASSIGN', new NodeOutput(this, nodeName));
    return new SpawnedThreads(threadSpecName, threadNumbers);
  }

  /** Waits until all the threads have completed (or had their failure handled). */
  waitForThreads(...threads: ThreadsToWaitFor[]): WaitForThreadsNodeOutput {
    return this.addWaitForThreads(threads, 'WAIT_FOR_ALL');
  }

  /** Waits for the first thread to end, completed or failed; the others are halted. */
  waitForFirstOf(...threads: ThreadsToWaitFor[]): WaitForThreadsNodeOutput {
    return this.addWaitForThreads(threads, 'WAIT_FOR_FIRST');
  }

  /** Waits for the first thread to complete; fails only if all of them fail. */
  waitForAnyOf(...threads: ThreadsToWaitFor[]): WaitForThreadsNodeOutput {
    return this.addWaitForThreads(threads, 'WAIT_FOR_ANY');
  }

  private addWaitForThreads(threads: ThreadsToWaitFor[], strategy: 'WAIT_FOR_ALL' | 'WAIT_FOR_FIRST' | 'WAIT_FOR_ANY'): WaitForThreadsNodeOutput {
    const body = { ...threadsToWaitFor(threads, this), perThreadFailureHandlers: [], strategy };
    return new WaitForThreadsNodeOutput(this, this.graph.addNode('threads', { waitForThreads: body }));
  }

  // ---- waiting ----

  /** Waits for an ExternalEvent of `externalEventDefName` posted to this WfRun; its content is the output. */
  waitForEvent(externalEventDefName: string): ExternalEventNodeOutput {
    const externalEvent = { externalEventDefId: { name: externalEventDefName }, maskCorrelationKey: false };
    return new ExternalEventNodeOutput(this, this.graph.addNode(externalEventDefName, { externalEvent }));
  }

  sleepSeconds(seconds: WfValue): void {
    this.graph.addNode('sleep', { sleep: { rawSeconds: assignmentOf(seconds, this) } });
  }

  /** Sleeps until an instant: a Date or ISO-8601 string, a TIMESTAMP / STR (ISO) variable, or INT epoch millis. */
  sleepUntil(when: WfValue): void {
    this.graph.addNode('sleep', { sleep: sleepTarget(when, this) });
  }

  // ---- events and child workflows ----

  /** Publishes a WorkflowEvent (THROW_EVENT) of a WorkflowEventDef that must exist when the WfSpec is put. */
  throwEvent(workflowEventDefName: string, content: WfValue): void {
    this.graph.addNode(`throw-${workflowEventDefName}`, { throwEvent: { eventDefId: { name: workflowEventDefName }, content: assignmentOf(content, this) } });
  }

  /** Starts a child WfRun of `wfSpec` (its latest version unless `majorVersion` is given) and goes on. */
  runChildWf(wfSpec: string | WfRunVariable<'STR'>, inputs: Record<string, WfValue> = {}, options: { majorVersion?: number } = {}): SpawnedChildWf {
    const spec = typeof wfSpec === 'string' ? { wfSpecName: wfSpec } : { wfSpecVar: wfSpec.toAssignment(this) };
    const label = typeof wfSpec === 'string' ? wfSpec : 'child-wf';
    const runChildWf = { ...spec, ...(options.majorVersion === undefined ? {} : { majorVersion: options.majorVersion }), inputs: assignmentsOf(inputs, this) };
    return new SpawnedChildWf(this, this.graph.addNode(`run-${label}`, { runChildWf }), label);
  }

  /** Waits for a child WfRun started in this thread; its output is the child's output. */
  waitForChildWf(child: SpawnedChildWf): NodeOutput {
    if (child.owner !== this) {
      throw new WorkflowDefinitionError(`thread '${this.name}' waits for a child WfRun started in thread '${child.owner.name}'`);
    }
    const waitForChildWf = { childWfRunId: child.idAssignment(), childWfRunSourceNode: child.runNodeName };
    return this.nodeOutput(`wait-for-${child.wfSpecLabel}`, { waitForChildWf });
  }

  /**
   * While this thread runs, an ExternalEvent of `externalEventDefName` halts it and runs `handler`
   * (thread `interrupt-<name>`; its INPUT variable, if declared, gets the event's content); then it resumes.
   */
  registerInterruptHandler(externalEventDefName: string, handler: ThreadFunc): void {
    const handlerSpecName = this.host.addSubThread(`interrupt-${externalEventDefName}`, handler);
    this.interruptDefs.push({ externalEventDefId: { name: externalEventDefName }, handlerSpecName });
  }

  // ---- failures and the end ----

  /** Runs `handler` (a thread; variable INPUT, if declared, gets the exception content) when `node` throws that exception (or any). */
  handleException(node: NodeOutput, handler: ThreadFunc): void;
  handleException(node: NodeOutput, exceptionName: string, handler: ThreadFunc): void;
  handleException(node: NodeOutput, first: string | ThreadFunc, second?: ThreadFunc): void {
    const [name, handler] = filterAndHandler<string, ThreadFunc>(first, second);
    this.addFailureHandler(node, catchException(name), handler);
  }

  handleError(node: NodeOutput, handler: ThreadFunc): void;
  handleError(node: NodeOutput, errorType: LHErrorType, handler: ThreadFunc): void;
  handleError(node: NodeOutput, first: LHErrorType | ThreadFunc, second?: ThreadFunc): void {
    const [type, handler] = filterAndHandler<LHErrorType, ThreadFunc>(first, second);
    this.addFailureHandler(node, catchError(type), handler);
  }

  handleAnyFailure(node: NodeOutput, handler: ThreadFunc): void {
    this.addFailureHandler(node, catchAnyFailure(), handler);
  }

  private addFailureHandler(node: NodeOutput, what: FailureCatch, handler: ThreadFunc): void {
    if (node.owner !== this) {
      throw new WorkflowDefinitionError(`thread '${this.name}' handles failures of ${node.nodeName}, a node of thread '${node.owner.name}'`);
    }
    const handlerSpecName = this.host.addSubThread(`exn-handler-${node.nodeName}-${what.suffix}`, handler);
    this.graph.node(node.nodeName).failureHandlers.push({ handlerSpecName, ...what.filter });
  }

  /** Ends the thread here, completed; `output` becomes the thread's (the WfRun's, for the entrypoint) output. */
  complete(output?: WfValue): void {
    this.graph.addNode('complete', { exit: output === undefined ? {} : { returnContent: assignmentOf(output, this) } });
  }

  /** Ends the thread here with a business exception `failureName` (an ERROR if the name is a reserved one). */
  fail(failureName: string, message: string, content?: WfValue): void {
    const failureDef = { failureName, message, ...(content === undefined ? {} : { content: assignmentOf(content, this) }) };
    this.graph.addNode(failureName, { exit: { failureDef } });
  }

  // ---- for the compiler and node handles ----

  /** @internal */
  nodeNamed(nodeName: string): WfSpecNode {
    return this.graph.node(nodeName);
  }

  /** @internal */
  addHandlerThread(threadName: string, handler: ThreadFunc): string {
    return this.host.addSubThread(threadName, handler);
  }

  /** @internal Closes the thread (with an EXIT unless it ended on one) and returns its spec. */
  finish(): ThreadSpecJson {
    this.graph.finish();
    return { nodes: this.graph.nodes, variableDefs: this.variables.map((v) => v.toThreadVarDef()), interruptDefs: this.interruptDefs };
  }

  private nodeOutput(hint: string, body: NodeBody): NodeOutput {
    return new NodeOutput(this, this.graph.addNode(hint, body));
  }
}

/** A static TaskDef's name; undefined for a dynamic task (a variable or format string). */
function taskDefName(taskDef: TaskToRun): string | undefined {
  return typeof taskDef === 'string' ? taskDef : 'taskDef' in taskDef ? taskDef.taskDef.name : undefined;
}

/** SLEEP takes INT epoch millis (`timestamp`) or an ISO-8601 STR (`isoDate`). */
function sleepTarget(when: WfValue, thread: WorkflowThread): { timestamp: VariableAssignment } | { isoDate: VariableAssignment } {
  if (when instanceof Date || typeof when === 'string') return { isoDate: assignmentOf(when instanceof Date ? when.toISOString() : when, thread) };
  if (when instanceof WfRunVariable && when.type === 'STR') return { isoDate: when.toAssignment(thread) };
  if (when instanceof WfRunVariable && when.type === 'TIMESTAMP') {
    return { timestamp: { ...when.toAssignment(thread), targetType: { primitiveType: 'INT', masked: false } } };
  }
  return { timestamp: assignmentOf(when, thread) };
}
