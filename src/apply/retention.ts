// WfSpec retention: a WfRun of a WfSpec with `retentionPolicy.secondsAfterWfTermination` is deleted,
// with all its data and index entries, that long after it terminates. The deletion is a durable
// timer armed by the commit that terminates the run (so it survives any crash); a run rescued
// meanwhile is kept, and its next termination arms the timer again.
import type { LHStatus, WfRun, WfSpec } from '../engine/types.ts';
import { TERMINAL_STATUSES } from '../engine/types.ts';
import type { RedisRunStore, TimerEntry } from '../store/redis/run-store.ts';
import type { RedisRunPruning } from '../store/redis/run-pruning.ts';
import { expireEvent, isEventRetentionCommand, type EventRetentionCommand } from './event-retention.ts';

export const RETENTION_TIMER_ID = 'retention';

/** What the retention timer carries: the termination it was armed for. */
export interface RetentionCommand { type: 'WfRunRetentionExpired'; terminatedAt: string }

/** A WfSpec's or an ExternalEventDef's retention timer (see event-retention.ts for the latter). */
export function isRetentionCommand(command: unknown): command is RetentionCommand | EventRetentionCommand {
  return (command as { type?: unknown } | null)?.type === 'WfRunRetentionExpired' || isEventRetentionCommand(command);
}

/** The retention timer to arm when this commit terminates the run (none otherwise). */
export function retentionTimers(spec: WfSpec, before: LHStatus | null, after: WfRun): TimerEntry[] {
  const seconds = spec.retentionPolicy?.secondsAfterWfTermination;
  const terminates = TERMINAL_STATUSES.includes(after.status) && (before === null || !TERMINAL_STATUSES.includes(before));
  if (seconds === undefined || !terminates) return [];
  const command: RetentionCommand = { type: 'WfRunRetentionExpired', terminatedAt: after.endTime ?? '' };
  return [{ timerId: RETENTION_TIMER_ID, delayMs: Math.max(0, seconds) * 1000, command }];
}

/**
 * Deletes a run whose retention timer fired, if it is still in the termination the timer was armed
 * for; drops an ExternalEvent whose def's retention passed, if still unclaimed.
 */
export class RetentionExpirer {
  constructor(private readonly runs: RedisRunStore, private readonly pruning: RedisRunPruning) {}

  async expire(tenant: string, wfRunId: string, command: RetentionCommand | EventRetentionCommand): Promise<void> {
    if (isEventRetentionCommand(command)) return expireEvent(this.runs, this.pruning, tenant, wfRunId, command);
    const loaded = await this.runs.load(tenant, wfRunId);
    if (!loaded) return;
    const { wfRun } = loaded.state;
    if (!TERMINAL_STATUSES.includes(wfRun.status) || (wfRun.endTime ?? '') !== command.terminatedAt) return;
    await this.runs.delete(tenant, wfRun);
  }
}
