// WorkflowEventDefs (a per-tenant hash) and reads of WorkflowEvents, which are fields of their
// run's hash (written by run commits). Waiting for one uses the run's pub/sub channel, on which the
// commit that stores an event announces it: one shared subscriber connection serves every waiter.
import type { Redis } from 'ioredis';
import type { WorkflowEvent, WorkflowEventDef } from '../../engine/types.ts';
import type { Keys } from '../keys.ts';
import { WF_EVENT, WF_RUN } from './run-serde.ts';
import { readFilteredPage, type Page, type PageRequest } from './sorted-set-pages.ts';

type Listener = (thrown: string[]) => void;

export class RedisWorkflowEventStore {
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  /** Stores the def unless one of that name exists; the stored def either way. */
  async putDefIfAbsent(tenant: string, def: WorkflowEventDef): Promise<WorkflowEventDef> {
    const key = this.keys.workflowEventDefs(tenant);
    const results = (await this.redis.multi().hsetnx(key, def.id.name, JSON.stringify(def)).hget(key, def.id.name).exec()) as [[null, number], [null, string]];
    return JSON.parse(results[1][1]) as WorkflowEventDef;
  }

  async getDef(tenant: string, name: string): Promise<WorkflowEventDef | null> {
    const json = await this.redis.hget(this.keys.workflowEventDefs(tenant), name);
    return json === null ? null : (JSON.parse(json) as WorkflowEventDef);
  }

  async listDefs(tenant: string): Promise<WorkflowEventDef[]> {
    const all = await this.redis.hvals(this.keys.workflowEventDefs(tenant));
    return all.map((json) => JSON.parse(json) as WorkflowEventDef).sort((a, b) => a.id.name.localeCompare(b.id.name));
  }

  /** The names among `names` that have a def. */
  async existingDefs(tenant: string, names: string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const found = await this.redis.hmget(this.keys.workflowEventDefs(tenant), ...names);
    return new Set(names.filter((_, i) => found[i] !== null));
  }

  async deleteDef(tenant: string, name: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.workflowEventDefs(tenant), name)) === 1;
  }

  async getEvent(tenant: string, wfRunId: string, defName: string, number: number): Promise<WorkflowEvent | null> {
    const json = await this.redis.hget(this.keys.run(tenant, wfRunId), `${WF_EVENT}${defName}/${number}`);
    return json === null ? null : (JSON.parse(json) as WorkflowEvent);
  }

  /** The run's WorkflowEvents in the order they were thrown; null when the run does not exist. */
  async listEvents(tenant: string, wfRunId: string): Promise<WorkflowEvent[] | null> {
    const key = this.keys.run(tenant, wfRunId);
    const fields = await this.redis.hkeys(key);
    if (!fields.includes(WF_RUN)) return null;
    const names = fields.filter((f) => f.startsWith(WF_EVENT));
    const values = names.length === 0 ? [] : await this.redis.hmget(key, ...names);
    return values
      .flatMap((json) => (json === null ? [] : [JSON.parse(json) as WorkflowEvent]))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.workflowEventDefId.name.localeCompare(b.id.workflowEventDefId.name) || a.id.number - b.id.number);
  }

  /** One page of the def's WorkflowEvents (members `[wfRunId, defName, number]`), oldest first, within a creation-time window. */
  search(tenant: string, defName: string, window: { min?: number; max?: number }, page: PageRequest): Promise<Page> {
    return readFilteredPage(this.redis, this.keys.workflowEventIndex(tenant, defName), { ...page, ...window });
  }

  /**
   * Calls `listener` with the events (`defName/number`) each later commit of the run throws, from
   * the moment the returned promise resolves (the subscription is in place) until `stop` is called.
   */
  async watch(tenant: string, wfRunId: string, listener: Listener): Promise<{ stop: () => Promise<void> }> {
    const channel = this.keys.workflowEventChannel(tenant, wfRunId);
    const subscriber = this.subscriberConnection();
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    await subscriber.subscribe(channel);
    const stop = async () => {
      set.delete(listener);
      if (set.size > 0 || this.listeners.get(channel) !== set) return;
      this.listeners.delete(channel);
      await subscriber.unsubscribe(channel);
    };
    return { stop };
  }

  async close(): Promise<void> {
    await this.subscriber?.quit();
    this.subscriber = undefined;
  }

  private subscriberConnection(): Redis {
    if (!this.subscriber) {
      const subscriber = this.redis.duplicate();
      // Errors are logged by the main connection's handler; ioredis resubscribes after a reconnect.
      subscriber.on('error', () => {});
      subscriber.on('message', (channel: string, message: string) => {
        for (const listener of this.listeners.get(channel) ?? []) listener(JSON.parse(message) as string[]);
      });
      this.subscriber = subscriber;
    }
    return this.subscriber;
  }
}
