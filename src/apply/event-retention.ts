// ExternalEventDef retention: an ExternalEvent still unclaimed `retentionPolicy.secondsAfterPut`
// after it was posted is removed from its WfRun (claimed ones live as long as the WfRun). The
// removal is a durable timer armed by the commit that adds the event to the run.
import type { ExternalEventDef, RunState } from '../engine/types.ts';
import { EVENT } from '../store/redis/run-serde.ts';
import type { RedisRunPruning } from '../store/redis/run-pruning.ts';
import type { LoadedRun, RedisRunStore, TimerEntry } from '../store/redis/run-store.ts';

/** The event (`<defName>/<guid>`, its key in the run) whose retention has passed. */
export interface EventRetentionCommand { type: 'ExternalEventRetentionExpired'; eventKey: string }

export type ExternalEventDefsOf = (tenant: string, names: string[]) => Promise<Map<string, ExternalEventDef>>;

const MAX_ATTEMPTS = 10;

export function isEventRetentionCommand(command: unknown): command is EventRetentionCommand {
  return (command as { type?: unknown } | null)?.type === 'ExternalEventRetentionExpired';
}

/** Timers for the unclaimed events this commit adds whose def keeps unclaimed events for a while. */
export async function eventRetentionTimers(tenant: string, before: LoadedRun | null, after: RunState, defsOf?: ExternalEventDefsOf): Promise<TimerEntry[]> {
  const added = Object.entries(after.externalEvents ?? {}).filter(([key, e]) => !e.claimed && !before?.fields.has(EVENT + key));
  if (added.length === 0 || !defsOf) return [];
  const defs = await defsOf(tenant, [...new Set(added.map(([, e]) => e.id.externalEventDefId.name))]);
  return added.flatMap(([key, event]) => {
    const seconds = defs.get(event.id.externalEventDefId.name)?.retentionPolicy.secondsAfterPut;
    if (seconds === undefined) return [];
    const command: EventRetentionCommand = { type: 'ExternalEventRetentionExpired', eventKey: key };
    return [{ timerId: `event-retention:${key}`, atMs: Date.parse(event.createdAt) + seconds * 1000, command }];
  });
}

/** Removes the event if nobody has claimed it. */
export async function expireEvent(runs: RedisRunStore, pruning: RedisRunPruning, tenant: string, wfRunId: string, command: EventRetentionCommand): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const loaded = await runs.load(tenant, wfRunId);
    const event = loaded?.state.externalEvents?.[command.eventKey];
    if (!loaded || !event || event.claimed) return;
    if (await pruning.forget(tenant, loaded, [EVENT + command.eventKey])) return;
  }
  throw new Error(`WfRun ${wfRunId} changed too often to drop an expired event; the timer fires again`);
}
