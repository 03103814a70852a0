// WfRuns in Redis: load, commit a transition (version-checked, with its outbox and index
// changes, in one script), clear sent effects, delete, and search by the run indexes.
import type { Redis } from 'ioredis';
import { TERMINAL_STATUSES, type LHStatus, type RunState, type WfRun, type WfSpecId } from '../../engine/types.ts';
import type { Keys } from '../keys.ts';
import { changedFields, fromFields } from './run-serde.ts';
import { callScript, withScripts, type ScriptedRedis } from './scripts.ts';
import { readPage, type Page, type PageRequest } from './sorted-set-pages.ts';

export interface LoadedRun {
  state: RunState;
  version: number;
  fields: Map<string, string>;
}

export interface OutboxEntry { jobId: string; effect: unknown }

export interface RunFilter { wfSpecName?: string; status?: LHStatus }

export class RedisRunStore {
  private readonly redis: ScriptedRedis;

  constructor(redis: Redis, private readonly keys: Keys) {
    this.redis = withScripts(redis);
  }

  async load(tenant: string, wfRunId: string): Promise<LoadedRun | null> {
    const raw = await this.redis.hgetall(this.keys.run(tenant, wfRunId));
    const parsed = fromFields(raw);
    return parsed && { ...parsed, fields: new Map(Object.entries(raw)) };
  }

  /** Writes `after` if the run is still at `before`'s version. False on a concurrent writer. */
  async commit(tenant: string, before: LoadedRun | null, after: RunState, outbox: OutboxEntry[]): Promise<boolean> {
    const wfRunId = after.wfRun.id;
    const index = indexChanges(this.keys, tenant, before?.state.wfRun ?? null, after.wfRun);
    const patch = {
      fields: changedFields(before?.fields ?? null, after),
      outbox: outbox.flatMap((e) => [e.jobId, JSON.stringify(e.effect)]),
      zadd: index.zadd.map(([key, score, member], i) => [4 + i, score, member]),
      zrem: index.zrem.map(([key, member], i) => [4 + index.zadd.length + i, member]),
    };
    if (before && patch.fields.length === 0 && outbox.length === 0 && index.zadd.length + index.zrem.length === 0) return true;
    const keys = [
      this.keys.run(tenant, wfRunId),
      this.keys.outbox(tenant, wfRunId),
      this.keys.outboxIndex(),
      ...index.zadd.map(([key]) => key),
      ...index.zrem.map(([key]) => key),
    ];
    const args = [before?.version ?? 0, `${tenant}/${wfRunId}`, JSON.stringify(patch)];
    return (await callScript(this.redis, 'coltCommitRun', keys, args)) !== -1;
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
function indexChanges(keys: Keys, tenant: string, before: WfRun | null, after: WfRun): IndexOps {
  const ops: IndexOps = { zadd: [], zrem: [] };
  const score = Date.parse(after.startTime);
  const name = after.wfSpecId.name;
  if (!before) {
    for (const key of [keys.runIndex(tenant, {}), keys.runIndex(tenant, { wfSpecName: name })]) ops.zadd.push([key, score, after.id]);
    if (!TERMINAL_STATUSES.includes(after.status)) ops.zadd.push([keys.activeRunsOfVersion(tenant, after.wfSpecId), score, after.id]);
  }
  if (before?.status !== after.status) {
    if (before) {
      ops.zrem.push([keys.runIndex(tenant, { status: before.status }), after.id]);
      ops.zrem.push([keys.runIndex(tenant, { wfSpecName: name, status: before.status }), after.id]);
    }
    ops.zadd.push([keys.runIndex(tenant, { status: after.status }), score, after.id]);
    ops.zadd.push([keys.runIndex(tenant, { wfSpecName: name, status: after.status }), score, after.id]);
    if (before && TERMINAL_STATUSES.includes(after.status)) ops.zrem.push([keys.activeRunsOfVersion(tenant, after.wfSpecId), after.id]);
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
