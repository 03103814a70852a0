// CorrelatedEvents and the markers of WfRuns waiting for them, one hash per (ExternalEventDef,
// correlation key); see put-correlated-event.lua and await-correlated-event.lua for its fields.
import type { Redis } from 'ioredis';
import type { CorrelatedEvent, ExternalEventId } from '../../engine/types.ts';
import type { Keys } from '../keys.ts';
import { callScript, withScripts, type ScriptedRedis } from './scripts.ts';

const DELIVERED = 'delivered:';

/** A CorrelatedEvent as stored: the ExternalEvents it became are kept beside it. */
export type StoredCorrelatedEvent = Omit<CorrelatedEvent, 'externalEvents'>;

export class RedisCorrelatedEventStore {
  private readonly redis: ScriptedRedis;

  constructor(redis: Redis, private readonly keys: Keys) {
    this.redis = withScripts(redis);
  }

  /**
   * Stores the event and returns the WfRuns that were waiting for its key (markers now gone); an
   * event that may be taken once is not stored while a run waits: that one run is returned instead.
   */
  async put(tenant: string, event: StoredCorrelatedEvent, ttlMs: number | null, once: boolean): Promise<{ stored: boolean; waiting: string[] }> {
    const [stored, ...waiting] = (await callScript(this.redis, 'coltPutCorrelatedEvent', [this.keyOf(tenant, event)], [
      JSON.stringify(event), ttlMs ?? -1, once ? '1' : '0',
    ])) as [number, ...string[]];
    return { stored: stored === 1, waiting };
  }

  /** The event stored for the key (taken away if it may be taken once), else null and the run is marked as waiting. */
  async await(tenant: string, externalEventDefName: string, key: string, wfRunId: string): Promise<StoredCorrelatedEvent | null> {
    const json = (await callScript(this.redis, 'coltAwaitCorrelatedEvent', [this.keys.correlation(tenant, externalEventDefName, key)], [wfRunId])) as string | null;
    return json === null ? null : (JSON.parse(json) as StoredCorrelatedEvent);
  }

  /** Notes the ExternalEvent a WfRun made of the stored event (if it is still the one stored). */
  async recordDelivery(tenant: string, event: StoredCorrelatedEvent, id: ExternalEventId): Promise<void> {
    const key = this.keyOf(tenant, event);
    const current = await this.redis.hget(key, 'event');
    if (current === JSON.stringify(event)) await this.redis.hset(key, DELIVERED + id.wfRunId, JSON.stringify(id));
  }

  async get(tenant: string, externalEventDefName: string, key: string): Promise<CorrelatedEvent | null> {
    const fields = await this.redis.hgetall(this.keys.correlation(tenant, externalEventDefName, key));
    if (fields.event === undefined || isExpired(fields)) return null;
    const externalEvents = Object.entries(fields).flatMap(([f, json]) => (f.startsWith(DELIVERED) ? [JSON.parse(json) as ExternalEventId] : []));
    return { ...(JSON.parse(fields.event) as StoredCorrelatedEvent), externalEvents };
  }

  /** Deletes the event (waiting runs stay marked); false if there was none. */
  async delete(tenant: string, externalEventDefName: string, key: string): Promise<boolean> {
    const hash = this.keys.correlation(tenant, externalEventDefName, key);
    const fields = await this.redis.hgetall(hash);
    if (fields.event === undefined) return false;
    const delivered = Object.keys(fields).filter((f) => f.startsWith(DELIVERED));
    await this.redis.hdel(hash, 'event', 'once', 'expiresAt', ...delivered);
    return !isExpired(fields);
  }

  private keyOf(tenant: string, event: StoredCorrelatedEvent): string {
    return this.keys.correlation(tenant, event.id.externalEventDefId.name, event.id.key);
  }
}

function isExpired(fields: Record<string, string>): boolean {
  const expiresAt = Number(fields.expiresAt ?? -1);
  return expiresAt >= 0 && Date.now() >= expiresAt;
}
