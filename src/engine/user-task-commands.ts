// The commands people (through the API) and timers apply to a WfRun's UserTaskRuns.
import type { VariableValue } from './types.ts';

export type SaveUserTaskRunPolicy = 'FAIL_IF_CLAIMED_BY_OTHER' | 'IGNORE_CLAIM';

export type UserTaskCommand =
  /** Replaces both owner fields (an absent one is cleared); a task claimed by another user needs `overrideClaim`. */
  | { type: 'AssignUserTaskRun'; userTaskGuid: string; userId?: string; userGroup?: string; overrideClaim: boolean }
  /** `userId` takes the task (keeping its group); refused when another user holds it. */
  | { type: 'ClaimUserTaskRun'; userTaskGuid: string; userId: string }
  /** The task goes back to its group; with `userId`, only if that user holds it. */
  | { type: 'ReleaseUserTaskRun'; userTaskGuid: string; userId?: string }
  /** `results` are already checked against the UserTaskDef. */
  | { type: 'CompleteUserTaskRun'; userTaskGuid: string; userId: string; results: Record<string, VariableValue> }
  | { type: 'CancelUserTaskRun'; userTaskGuid: string; message?: string }
  | { type: 'SaveUserTaskRunProgress'; userTaskGuid: string; userId: string; results: Record<string, VariableValue>; policy: SaveUserTaskRunPolicy }
  | { type: 'PutUserTaskRunComment'; userTaskGuid: string; userId: string; comment: string }
  | { type: 'EditUserTaskRunComment'; userTaskGuid: string; userCommentId: number; userId: string; comment: string }
  | { type: 'DeleteUserTaskRunComment'; userTaskGuid: string; userCommentId: number; userId: string };

/**
 * A USER_TASK node's action is due (`actionIndex` into the node's actions). `epoch` is the task's
 * epoch when it was armed: reassignments and ON_TASK_ASSIGNED actions of an older epoch are stale.
 */
export type UserTaskTimerCommand = { type: 'UserTaskActionDue'; userTaskGuid: string; actionIndex: number; epoch: number };
