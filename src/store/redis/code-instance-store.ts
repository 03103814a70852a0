// Code workflow instances in Redis: each instance's state hash, step records, received events and
// executor lease share one slot; an index per workflow orders them by creation. Executors write through
// a fenced script (code-instance-write.lua); the API changes status through optimistic transactions.
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { CodeInstanceState, CodeInstanceStatus, ReceivedEventRecord, StepRecord } from '../code-instance-records.ts';
import type { Keys } from '../keys.ts';

export interface Fence {
  generation: number;
  /** Statuses the write is allowed from. */
  allowed: readonly string[];
  /** A step boundary: a requested pause is honoured instead of the write. */
  boundary: boolean;
  now: string;
  /** The executor's lease token: the write is refused once another executor holds the lease. */
  lease: string;
}

export type FencedResult = 'ok' | 'paused' | `stale:${string}`;

/** What a transaction changes: state fields to set or delete, step records to set or delete. */
export interface InstanceChange {
  set?: Partial<CodeInstanceState>;
  unset?: Array<keyof CodeInstanceState>;
  putSteps?: Record<string, StepRecord>;
  deleteSteps?: string[];
  /** Forget every received event. */
  deleteEvents?: boolean;
}

/** In the order code-instance-write.lua's STATUSES lists them. */
const CODE_STATUSES: readonly CodeInstanceStatus[] = ['queued', 'running', 'waiting', 'paused', 'waitingForPause', 'complete', 'errored', 'terminated'];

const lua = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
const SCRIPTS = {
  coltCodeWrite: lua('code-instance-write'), coltCodeCreate: lua('code-instance-create'), coltCodeLease: lua('code-lease'),
  coltCodeForgetQueued: lua('code-forget-queued'),
};
const KEY_COUNTS: Record<keyof typeof SCRIPTS, number> = { coltCodeWrite: 4 + CODE_STATUSES.length, coltCodeCreate: 2, coltCodeLease: 1, coltCodeForgetQueued: 1 };
type Scripted = Redis & Record<keyof typeof SCRIPTS, (...args: Array<string | number>) => Promise<unknown>>;

export class RedisCodeInstanceStore {
  private readonly redis: Scripted;
  /** WATCH is per connection: this store's transactions take turns on it. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(redis: Redis, private readonly keys: Keys) {
    for (const [name, source] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, { lua: source, numberOfKeys: KEY_COUNTS[name as keyof typeof SCRIPTS] });
    }
    this.redis = redis as Scripted;
  }

  /**
   * Creates the instance unless the id is taken; the index entries go first, so a listed id may not
   * exist yet, and a created instance is always seen by the sweep of queued instances.
   */
  async create(tenant: string, state: CodeInstanceState): Promise<boolean> {
    await this.redis.zadd(this.keys.codeInstances(tenant, state.workflow), 'NX', Date.parse(state.created_on), state.id);
    await this.redis.zadd(this.keys.codeQueuedInstances(tenant, state.workflow), Date.parse(state.created_on), state.id);
    const created = await this.redis.coltCodeCreate(
      this.key(tenant, state.workflow, state.id, 'state'), this.statusKey(tenant, state.workflow, state.status),
      state.id, Date.parse(state.created_on), ...fieldsOf(state),
    );
    return created === 1;
  }

  async load(tenant: string, workflow: string, id: string): Promise<CodeInstanceState | null> {
    return stateOf(await this.redis.hgetall(this.key(tenant, workflow, id, 'state')));
  }

