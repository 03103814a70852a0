// CorrelatedEvents meet the WfRuns that wait for their key: a put hands the event to every run
// waiting (or, if it may be taken once, to the first that takes it); a run that starts waiting
// gets the event stored for its key, if any. Each hand-over is an ExternalEventArrived command
// with a guid derived from the event, so handing it over twice changes nothing.
import { createHash } from 'node:crypto';
import type { Command, Effect } from '../engine/commands.ts';
import { externalEventKey } from '../engine/run-state.ts';
import type { CorrelatedEvent, ExternalEventId, RunState } from '../engine/types.ts';
import { ColtError } from '../errors.ts';
import type { RedisCorrelatedEventStore, StoredCorrelatedEvent } from '../store/redis/correlated-event-store.ts';

type ApplyToRun = (tenant: string, wfRunId: string, command: Extract<Command, { type: 'ExternalEventArrived' }>) => Promise<RunState>;

/** A once-only event is offered to one waiting run per round (each round forgets one marker). */
const PUT_ROUNDS = 1_000;

export class Correlator {
  constructor(private readonly store: RedisCorrelatedEventStore, private readonly apply: ApplyToRun) {}

  /** The AwaitCorrelatedEvent effect: hands over the stored event, or leaves the run marked as waiting. */
  async awaitEvent(tenant: string, e: Extract<Effect, { type: 'AwaitCorrelatedEvent' }>): Promise<void> {
    const event = await this.store.await(tenant, e.externalEventDefName, e.correlationKey, e.wfRunId);
    if (event) await this.handOver(tenant, event, e.wfRunId);
  }

  /**
   * PutCorrelatedEvent: stores the event and hands it to the runs waiting for its key; one that may
   * be taken once goes to the first waiting run that takes it, and is stored only if none does.
   */
  async put(tenant: string, event: StoredCorrelatedEvent, ttlMs: number | null, once: boolean): Promise<CorrelatedEvent> {
    for (let round = 0; round < PUT_ROUNDS; round++) {
      const { stored, waiting } = await this.store.put(tenant, event, ttlMs, once);
      const externalEvents: ExternalEventId[] = [];
      for (const wfRunId of waiting) {
        const taken = await this.handOver(tenant, event, wfRunId);
        if (taken) externalEvents.push(taken);
        if (taken && !stored) return { ...event, externalEvents };
      }
      if (stored) return { ...event, externalEvents };
    }
    throw new ColtError('UNAVAILABLE', `CorrelatedEvent ${event.id.key} could not be stored; try again`);
  }

  /** Offers the event to one run; the ExternalEvent it became, or null if the run no longer waits for it. */
  private async handOver(tenant: string, event: StoredCorrelatedEvent, wfRunId: string): Promise<ExternalEventId | null> {
    const defName = event.id.externalEventDefId.name;
    const guid = guidOf(event);
    let state: RunState;
    try {
      state = await this.apply(tenant, wfRunId, {
        type: 'ExternalEventArrived', externalEventDefName: defName, guid, content: event.content, correlationKey: event.id.key,
      });
    } catch (err) {
      if (err instanceof ColtError && err.code === 'NOT_FOUND') return null; // the run was deleted
      throw err;
    }
    const taken = state.externalEvents?.[externalEventKey(defName, guid)]?.id;
    if (taken) await this.store.recordDelivery(tenant, event, taken);
    return taken ?? null;
  }
}

/** The guid of the ExternalEvent a CorrelatedEvent becomes: the same for every hand-over of that event. */
function guidOf(event: StoredCorrelatedEvent): string {
  return createHash('sha256').update(`${event.id.key}\n${event.createdAt}`).digest('hex').slice(0, 32);
}
