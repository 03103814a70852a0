// Errors of code workflows. Errors cross Redis as data `{name, message}` and are rebuilt on replay, so a
// memoised failure throws an Error with the same name and message every time.

/** Thrown inside a step: the step fails at once, with no further attempts. */
export class NonRetryableError extends Error {
  constructor(message: string, name = 'NonRetryableError') {
    super(message);
    this.name = name;
  }
}

/** A step attempt that ran past its timeout, or a waitForEvent that no event reached in time. */
export class WorkflowTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkflowTimeoutError';
  }
}

export interface ErrorData { name: string; message: string }

export function errorData(err: unknown): ErrorData {
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

/** Matched by name or message prefix, as Cloudflare does (the error may have crossed a boundary). */
export function isNonRetryable(err: unknown): boolean {
  return err instanceof NonRetryableError || (err instanceof Error && (err.name === 'NonRetryableError' || err.message.startsWith('NonRetryableError')));
}

/** The Error a recorded failure is thrown again as. */
export function rebuiltError(data: ErrorData): Error {
  const err = data.name === 'WorkflowTimeoutError' ? new WorkflowTimeoutError(data.message) : new Error(data.message);
  err.name = data.name;
  return err;
}
