// USER_TASK nodes: arrival creates a UserTaskRun for a user and/or group; people assign, claim,
// release, save, comment on, complete or cancel it; DONE completes the node with the results,
// CANCELLED fails it. Every change is recorded in the task's audit trail of events.
import { failedPrecondition, invalidArgument, notFound } from '../errors.ts';
import { resolveAssignment } from './assignments.ts';
import type { EngineContext, Effect } from './commands.ts';
import { failure, NodeFailureError } from './failures.ts';
import { nodeRunKey } from './run-state.ts';
import { nodeOf } from './spec.ts';
import { completeNode, failNode } from './threads.ts';
import type { NodeRun, RunState, ThreadRun, VariableAssignment, VariableValue } from './types.ts';
import { armActions } from './user-task-actions.ts';
import type { UserTaskCommand } from './user-task-commands.ts';
import type { UserTaskEvent, UserTaskNode, UserTaskRun } from './user-task-types.ts';
import { stringForm, toPlain } from './values.ts';

export function arriveAtUserTask(state: RunState, ctx: EngineContext, thread: ThreadRun, nodeRun: NodeRun, node: UserTaskNode, effects: Effect[]): void {
  const userId = ownerOf(state, thread, node.userId);
  const userGroup = ownerOf(state, thread, node.userGroup);
  if (!userId && !userGroup) throw new NodeFailureError(failure('VAR_ERROR', 'USER_TASK: neither userId nor userGroup resolved to a non-blank STR'));
  const notes = node.notes && resolveAssignment(state, thread.number, node.notes);
  const userTaskGuid = ctx.newGuid();
  const utr: UserTaskRun = {
    id: { wfRunId: state.wfRun.id, userTaskGuid },
    userTaskDefId: { name: node.userTaskDefName, version: node.userTaskDefVersion ?? 0 },
    ...(userId ? { userId } : {}),
    ...(userGroup ? { userGroup } : {}),
    results: {},
    status: userId ? 'ASSIGNED' : 'UNASSIGNED',
    events: [{ time: ctx.now, assigned: { ...(userId ? { newUserId: userId } : {}), ...(userGroup ? { newUserGroup: userGroup } : {}) } }],
    ...(notes && toPlain(notes) !== null ? { notes: stringForm(notes) } : {}),
    scheduledTime: ctx.now,
    nodeRunId: nodeRun.id,
    epoch: 0,
  };
  nodeRun.userTask = { userTaskRunId: utr.id };
  const timers: Effect[] = [];
  armActions(state, ctx, utr, 'ON_ARRIVAL', timers); // a bad delay fails the node before any task exists
  if (userId) armActions(state, ctx, utr, 'ON_TASK_ASSIGNED', timers);
  (state.userTaskRuns ??= {})[userTaskGuid] = utr;
  effects.push(...timers);
}

/** A userId/userGroup assignment: a non-blank STR, else none. */
function ownerOf(state: RunState, thread: ThreadRun, a: VariableAssignment | undefined): string | undefined {
  const value = a && resolveAssignment(state, thread.number, a);
  return value?.str?.trim() ? value.str : undefined;
}

