// Which failures a handler catches, and the name of its handler thread, LittleHorse SDK style:
// `exn-handler-<node>-<failure name | FAILURE_TYPE_EXCEPTION | FAILURE_TYPE_ERROR | any-failure>`.
import type { FailureHandlerDef } from '../engine/types.ts';

/** LittleHorse's reserved ERROR names (VAR_ERROR and TASK_ERROR also catch their members). */
export type LHErrorType =
  | 'CHILD_FAILURE' | 'VAR_SUB_ERROR' | 'VAR_MUTATION_ERROR' | 'USER_TASK_CANCELLED' | 'TIMEOUT' | 'TASK_FAILURE'
  | 'VAR_ERROR' | 'TASK_ERROR' | 'INTERNAL_ERROR';

export interface FailureCatch {
  /** Ends the handler thread's name. */
  suffix: string;
  filter: Omit<FailureHandlerDef, 'handlerSpecName'>;
}

/** A named business exception, or any exception. */
export function catchException(name?: string): FailureCatch {
  if (name === undefined) return { suffix: 'FAILURE_TYPE_EXCEPTION', filter: { anyFailureOfType: 'FAILURE_TYPE_EXCEPTION' } };
  return { suffix: name, filter: { specificFailure: name } };
}

/** One reserved error (or umbrella), or any error. */
export function catchError(type?: LHErrorType): FailureCatch {
  if (type === undefined) return { suffix: 'FAILURE_TYPE_ERROR', filter: { anyFailureOfType: 'FAILURE_TYPE_ERROR' } };
  return { suffix: type, filter: { specificFailure: type } };
}

export function catchAnyFailure(): FailureCatch {
  return { suffix: 'any-failure', filter: {} };
}

/** Reads the `(handler)` / `(filter, handler)` overloads. */
export function filterAndHandler<F, H extends (...args: never[]) => unknown>(first: F | H, second: H | undefined): [F | undefined, H] {
  if (second !== undefined) return [first as F, second];
  return [undefined, first as H];
}
