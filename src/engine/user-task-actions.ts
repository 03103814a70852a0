// A USER_TASK node's actions: a reminder task, a reassignment or a cancellation, `delaySeconds` after
// the task arrives (ON_ARRIVAL) or after each assignment to a user (ON_TASK_ASSIGNED), on durable
// timers. A timer armed for an assignment that no longer holds (an older epoch) changes nothing;
// a reminder that cannot run, or fails, never fails the WfRun.
import { resolveAssignment } from './assignments.ts';
import { MissingTaskDefError, type Command, type EngineContext, type Effect } from './commands.ts';
import { NodeFailureError, varSubError } from './failures.ts';
import { nodeOf } from './spec.ts';
import { scheduleTaskRun } from './tasks.ts';
import type { NodeRun, RunState, TaskNode, VarNameAndVal } from './types.ts';
import type { UserTaskRun, UTActionTrigger, UTHook } from './user-task-types.ts';
import { assignTo, cancelUserTaskRun, isOpen, nodeRunOf } from './user-tasks.ts';
import { castImplicitly, ValueError } from './values.ts';

type ActionDue = Extract<Command, { type: 'UserTaskActionDue' }>;

/**
 * Arms a timer for each of the node's actions on `hook`, tagged with the task's epoch. At arrival a
 * delay that is not a non-negative INT fails the node; later (an assignment) that action is skipped.
 */
export function armActions(state: RunState, ctx: EngineContext, utr: UserTaskRun, hook: UTHook, effects: Effect[]): void {
  const nodeRun = nodeRunOf(state, utr);
  actionsOf(ctx, nodeRun).forEach((action, actionIndex) => {
    if (action.hook !== hook) return;
    let delaySeconds: number;
    try {
      delaySeconds = delayOf(state, nodeRun, action);
    } catch (err) {
      if (err instanceof NodeFailureError && utr.epoch > 0) return;
      throw err;
    }
    const { userTaskGuid } = utr.id;
    effects.push({
      type: 'ArmTimer',
      timerId: `user-task.${userTaskGuid}.${actionIndex}.${utr.epoch}`,
      delayMs: delaySeconds * 1000,
      command: { type: 'UserTaskActionDue', userTaskGuid, actionIndex, epoch: utr.epoch },
    });
  });
}

function actionsOf(ctx: EngineContext, nodeRun: NodeRun): UTActionTrigger[] {
  return nodeOf(ctx.spec, nodeRun.threadSpecName, nodeRun.nodeName).userTask?.actions ?? [];
}

function delayOf(state: RunState, nodeRun: NodeRun, action: UTActionTrigger): number {
  const seconds = resolveAssignment(state, nodeRun.id.threadRunNumber, action.delaySeconds).int;
  if (seconds === undefined || seconds < 0) throw varSubError('USER_TASK action delaySeconds must be a non-negative INT');
  return seconds;
}

/**
 * A due action. Nothing happens once the task has ended or its node stopped waiting; reassignments
 * and ON_TASK_ASSIGNED actions also need the epoch they were armed with (no assignment since).
 */
export function onUserTaskActionDue(state: RunState, cmd: ActionDue, ctx: EngineContext, effects: Effect[]): void {
  const utr = state.userTaskRuns?.[cmd.userTaskGuid];
  if (!utr) return;
  const nodeRun = nodeRunOf(state, utr);
  const action = actionsOf(ctx, nodeRun)[cmd.actionIndex];
  if (!action || !isOpen(utr) || nodeRun.status !== 'RUNNING') return;
  const needsEpoch = action.reassign !== undefined || action.hook === 'ON_TASK_ASSIGNED';
  if (needsEpoch && utr.epoch !== cmd.epoch) return;
  if (action.cancel) return cancelUserTaskRun(state, ctx, utr, 'cancelled by a scheduled action of the USER_TASK node');
  if (action.reassign) return reassign(state, ctx, utr, nodeRun, action.reassign, effects);
  if (action.task) runReminder(state, ctx, utr, nodeRun, action.task.task, effects);
}

function reassign(
  state: RunState, ctx: EngineContext, utr: UserTaskRun, nodeRun: NodeRun, to: NonNullable<UTActionTrigger['reassign']>, effects: Effect[],
): void {
  try {
    const resolve = (a: typeof to.userId) => (a ? resolveAssignment(state, nodeRun.id.threadRunNumber, a).str?.trim() || undefined : undefined);
    const userId = resolve(to.userId);
    const userGroup = resolve(to.userGroup);
    if (userId || userGroup) assignTo(state, ctx, utr, userId, userGroup, effects);
  } catch (err) {
    if (!(err instanceof NodeFailureError)) throw err; // an owner that does not resolve: the task stays as it is
  }
}

/** Schedules the reminder TaskRun; its source points back at the task's `taskExecuted` event. */
function runReminder(state: RunState, ctx: EngineContext, utr: UserTaskRun, nodeRun: NodeRun, task: TaskNode, effects: Effect[]): void {
  const name = task.taskDefId?.name ?? resolveQuietly(state, nodeRun, task);
  if (!name) return;
  const def = ctx.taskDefs.get(name);
  if (def === undefined) throw new MissingTaskDefError(name);
  if (def === null) return;
  const inputVariables: VarNameAndVal[] = [];
  for (const [i, input] of def.inputVars.entries()) {
    try {
      const value = resolveAssignment(state, nodeRun.id.threadRunNumber, task.variables[i] ?? {});
      inputVariables.push({ varName: input.name, value: castImplicitly(value, input.typeDef.primitiveType), masked: input.typeDef.masked });
    } catch (err) {
      if (err instanceof NodeFailureError || err instanceof ValueError) return;
      throw err;
    }
  }
  const source = {
    userTaskTrigger: {
      nodeRunId: nodeRun.id,
      userTaskEventNumber: utr.events.length,
      ...(utr.userId ? { userId: utr.userId } : {}),
      ...(utr.userGroup ? { userGroup: utr.userGroup } : {}),
    },
    wfSpecId: ctx.spec.id,
  };
  const taskRun = scheduleTaskRun(state, ctx, { name, task, inputVariables, source }, effects);
  utr.events.push({ time: ctx.now, taskExecuted: { taskRun: taskRun.id } });
}

function resolveQuietly(state: RunState, nodeRun: NodeRun, task: TaskNode): string | undefined {
  try {
    return resolveAssignment(state, nodeRun.id.threadRunNumber, task.dynamicTask ?? {}).str;
  } catch (err) {
    if (err instanceof NodeFailureError) return undefined;
    throw err;
  }
}