export function onUserTaskCommand(state: RunState, cmd: UserTaskCommand, ctx: EngineContext, effects: Effect[]): void {
  const utr = userTaskRunOf(state, cmd.userTaskGuid);
  switch (cmd.type) {
    case 'AssignUserTaskRun': {
      checkOpen(utr);
      if (!cmd.userId && !cmd.userGroup) throw invalidArgument('userId or userGroup is required', { field: 'userId' });
      if (utr.userId && utr.userId !== cmd.userId && !cmd.overrideClaim) {
        throw failedPrecondition(`UserTaskRun is claimed by '${utr.userId}'; set overrideClaim to reassign it`);
      }
      return assignTo(state, ctx, utr, cmd.userId, cmd.userGroup, effects);
    }
    case 'ClaimUserTaskRun':
      checkOpen(utr);
      if (utr.userId === cmd.userId) return;
      if (utr.userId) throw failedPrecondition(`UserTaskRun is claimed by '${utr.userId}'`);
      return assignTo(state, ctx, utr, cmd.userId, utr.userGroup, effects);
    case 'ReleaseUserTaskRun':
      checkOpen(utr);
      if (!utr.userId) return;
      if (cmd.userId !== undefined && cmd.userId !== utr.userId) throw failedPrecondition(`UserTaskRun is claimed by '${utr.userId}', not '${cmd.userId}'`);
      if (!utr.userGroup) throw failedPrecondition('UserTaskRun has no userGroup to go back to');
      return assignTo(state, ctx, utr, undefined, utr.userGroup, effects);
    case 'CompleteUserTaskRun':
      return complete(state, ctx, utr, cmd.userId, cmd.results);
    case 'CancelUserTaskRun':
      checkOpen(utr);
      return cancelUserTaskRun(state, ctx, utr, cmd.message ?? 'cancelled by a user');
    case 'SaveUserTaskRunProgress':
      checkOpen(utr);
      if (cmd.policy === 'FAIL_IF_CLAIMED_BY_OTHER' && utr.userId && utr.userId !== cmd.userId) {
        throw failedPrecondition(`UserTaskRun is claimed by '${utr.userId}', not '${cmd.userId}'`);
      }
      utr.results = cmd.results;
      return record(utr, ctx, { saved: { userId: cmd.userId, results: cmd.results } });
    case 'PutUserTaskRunComment': {
      const userCommentId = 1 + Math.max(0, ...utr.events.map((e) => e.commentAdded?.userCommentId ?? 0));
      return record(utr, ctx, { commentAdded: { userCommentId, userId: cmd.userId, comment: cmd.comment } });
    }
    case 'EditUserTaskRunComment':
      checkComment(utr, cmd.userCommentId);
      return record(utr, ctx, { commentEdited: { userCommentId: cmd.userCommentId, userId: cmd.userId, comment: cmd.comment } });
    case 'DeleteUserTaskRunComment':
      checkComment(utr, cmd.userCommentId);
      return record(utr, ctx, { commentDeleted: { userCommentId: cmd.userCommentId, userId: cmd.userId } });
  }
}

export function userTaskRunOf(state: RunState, userTaskGuid: string): UserTaskRun {
  const utr = state.userTaskRuns?.[userTaskGuid];
  if (!utr) throw notFound(`UserTaskRun ${state.wfRun.id}/${userTaskGuid} does not exist`);
  return utr;
}

export function isOpen(utr: UserTaskRun): boolean {
  return utr.status === 'UNASSIGNED' || utr.status === 'ASSIGNED';
}

function checkOpen(utr: UserTaskRun): void {
  if (!isOpen(utr)) throw failedPrecondition(`UserTaskRun is ${utr.status}`);
}

function checkComment(utr: UserTaskRun, userCommentId: number): void {
  const added = utr.events.some((e) => e.commentAdded?.userCommentId === userCommentId);
  const deleted = utr.events.some((e) => e.commentDeleted?.userCommentId === userCommentId);
  if (!added || deleted) throw notFound(`UserTaskRun has no comment ${userCommentId}`);
}

function record(utr: UserTaskRun, ctx: EngineContext, event: Omit<UserTaskEvent, 'time'>): void {
  utr.events.push({ time: ctx.now, ...event });
}

/**
 * Gives the task new owners (an undefined one is cleared) and a new epoch, so that actions armed
 * for the previous assignment are stale; an assignment to a user arms the ON_TASK_ASSIGNED actions.
 */
