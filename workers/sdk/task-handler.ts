// What a task handler sees and how it signals a business failure.

export interface TaskContext {
  /** `wfRunId/taskGuid`: the same for every attempt of one TaskRun; use it to make side effects idempotent. */
  idempotencyKey: string;
  wfRunId: string;
  taskGuid: string;
  /** 0 for the first try. */
  attemptNumber: number;
  /** Lines collected into the attempt's logOutput. */
  log(line: string): void;
  /**
   * Aborted when the attempt's timeoutSeconds have passed since the handler started: the attempt is
   * then reported TASK_TIMEOUT (and retried if the node allows), and whatever the handler returns is dropped.
   * Also aborted when a stopping worker's grace period ends: the task then goes back to its queue.
   */
  signal: AbortSignal;
}

/** Receives the TaskDef's inputs by name, as plain JSON; returns the output as plain JSON. */
export type TaskHandler = (inputs: Record<string, unknown>, context: TaskContext) => unknown;

/**
 * Throw this for a business outcome the workflow should see as an EXCEPTION named `exceptionName`
 * (not retried). Any other error is a technical failure: TASK_FAILED, retried if the node allows.
 */
export class TaskException extends Error {
  override name = 'TaskException';
  constructor(readonly exceptionName: string, message: string, readonly content?: unknown) {
    super(message);
  }
}
