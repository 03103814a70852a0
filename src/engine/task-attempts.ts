// A TaskRun's attempts after its node arrived: sending an attempt to its queue, retrying (at once, or
// after an exponential backoff timer), and the timer that times out a claimed attempt.
import type { Command, EngineContext, Effect } from './commands.ts';
import { fail, integerAt } from './spec-validation.ts';
import type { ExponentialBackoff, RunState, TaskAttempt, TaskRun, TaskStatus } from './types.ts';
import { isPlainObject } from './values.ts';

/** Only technical failures are retried; business exceptions and serde errors are final. */
const RETRYABLE: readonly TaskStatus[] = ['TASK_FAILED', 'TASK_TIMEOUT'];

export function newAttempt(ctx: EngineContext): TaskAttempt {
  return { status: 'TASK_SCHEDULED', scheduleTime: ctx.now, maskedValue: false };
}

/** The ScheduledTask of one attempt, plus the attempt's timeout so that Colt's SDK can enforce it. */
export function dispatch(taskRun: TaskRun, attemptNumber: number): Effect {
  return {
    type: 'DispatchTask',
    task: {
      taskRunId: taskRun.id,
      taskDefId: taskRun.taskDefId,
      attemptNumber,
      variables: taskRun.inputVariables,
      createdAt: taskRun.attempts[attemptNumber]?.scheduleTime ?? taskRun.scheduledAt,
      source: taskRun.source,
      timeoutSeconds: taskRun.timeoutSeconds,
    },
  };
}

export function canRetry(taskRun: TaskRun, attempt: TaskAttempt): boolean {
  return RETRYABLE.includes(attempt.status) && taskRun.attempts.length < taskRun.totalAttempts;
}

/**
 * Adds the next attempt. Without a backoff policy it is dispatched at once; with one it waits
 * TASK_PENDING for a timer of `backoffDelayMs(policy, attempts so far)`.
 */
export function retry(taskRun: TaskRun, ctx: EngineContext, effects: Effect[]): void {
  const policy = taskRun.exponentialBackoff;
  const attemptNumber = taskRun.attempts.length;
  if (!policy) {
    taskRun.attempts.push(newAttempt(ctx));
    taskRun.status = 'TASK_SCHEDULED';
    effects.push(dispatch(taskRun, attemptNumber));
    return;
  }
  taskRun.attempts.push({ status: 'TASK_PENDING', maskedValue: false });
  taskRun.status = 'TASK_PENDING';
  const { taskGuid } = taskRun.id;
  effects.push({
    type: 'ArmTimer',
    timerId: `task.${taskGuid}.${attemptNumber}.retry`,
    delayMs: backoffDelayMs(policy, attemptNumber),
    command: { type: 'TaskRetryDue', taskGuid, attemptNumber },
  });
}

/** LittleHorse's backoff: min(base × multiplier^(n−1), max), in whole ms, n = attempts made so far (≥ 1). */
export function backoffDelayMs(policy: ExponentialBackoff, attemptsSoFar: number): number {
  return Math.min(Math.floor(policy.baseIntervalMs * policy.multiplier ** (attemptsSoFar - 1)), policy.maxDelayMs);
}

/** A backed-off retry's timer: the attempt is scheduled and dispatched, unless it is no longer PENDING. */
export function onTaskRetryDue(state: RunState, cmd: Extract<Command, { type: 'TaskRetryDue' }>, ctx: EngineContext, effects: Effect[]): void {
  const taskRun = state.taskRuns[cmd.taskGuid];
  const attempt = taskRun?.attempts[cmd.attemptNumber];
  if (!taskRun || attempt?.status !== 'TASK_PENDING') return;
  attempt.status = 'TASK_SCHEDULED';
  attempt.scheduleTime = ctx.now;
  taskRun.status = 'TASK_SCHEDULED';
  effects.push(dispatch(taskRun, cmd.attemptNumber));
}

/** Armed when a worker claims an attempt: the attempt's deadline counts from the claim, not the enqueue. */
export function timeoutTimer(taskRun: TaskRun, attemptNumber: number): Effect {
  const { taskGuid } = taskRun.id;
  return {
    type: 'ArmTimer',
    timerId: `task.${taskGuid}.${attemptNumber}.timeout`,
    delayMs: taskRun.timeoutSeconds * 1000,
    command: { type: 'TaskAttemptTimedOut', taskGuid, attemptNumber },
  };
}

/** PutWfSpec's reading of `ExponentialBackoffRetryPolicy` (int64 fields may come as strings). */
export function normalizeExponentialBackoff(path: string, raw: unknown): ExponentialBackoff {
  if (!isPlainObject(raw)) fail(path, 'must be an ExponentialBackoffRetryPolicy object');
  const baseIntervalMs = integerAt(`${path}.baseIntervalMs`, raw.baseIntervalMs);
  if (baseIntervalMs <= 0) fail(`${path}.baseIntervalMs`, 'must be greater than 0');
  const maxDelayMs = integerAt(`${path}.maxDelayMs`, raw.maxDelayMs);
  if (maxDelayMs < baseIntervalMs) fail(`${path}.maxDelayMs`, 'must be at least baseIntervalMs');
  const multiplier = typeof raw.multiplier === 'string' && raw.multiplier.trim() !== '' ? Number(raw.multiplier) : raw.multiplier;
  if (typeof multiplier !== 'number' || !Number.isFinite(multiplier) || multiplier < 1) {
    fail(`${path}.multiplier`, 'must be a number of at least 1.0');
  }
  return { baseIntervalMs, maxDelayMs, multiplier };
}