export function assignTo(
  state: RunState, ctx: EngineContext, utr: UserTaskRun, userId: string | undefined, userGroup: string | undefined, effects: Effect[] | null,
): void {
  record(utr, ctx, {
    assigned: {
      ...(utr.userId ? { oldUserId: utr.userId } : {}),
      ...(utr.userGroup ? { oldUserGroup: utr.userGroup } : {}),
      ...(userId ? { newUserId: userId } : {}),
      ...(userGroup ? { newUserGroup: userGroup } : {}),
    },
  });
  if (userId) utr.userId = userId;
  else delete utr.userId;
  if (userGroup) utr.userGroup = userGroup;
  else delete utr.userGroup;
  utr.status = userId ? 'ASSIGNED' : 'UNASSIGNED';
  utr.epoch += 1;
  if (userId && effects) armActions(state, ctx, utr, 'ON_TASK_ASSIGNED', effects);
}

/** DONE with the results; someone other than the owner completing it takes it over first. */
function complete(state: RunState, ctx: EngineContext, utr: UserTaskRun, userId: string, results: Record<string, VariableValue>): void {
  if (!isOpen(utr)) throw failedPrecondition(`UserTaskRun is ${utr.status}; it can no longer be completed`);
  if (utr.userId !== userId) assignTo(state, ctx, utr, userId, utr.userGroup, null);
  utr.results = results;
  utr.status = 'DONE';
  record(utr, ctx, { completed: {} });
  const nodeRun = nodeRunOf(state, utr);
  if (nodeRun.status === 'RUNNING') completeNode(nodeRun, ctx);
}

/**
 * CANCELLED: the node fails with USER_TASK_CANCELLED, or with the EXCEPTION named by the node's
 * onCancellationExceptionName when that resolves to a non-blank STR.
 */
export function cancelUserTaskRun(state: RunState, ctx: EngineContext, utr: UserTaskRun, message: string): void {
  utr.status = 'CANCELLED';
  record(utr, ctx, { cancelled: { message } });
  const nodeRun = nodeRunOf(state, utr);
  if (nodeRun.status !== 'RUNNING') return;
  const node = nodeOf(ctx.spec, nodeRun.threadSpecName, nodeRun.nodeName).userTask;
  const exceptionName = exceptionNameOf(state, nodeRun, node?.onCancellationExceptionName);
  failNode(ctx, nodeRun, exceptionName ? failure(exceptionName, `UserTaskRun cancelled: ${message}`) : failure('USER_TASK_CANCELLED', `UserTaskRun cancelled: ${message}`));
}

function exceptionNameOf(state: RunState, nodeRun: NodeRun, a: VariableAssignment | undefined): string | undefined {
  if (!a) return undefined;
  try {
    return resolveAssignment(state, nodeRun.id.threadRunNumber, a).str?.trim() || undefined;
  } catch (err) {
    if (err instanceof NodeFailureError) return undefined;
    throw err;
  }
}

/** A thread halting at a USER_TASK node cancels the UserTaskRun (and so fails the node for when the thread runs again). */
export function cancelUserTaskOnHalt(state: RunState, ctx: EngineContext, nodeRun: NodeRun): void {
  const guid = nodeRun.userTask?.userTaskRunId?.userTaskGuid;
  const utr = guid === undefined ? undefined : state.userTaskRuns?.[guid];
  if (nodeRun.status !== 'RUNNING' || !utr || !isOpen(utr)) return;
  cancelUserTaskRun(state, ctx, utr, 'the thread waiting on it was halted');
}

export function nodeRunOf(state: RunState, utr: UserTaskRun): NodeRun {
  const { threadRunNumber, position } = utr.nodeRunId;
  const nodeRun = state.nodeRuns[nodeRunKey(threadRunNumber, position)];
  if (!nodeRun) throw new Error(`UserTaskRun ${utr.id.userTaskGuid} has no node run`);
  return nodeRun;
}

/** The node's output: a JSON_OBJ with one key per result. */
export function userTaskOutput(utr: UserTaskRun | undefined): VariableValue {
  return { jsonObj: Object.fromEntries(Object.entries(utr?.results ?? {}).map(([k, v]) => [k, toPlain(v)])) };
}