  async loadMany(tenant: string, workflow: string, ids: string[]): Promise<Array<CodeInstanceState | null>> {
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.key(tenant, workflow, id, 'state'));
    return ((await pipeline.exec()) ?? []).map(([err, raw]) => {
      if (err) throw err;
      return stateOf(raw as Record<string, string>);
    });
  }

  async steps(tenant: string, workflow: string, id: string): Promise<Record<string, StepRecord>> {
    const raw = await this.redis.hgetall(this.key(tenant, workflow, id, 'steps'));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, JSON.parse(v) as StepRecord]));
  }

  async events(tenant: string, workflow: string, id: string): Promise<ReceivedEventRecord[]> {
    const raw = await this.redis.lrange(this.key(tenant, workflow, id, 'events'), 0, -1);
    return raw.map((e) => JSON.parse(e) as ReceivedEventRecord);
  }

  /**
   * Keeps the event and, in the same step, marks the instance as owed a wake (scored by the event's
   * time), so that a crash before the wake is queued leaves it to the sweep. Returns the event's number.
   */
  async appendEvent(tenant: string, workflow: string, id: string, event: ReceivedEventRecord): Promise<number> {
    const [[, n]] = (await this.redis.multi()
      .rpush(this.key(tenant, workflow, id, 'events'), JSON.stringify(event))
      .zadd(this.keys.codeQueuedInstances(tenant, workflow), Date.parse(event.timestamp), id)
      .exec()) as [[null, number], [null, number]];
    return n;
  }

  /** An executor's write: a step record and/or state fields, applied only if the fence (lease included) holds. */
  async write(
    tenant: string, workflow: string, id: string, fence: Fence, step?: { key: string; record: StepRecord }, set: Partial<CodeInstanceState> = {},
  ): Promise<FencedResult> {
    const result = await this.redis.coltCodeWrite(
      this.key(tenant, workflow, id, 'state'), this.key(tenant, workflow, id, 'steps'), this.key(tenant, workflow, id, 'lease'),
      this.keys.codeInstances(tenant, workflow), ...CODE_STATUSES.map((s) => this.statusKey(tenant, workflow, s)),
      fence.generation, `,${fence.allowed.join(',')},`, fence.boundary ? '1' : '0', fence.now,
      step?.key ?? '', step ? JSON.stringify(step.record) : '', fence.lease, id, ...fieldsOf({ modified_on: fence.now, ...set }),
    );
    return result as FencedResult;
  }

  /**
   * Reads the instance and its steps, lets `decide` choose a change, and commits it only if neither was
   * written meanwhile (else reads again). `decide` returns null to change nothing.
   */
  async transact<T>(
    tenant: string, workflow: string, id: string,
    decide: (state: CodeInstanceState | null, steps: Record<string, StepRecord>) => { change: InstanceChange | null; result: T },
  ): Promise<T> {
    const mine = this.turn.then(() => this.transactOnce(tenant, workflow, id, decide));
    this.turn = mine.catch(() => undefined);
    return mine;
  }

  private async transactOnce<T>(
    tenant: string, workflow: string, id: string,
    decide: (state: CodeInstanceState | null, steps: Record<string, StepRecord>) => { change: InstanceChange | null; result: T },
  ): Promise<T> {
    const stateKey = this.key(tenant, workflow, id, 'state');
    const stepsKey = this.key(tenant, workflow, id, 'steps');
    for (;;) {
      await this.redis.watch(stateKey, stepsKey);
      let decision: { change: InstanceChange | null; result: T };
      let before: CodeInstanceState | null;
      try {
        const [state, steps] = await Promise.all([this.load(tenant, workflow, id), this.steps(tenant, workflow, id)]);
        before = state;
        decision = decide(state, steps);
      } catch (err) {
        await this.redis.unwatch();
        throw err;
      }
      const { change, result } = decision;
      if (!change) {
        await this.redis.unwatch();
        return result;
      }
      const multi = this.redis.multi();
      if (change.set && Object.keys(change.set).length > 0) multi.hset(stateKey, ...fieldsOf(change.set));
      if (change.unset?.length) multi.hdel(stateKey, ...change.unset);
      if (change.deleteSteps?.length) multi.hdel(stepsKey, ...change.deleteSteps);
      if (change.deleteEvents) multi.del(this.key(tenant, workflow, id, 'events'));
      const puts = Object.entries(change.putSteps ?? {}).flatMap(([k, r]) => [k, JSON.stringify(r)]);
      if (puts.length > 0) multi.hset(stepsKey, ...puts);
      const to = change.set?.status;
      if (before && to !== undefined && to !== before.status) {
        multi.zrem(this.statusKey(tenant, workflow, before.status), id);
        multi.zadd(this.statusKey(tenant, workflow, to), Date.parse(before.created_on), id);
      }
      if (change.set?.status === 'queued') multi.zadd(this.keys.codeQueuedInstances(tenant, workflow), Date.parse(change.set.modified_on ?? new Date().toISOString()), id);
      if ((await multi.exec()) !== null) return result;
    }
  }

  /** Instance ids of the workflow with their creation times (ms), oldest first. */
  async index(tenant: string, workflow: string): Promise<Array<{ id: string; score: number }>> {
    const flat = await this.redis.zrange(this.keys.codeInstances(tenant, workflow), 0, -1, 'WITHSCORES');
    const members: Array<{ id: string; score: number }> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) members.push({ id: flat[i] as string, score: Number(flat[i + 1]) });
    return members;
  }

  async delete(tenant: string, workflow: string, id: string): Promise<void> {
    const parts = ['state', 'steps', 'events', 'lease'] as const;
    await this.redis.del(...parts.map((p) => this.key(tenant, workflow, id, p)));
    await this.redis.zrem(this.keys.codeInstances(tenant, workflow), id);
    await this.redis.zrem(this.keys.codeQueuedInstances(tenant, workflow), id);
    for (const status of CODE_STATUSES) await this.redis.zrem(this.statusKey(tenant, workflow, status), id);
  }

  /**
   * One page of the workflow's instance ids (all, or those in `status`) created within [minMs, maxMs],
   * and how many there are in all: read from the indexes, never from the instances.
   */
  async page(
    tenant: string, workflow: string, q: { status?: CodeInstanceStatus; minMs: number; maxMs: number; desc: boolean; offset: number; count: number },
  ): Promise<{ ids: string[]; total: number }> {
    const key = q.status === undefined ? this.keys.codeInstances(tenant, workflow) : this.statusKey(tenant, workflow, q.status);
    const [min, max] = [bound(q.minMs), bound(q.maxMs)];
    const [total, ids] = await Promise.all([
      this.redis.zcount(key, min, max),
      q.desc
        ? this.redis.zrevrangebyscore(key, max, min, 'LIMIT', q.offset, q.count)
        : this.redis.zrangebyscore(key, min, max, 'LIMIT', q.offset, q.count),
    ]);
    return { ids, total };
  }

  /** How many instances of the workflow are in each status. */
  async countByStatus(tenant: string, workflow: string): Promise<Record<CodeInstanceStatus, number>> {
    const counts = await Promise.all(CODE_STATUSES.map((s) => this.redis.zcard(this.statusKey(tenant, workflow, s))));
    return Object.fromEntries(CODE_STATUSES.map((s, i) => [s, counts[i] ?? 0])) as Record<CodeInstanceStatus, number>;
  }

  private statusKey(tenant: string, workflow: string, status: string): string {
    return this.keys.codeInstancesInStatus(tenant, workflow, status);
  }

  /** Instances that became queued at or before `maxMs` and were not yet seen past it, with when (ms). */
  async queuedSince(tenant: string, workflow: string, maxMs: number, limit: number): Promise<Array<{ id: string; score: number }>> {
    const flat = await this.redis.zrangebyscore(this.keys.codeQueuedInstances(tenant, workflow), '-inf', maxMs, 'WITHSCORES', 'LIMIT', 0, limit);
    const members: Array<{ id: string; score: number }> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) members.push({ id: flat[i] as string, score: Number(flat[i + 1]) });
    return members;
  }

  /** Drops the queued entry seen at `score`, unless the instance became queued again since. */
  async forgetQueued(tenant: string, workflow: string, id: string, score: number): Promise<void> {
    await this.redis.coltCodeForgetQueued(this.keys.codeQueuedInstances(tenant, workflow), id, score);
  }

  /** Takes the executor lease of the instance for `ttlMs`; false while another executor holds it. */
  async acquireLease(tenant: string, workflow: string, id: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.key(tenant, workflow, id, 'lease'), token, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async extendLease(tenant: string, workflow: string, id: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.coltCodeLease(this.key(tenant, workflow, id, 'lease'), token, ttlMs)) === 1;
  }

  async releaseLease(tenant: string, workflow: string, id: string, token: string): Promise<void> {
    await this.redis.coltCodeLease(this.key(tenant, workflow, id, 'lease'), token, 0);
  }

  private key(tenant: string, workflow: string, id: string, part: 'state' | 'steps' | 'events' | 'lease'): string {
    return this.keys.codeInstance(tenant, workflow, id, part);
  }
}

function bound(ms: number): string {
  return ms === -Infinity ? '-inf' : ms === Infinity ? '+inf' : String(ms);
}

const JSON_FIELDS = new Set(['error']);

function fieldsOf(state: Partial<CodeInstanceState>): string[] {
  return Object.entries(state).flatMap(([k, v]) => (v === undefined ? [] : [k, JSON_FIELDS.has(k) ? JSON.stringify(v) : String(v)]));
}

function stateOf(raw: Record<string, string>): CodeInstanceState | null {
  if (raw.id === undefined || raw.status === undefined) return null;
  const { generation, wakeAt, error, ...rest } = raw;
  return {
    ...(rest as unknown as CodeInstanceState),
    generation: Number(generation),
    ...(wakeAt === undefined ? {} : { wakeAt: Number(wakeAt) }),
    ...(error === undefined ? {} : { error: JSON.parse(error) as CodeInstanceState['error'] }),
  };
}
