// WfRuns in Redis: load, commit a transition (version-checked, with its outbox and index
// changes, in one script), clear sent effects, delete, and search by the run indexes.
import type { Redis } from 'ioredis';
import { TERMINAL_STATUSES, type ExternalEvent, type LHStatus, type RunState, type WfRun, type WfSpecId } from '../../engine/types.ts';
import type { CapturedAdd } from '../../dispatch/fused-add.ts';
import type { Keys } from '../keys.ts';
import { changedFields, fromFields } from './run-serde.ts';
import { callScript, withScripts, type ScriptedRedis } from './scripts.ts';
import { readPage, type Page, type PageRequest } from './sorted-set-pages.ts';

export interface LoadedRun {
  state: RunState;
  version: number;
  /** The stored fields, to write only what a transition changed. */
  fields: Map<string, string>;
  /** The status at load time (the state may be advanced in place afterwards). */
  status: LHStatus;
}

export interface OutboxEntry { jobId: string; effect: unknown }

/** A command to apply to the run later: after `delayMs` (from Redis's clock), or at `atMs`. */
export interface TimerEntry { timerId: string; delayMs?: number; atMs?: number; command: unknown }

export interface CommitWrites { outbox?: OutboxEntry[]; timers?: TimerEntry[]; add?: CapturedAdd }

/** A timer's member in the timer set: `tenant|wfRunId|timerId`. */
export function timerMember(tenant: string, wfRunId: string, timerId: string): string {
  return `${tenant}|${wfRunId}|${timerId}`;
}

export interface RunFilter { wfSpecName?: string; status?: LHStatus }

export class RedisRunStore {
  private readonly redis: ScriptedRedis;

  constructor(redis: Redis, private readonly keys: Keys) {
    this.redis = withScripts(redis);
  }

  async load(tenant: string, wfRunId: string): Promise<LoadedRun | null> {
    const raw = await this.redis.hgetall(this.keys.run(tenant, wfRunId));
    const parsed = fromFields(raw);
    return parsed && { ...parsed, fields: new Map(Object.entries(raw)), status: parsed.state.wfRun.status };
  }

  /**
   * Writes `after` if the run is still at `before`'s version, with its outbox entries, timers and
   * index changes; with `add`, also enqueues that task job in the same atomic step. False on a
   * concurrent writer, or, creating a run, when it did not take in exactly the events waiting for
   * it (then nothing at all was written).
   */
  async commit(tenant: string, before: LoadedRun | null, after: RunState, writes: CommitWrites = {}): Promise<boolean> {
    const wfRunId = after.wfRun.id;
    const { outbox = [], timers = [], add } = writes;
    const index = indexChanges(this.keys, tenant, before?.status ?? null, after.wfRun);
    const patch = {
      fields: changedFields(before?.fields ?? null, after),
      outbox: outbox.flatMap((e) => [e.jobId, JSON.stringify(e.effect)]),
      timers: timers.map((t) => [timerMember(tenant, wfRunId, t.timerId), t.delayMs ?? -1, t.atMs ?? -1, JSON.stringify(t.command)]),
      zadd: index.zadd.map(([, score, member], i) => [1 + i, score, member]),
      zrem: index.zrem.map(([, member], i) => [1 + index.zadd.length + i, member]),
      // A new run holds exactly the events that waited for it (see eventsWaitingFor): check and take them.
      ...(before ? {} : { adopt: [1 + index.zadd.length + index.zrem.length, Object.keys(after.externalEvents ?? {}).length] }),
    };
    const unchanged = patch.fields.length + outbox.length + timers.length + index.zadd.length + index.zrem.length === 0;
    if (before && unchanged && !add) return true;
    const keys = [
      this.keys.run(tenant, wfRunId),
      this.keys.outbox(tenant, wfRunId),
      this.keys.outboxIndex(),
      this.keys.timers(),
      this.keys.timerCommands(),
      ...index.zadd.map(([key]) => key),
      ...index.zrem.map(([key]) => key),
      ...(before ? [] : [this.keys.pendingEvents(tenant, wfRunId)]),
    ];
    const args = [before?.version ?? 0, `${tenant}/${wfRunId}`, JSON.stringify(patch)];
    const result = add
      ? await callScript(this.redis, 'coltCommitRunAndAdd', [...add.keys, ...keys], [...add.args, ...args])
      : await callScript(this.redis, 'coltCommitRun', keys, args);
    return result !== -1;
  }

  /** ExternalEvents posted before the WfRun existed, oldest first; null once the WfRun exists. */
  async eventsWaitingFor(tenant: string, wfRunId: string): Promise<ExternalEvent[] | null> {
    const [[, exists], [, pending]] = (await this.redis
      .multi()
      .exists(this.keys.run(tenant, wfRunId))
      .hvals(this.keys.pendingEvents(tenant, wfRunId))
      .exec()) as [[null, number], [null, string[]]];
    if (exists) return null;
    return pending.map((json) => JSON.parse(json) as ExternalEvent).sort((a, b) => a.sequence - b.sequence);
  }

