// ExternalEventDefs (a per-tenant hash) and reads of ExternalEvents: those of an existing WfRun are
// fields of its run hash (written by run commits), those posted before it existed wait in a
// pending hash in the same slot until RunWf takes them in.
import type { Redis } from 'ioredis';
import { externalEventKey } from '../../engine/run-state.ts';
import type { ExternalEvent, ExternalEventDef } from '../../engine/types.ts';
import type { Keys } from '../keys.ts';
import { EVENT } from './run-serde.ts';
import { callScript, withScripts, type ScriptedRedis } from './scripts.ts';

export class RedisExternalEventStore {
  private readonly redis: ScriptedRedis;

  constructor(redis: Redis, private readonly keys: Keys) {
    this.redis = withScripts(redis);
  }

  async putDef(tenant: string, def: ExternalEventDef): Promise<void> {
    await this.redis.hset(this.keys.externalEventDefs(tenant), def.id.name, JSON.stringify(def));
  }

  async getDef(tenant: string, name: string): Promise<ExternalEventDef | null> {
    const json = await this.redis.hget(this.keys.externalEventDefs(tenant), name);
    return json === null ? null : (JSON.parse(json) as ExternalEventDef);
  }

  async listDefs(tenant: string): Promise<ExternalEventDef[]> {
    const all = await this.redis.hvals(this.keys.externalEventDefs(tenant));
    return all.map((json) => JSON.parse(json) as ExternalEventDef).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** The defs of `names` that exist. */
  async getDefs(tenant: string, names: string[]): Promise<Map<string, ExternalEventDef>> {
    if (names.length === 0) return new Map();
    const found = await this.redis.hmget(this.keys.externalEventDefs(tenant), ...names);
    return new Map(found.flatMap((json) => (json === null ? [] : [JSON.parse(json) as ExternalEventDef])).map((d) => [d.id.name, d]));
  }

  async deleteDef(tenant: string, name: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.externalEventDefs(tenant), name)) === 1;
  }

  /**
   * Keeps an event for a WfRun that does not exist yet (see keep-pending-event.lua): the event kept
   * under its guid (the one given, numbered, or the one kept before); null if the run exists now.
   */
  async keepForRun(tenant: string, event: Omit<ExternalEvent, 'sequence'>): Promise<ExternalEvent | null> {
    const { wfRunId, externalEventDefId, guid } = event.id;
    const keys = [this.keys.run(tenant, wfRunId), this.keys.pendingEvents(tenant, wfRunId)];
    const stored = (await callScript(this.redis, 'coltKeepPendingEvent', keys, [externalEventKey(externalEventDefId.name, guid), JSON.stringify(event)])) as string | null;
    return stored === null ? null : (JSON.parse(stored) as ExternalEvent);
  }

  /** One event of the WfRun, or of those waiting for it to exist. */
  async getEvent(tenant: string, wfRunId: string, defName: string, guid: string): Promise<ExternalEvent | null> {
    const key = externalEventKey(defName, guid);
    const [[, inRun], [, pending]] = (await this.redis
      .multi()
      .hget(this.keys.run(tenant, wfRunId), EVENT + key)
      .hget(this.keys.pendingEvents(tenant, wfRunId), key)
      .exec()) as [[null, string | null], [null, string | null]];
    const json = inRun ?? pending;
    return json === null ? null : (JSON.parse(json) as ExternalEvent);
  }

  /** Every event of the WfRun (or waiting for it), oldest first. */
  async listEvents(tenant: string, wfRunId: string): Promise<ExternalEvent[]> {
    const [[, run], [, pending]] = (await this.redis
      .multi()
      .hgetall(this.keys.run(tenant, wfRunId))
      .hvals(this.keys.pendingEvents(tenant, wfRunId))
      .exec()) as [[null, Record<string, string>], [null, string[]]];
    const inRun = Object.entries(run).flatMap(([field, json]) => (field.startsWith(EVENT) ? [json] : []));
    return [...inRun, ...pending].map((json) => JSON.parse(json) as ExternalEvent).sort((a, b) => a.sequence - b.sequence);
  }
}
