// Failures as data: the reserved ERROR names, and the error a node's code throws to fail its node.
import type { Failure, LHStatus, VariableValue } from './types.ts';

export const ERROR_TYPES = [
  'CHILD_FAILURE', 'VAR_SUB_ERROR', 'VAR_MUTATION_ERROR', 'USER_TASK_CANCELLED', 'TIMEOUT', 'TASK_FAILURE',
  'VAR_ERROR', 'TASK_ERROR', 'INTERNAL_ERROR',
] as const;

/** ERROR for LittleHorse's reserved names, EXCEPTION for any user-defined failure name. */
export function statusOfFailure(failureName: string): Extract<LHStatus, 'ERROR' | 'EXCEPTION'> {
  return (ERROR_TYPES as readonly string[]).includes(failureName) ? 'ERROR' : 'EXCEPTION';
}

export function failure(failureName: string, message: string, content?: VariableValue): Failure {
  return { failureName, message, wasProperlyHandled: false, ...(content ? { content } : {}) };
}

/** Thrown inside the reducer when evaluating something fails the current node. */
export class NodeFailureError extends Error {
  override name = 'NodeFailureError';
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

export const varSubError = (message: string) => new NodeFailureError(failure('VAR_SUB_ERROR', message));