  async clearOutbox(tenant: string, wfRunId: string, jobIds: string[]): Promise<void> {
    if (jobIds.length === 0) return;
    const keys = [this.keys.outbox(tenant, wfRunId), this.keys.outboxIndex()];
    await callScript(this.redis, 'coltClearOutbox', keys, [`${tenant}/${wfRunId}`, ...jobIds]);
  }

  /** Redis's clock, so every process agrees on "now" for sweeps and timers. */
  async redisTimeMs(): Promise<number> {
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  /** Runs whose outbox entries were committed before `olderThanMs` (Redis time) and are still unsent. */
  async staleOutboxes(olderThanMs: number, limit: number): Promise<Array<{ tenant: string; wfRunId: string; entries: OutboxEntry[] }>> {
    const members = await this.redis.zrangebyscore(this.keys.outboxIndex(), '-inf', olderThanMs, 'LIMIT', 0, limit);
    return Promise.all(
      members.map(async (member) => {
        const [tenant, wfRunId] = member.split('/') as [string, string];
        const raw = await this.redis.hgetall(this.keys.outbox(tenant, wfRunId));
        const entries = Object.entries(raw).map(([jobId, json]) => ({ jobId, effect: JSON.parse(json) as unknown }));
        return { tenant, wfRunId, entries };
      }),
    );
  }

  async delete(tenant: string, wfRun: WfRun): Promise<boolean> {
    const indexes = [...allIndexes(this.keys, tenant, wfRun.wfSpecId.name), this.keys.activeRunsOfVersion(tenant, wfRun.wfSpecId)];
    const keys = [this.keys.run(tenant, wfRun.id), this.keys.outbox(tenant, wfRun.id), this.keys.outboxIndex(), ...indexes];
    return (await callScript(this.redis, 'coltDeleteRun', keys, [`${tenant}/${wfRun.id}`, wfRun.id])) === 1;
  }

  search(tenant: string, filter: RunFilter, page: PageRequest): Promise<Page> {
    return readPage(this.redis, this.keys.runIndex(tenant, filter), page);
  }

  async countActiveRuns(tenant: string, wfSpecId: WfSpecId): Promise<number> {
    return this.redis.zcard(this.keys.activeRunsOfVersion(tenant, wfSpecId));
  }
}

type IndexOps = { zadd: Array<[string, number, string]>; zrem: Array<[string, string]> };

/** The index writes that keep "a run found under a status has that status" true. */
function indexChanges(keys: Keys, tenant: string, before: LHStatus | null, after: WfRun): IndexOps {
  const ops: IndexOps = { zadd: [], zrem: [] };
  const score = Date.parse(after.startTime);
  const name = after.wfSpecId.name;
  if (before === null) {
    for (const key of [keys.runIndex(tenant, {}), keys.runIndex(tenant, { wfSpecName: name })]) ops.zadd.push([key, score, after.id]);
    if (!TERMINAL_STATUSES.includes(after.status)) ops.zadd.push([keys.activeRunsOfVersion(tenant, after.wfSpecId), score, after.id]);
  }
  if (before !== after.status) {
    if (before !== null) {
      ops.zrem.push([keys.runIndex(tenant, { status: before }), after.id]);
      ops.zrem.push([keys.runIndex(tenant, { wfSpecName: name, status: before }), after.id]);
    }
    ops.zadd.push([keys.runIndex(tenant, { status: after.status }), score, after.id]);
    ops.zadd.push([keys.runIndex(tenant, { wfSpecName: name, status: after.status }), score, after.id]);
    if (before !== null && TERMINAL_STATUSES.includes(before) && !TERMINAL_STATUSES.includes(after.status)) {
      ops.zadd.push([keys.activeRunsOfVersion(tenant, after.wfSpecId), score, after.id]); // rescued
    }
    if (before !== null && TERMINAL_STATUSES.includes(after.status)) ops.zrem.push([keys.activeRunsOfVersion(tenant, after.wfSpecId), after.id]);
  }
  return ops;
}

const STATUSES: LHStatus[] = ['STARTING', 'RUNNING', 'COMPLETED', 'HALTING', 'HALTED', 'ERROR', 'EXCEPTION'];

function allIndexes(keys: Keys, tenant: string, wfSpecName: string): string[] {
  return [
    keys.runIndex(tenant, {}),
    keys.runIndex(tenant, { wfSpecName }),
    ...STATUSES.flatMap((status) => [keys.runIndex(tenant, { status }), keys.runIndex(tenant, { wfSpecName, status })]),
  ];
}
