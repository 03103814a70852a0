// Workflow: a named WfSpec written as code. `compile()` runs the functions and returns the
// PutWfSpecRequest JSON; `register()` sends it to a Colt server.
import type { ExponentialBackoff, WfSpec } from '../engine/types.ts';
import { isValidName } from '../ids.ts';
import { Compilation } from './compilation.ts';
import { WorkflowDefinitionError } from './definition-error.ts';
import { putWfSpec, type RegisterOptions } from './register.ts';
import type { TaskDefaults, ThreadFunc } from './thread-builder.ts';
import type { AllowedUpdates, PutWfSpecJson } from './wire-types.ts';

export const ENTRYPOINT_THREAD = 'entrypoint';

export class Workflow {
  private readonly taskDefaults: TaskDefaults = { timeoutSeconds: 0, retries: 0 };
  private allowedUpdates: AllowedUpdates = 'ALL_UPDATES';
  private retentionSeconds: number | undefined;
  private parentWfSpec: { wfSpecName: string; wfSpecMajorVersion: number } | undefined;

  /** `entrypoint` builds the entrypoint thread; it runs again on every `compile()`. */
  constructor(readonly name: string, private readonly entrypoint: ThreadFunc) {
    if (!isValidName(name)) {
      throw new WorkflowDefinitionError(`workflow name '${name}' must be 1-128 characters of [A-Za-z0-9-], not starting or ending with '-'`);
    }
  }

  /** Every TASK node's attempt timeout unless the node sets one. */
  withDefaultTaskTimeout(seconds: number): this {
    this.taskDefaults.timeoutSeconds = seconds;
    return this;
  }

  /** Every TASK node's retries unless the node sets them. */
  withDefaultRetries(retries: number): this {
    this.taskDefaults.retries = retries;
    return this;
  }

  withDefaultExponentialBackoff(policy: ExponentialBackoff): this {
    this.taskDefaults.exponentialBackoff = { ...policy };
    return this;
  }

  /** Deletes each WfRun this long after it has ended. */
  withRetentionPolicy(secondsAfterWfTermination: number): this {
    this.retentionSeconds = secondsAfterWfTermination;
    return this;
  }

  /** Which new versions PutWfSpec may make (MINOR_REVISION_UPDATES refuses breaking changes). */
  withUpdateType(allowedUpdates: AllowedUpdates): this {
    this.allowedUpdates = allowedUpdates;
    return this;
  }

  /**
   * Makes every run of this workflow a child WfRun of a run of `wfSpecName` (that major version),
   * whose entrypoint variables `asInherited()` variables read and write.
   */
  withParentWfSpec(wfSpecName: string, majorVersion = 0): this {
    this.parentWfSpec = { wfSpecName, wfSpecMajorVersion: majorVersion };
    return this;
  }

  /** The PutWfSpecRequest body, exactly as `POST /wfSpec` takes it. */
  compile(): PutWfSpecJson {
    const threadSpecs = new Compilation({ ...this.taskDefaults }).compile(ENTRYPOINT_THREAD, this.entrypoint);
    return {
      name: this.name,
      threadSpecs,
      entrypointThreadName: ENTRYPOINT_THREAD,
      allowedUpdates: this.allowedUpdates,
      ...(this.retentionSeconds === undefined ? {} : { retentionPolicy: { secondsAfterWfTermination: this.retentionSeconds } }),
      ...(this.parentWfSpec ? { parentWfSpec: { ...this.parentWfSpec } } : {}),
    };
  }

  /** Compiles and registers the WfSpec; returns it as stored (with its version). Throws ColtApiError if refused. */
  register(baseUrl: string, options: RegisterOptions = {}): Promise<WfSpec> {
    return putWfSpec(baseUrl, this.compile(), options);
  }
}
