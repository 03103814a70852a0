// Which FailureHandlerDef catches a failure: the first in list order that matches it.
import { statusOfFailure } from './failures.ts';
import type { Failure, FailureHandlerDef } from './types.ts';

/** Umbrella ERROR names that also catch their specific members. */
const UMBRELLAS: Record<string, readonly string[]> = {
  VAR_ERROR: ['VAR_SUB_ERROR', 'VAR_MUTATION_ERROR'],
  TASK_ERROR: ['TASK_FAILURE', 'TIMEOUT'],
};

export function matchingHandler(handlers: FailureHandlerDef[], f: Failure): FailureHandlerDef | undefined {
  return handlers.find((h) => catches(h, f));
}

function catches(h: FailureHandlerDef, f: Failure): boolean {
  if (h.specificFailure !== undefined) {
    return h.specificFailure === f.failureName || (UMBRELLAS[h.specificFailure] ?? []).includes(f.failureName);
  }
  if (h.anyFailureOfType === 'FAILURE_TYPE_ERROR') return statusOfFailure(f.failureName) === 'ERROR';
  if (h.anyFailureOfType === 'FAILURE_TYPE_EXCEPTION') return statusOfFailure(f.failureName) === 'EXCEPTION';
  return true;
}
