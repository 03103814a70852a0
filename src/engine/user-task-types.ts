// User tasks in LittleHorse's JSON shapes: the UserTaskDef (a form of typed fields), the USER_TASK
// node that asks a person for it, and the UserTaskRun that tracks who holds it and what they did.
import type { NodeRunId, TaskNode, VariableAssignment, VariableValue } from './types.ts';

/** User task fields hold primitives only. */
export type UserTaskFieldType = 'STR' | 'BOOL' | 'INT' | 'DOUBLE';
export const USER_TASK_FIELD_TYPES: readonly UserTaskFieldType[] = ['STR', 'BOOL', 'INT', 'DOUBLE'];

export interface UserTaskField {
  name: string;
  type: UserTaskFieldType;
  description?: string;
  displayName?: string;
  required: boolean;
}

export interface UserTaskDefId { name: string; version: number }

export interface UserTaskDef {
  name: string;
  /** 0 for the first put of a name; each changed put adds one. */
  version: number;
  description?: string;
  fields: UserTaskField[];
  createdAt: string;
}

export type UTHook = 'ON_ARRIVAL' | 'ON_TASK_ASSIGNED';

/** Something done `delaySeconds` after the task arrives or after each assignment to a user. */
export interface UTActionTrigger {
  task?: { task: TaskNode; mutations: unknown[] };
  cancel?: Record<string, never>;
  reassign?: { userId?: VariableAssignment; userGroup?: VariableAssignment };
  delaySeconds: VariableAssignment;
  hook: UTHook;
}

export interface UserTaskNode {
  userTaskDefName: string;
  /** Pinned by PutWfSpec to the latest version at the time. */
  userTaskDefVersion?: number;
  userGroup?: VariableAssignment;
  userId?: VariableAssignment;
  actions: UTActionTrigger[];
  notes?: VariableAssignment;
  onCancellationExceptionName?: VariableAssignment;
}

export type UserTaskRunStatus = 'UNASSIGNED' | 'ASSIGNED' | 'DONE' | 'CANCELLED';
export const USER_TASK_RUN_STATUSES: readonly UserTaskRunStatus[] = ['UNASSIGNED', 'ASSIGNED', 'DONE', 'CANCELLED'];

export interface UserTaskRunId { wfRunId: string; userTaskGuid: string }

export interface UserTaskComment { userCommentId: number; userId: string; comment: string }

/** One entry of a UserTaskRun's audit trail: `time` plus exactly one event. */
export interface UserTaskEvent {
  time: string;
  taskExecuted?: { taskRun: { wfRunId: string; taskGuid: string } };
  assigned?: { oldUserId?: string; oldUserGroup?: string; newUserId?: string; newUserGroup?: string };
  cancelled?: { message: string };
  saved?: { userId: string; results: Record<string, VariableValue> };
  commentAdded?: UserTaskComment;
  commentEdited?: UserTaskComment;
  commentDeleted?: { userCommentId: number; userId: string };
  completed?: Record<string, never>;
}

export interface UserTaskRun {
  id: UserTaskRunId;
  userTaskDefId: UserTaskDefId;
  userGroup?: string;
  userId?: string;
  results: Record<string, VariableValue>;
  status: UserTaskRunStatus;
  events: UserTaskEvent[];
  notes?: string;
  scheduledTime: string;
  nodeRunId: NodeRunId;
  /** Bumped on every (re)assignment; actions armed for an older epoch are stale. */
  epoch: number;
}

/** Where a reminder TaskRun came from: the USER_TASK node run and the audit event that records it. */
export interface UserTaskTriggerReference {
  nodeRunId: NodeRunId;
  userTaskEventNumber: number;
  userId?: string;
  userGroup?: string;
}
