// What the Cloudflare-compatible API keeps beside the WfRuns it serves as instances (one small hash
// per run, in the run's slot), and its reads of the WfRun search indexes: counts, pages by creation
// time in either direction, the newest run of a WfSpec.
import type { Redis } from 'ioredis';
import type { LHStatus } from '../../engine/types.ts';
import type { Keys } from '../keys.ts';

/** The record of one life of a WfRun id: `startTime` is that WfRun's, so a record left by a deleted run is ignored. */
export interface CloudflareInstanceRecord {
  startTime: string;
  /** The params as the client gave them, as JSON text; absent for runs started by the other API. */
  params?: string;
  trigger: 'api' | 'unknown';
  terminatedAt?: string;
}

export interface IndexMember { id: string; score: number }

/** Creation-time bounds (epoch millis, inclusive) and direction of a read. */
export interface IndexRange { minMs?: number; maxMs?: number; desc: boolean }

const LH_STATUSES: LHStatus[] = ['STARTING', 'RUNNING', 'COMPLETED', 'HALTING', 'HALTED', 'ERROR', 'EXCEPTION'];

export class RedisCloudflareStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  /** The records of `wfRunIds`, in order; null where there is none. */
  async records(tenant: string, wfRunIds: string[]): Promise<Array<CloudflareInstanceRecord | null>> {
    if (wfRunIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of wfRunIds) pipeline.hgetall(this.keys.cloudflareInstance(tenant, id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, raw]) => {
      if (err) throw err;
      return recordOf(raw as Record<string, string>);
    });
  }

  /**
   * Sets `fields` on the record of the WfRun life that started at `startTime`; a record of an earlier
   * life of the id (or none) is replaced by a new one. Two round trips: a concurrent update of the same
   * life may interleave, but each writes only its own fields, so none is lost.
   */
  async update(tenant: string, wfRunId: string, startTime: string, fields: Partial<Omit<CloudflareInstanceRecord, 'startTime'>>): Promise<void> {
    const key = this.keys.cloudflareInstance(tenant, wfRunId);
    const given = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<string, string>;
    if ((await this.redis.hget(key, 'startTime')) === startTime) {
      await this.redis.hset(key, given);
      return;
    }
    await this.redis.multi().del(key).hset(key, { trigger: 'unknown', ...given, startTime }).exec();
  }

  async delete(tenant: string, wfRunId: string): Promise<void> {
    await this.redis.del(this.keys.cloudflareInstance(tenant, wfRunId));
  }

  /** Run counts of one WfSpec by WfRun status. */
  async countsByStatus(tenant: string, wfSpecName: string): Promise<Record<LHStatus, number>> {
    const pipeline = this.redis.pipeline();
    for (const status of LH_STATUSES) pipeline.zcard(this.keys.runIndex(tenant, { wfSpecName, status }));
    const replies = (await pipeline.exec()) ?? [];
    const counts = {} as Record<LHStatus, number>;
    LH_STATUSES.forEach((status, i) => {
      const [err, n] = replies[i] ?? [null, 0];
      if (err) throw err;
      counts[status] = Number(n);
    });
    return counts;
  }

  /** How many runs of the WfSpec (with `status`, if given) were created within the range. */
  count(tenant: string, wfSpecName: string, status: LHStatus | undefined, range: IndexRange): Promise<number> {
    return this.redis.zcount(this.index(tenant, wfSpecName, status), bound(range.minMs, '-inf'), bound(range.maxMs, '+inf'));
  }

  /** Runs of the WfSpec (with `status`, if given) created within the range, in its direction; `limit` from `offset`, or all. */
  async members(
    tenant: string, wfSpecName: string, status: LHStatus | undefined, range: IndexRange, page?: { offset: number; limit: number },
  ): Promise<IndexMember[]> {
    const key = this.index(tenant, wfSpecName, status);
    const min = bound(range.minMs, '-inf');
    const max = bound(range.maxMs, '+inf');
    const [from, to] = range.desc ? [max, min] : [min, max];
    const read = range.desc ? this.redis.zrevrangebyscore.bind(this.redis) : this.redis.zrangebyscore.bind(this.redis);
    const flat = page ? await read(key, from, to, 'WITHSCORES', 'LIMIT', page.offset, page.limit) : await read(key, from, to, 'WITHSCORES');
    const members: IndexMember[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) members.push({ id: flat[i] as string, score: Number(flat[i + 1]) });
    return members;
  }

  /** The most recently created run of the WfSpec. */
  async newest(tenant: string, wfSpecName: string): Promise<IndexMember | null> {
    const [id, score] = await this.redis.zrevrange(this.keys.runIndex(tenant, { wfSpecName }), 0, 0, 'WITHSCORES');
    return id === undefined ? null : { id, score: Number(score) };
  }

  private index(tenant: string, wfSpecName: string, status: LHStatus | undefined): string {
    return this.keys.runIndex(tenant, status === undefined ? { wfSpecName } : { wfSpecName, status });
  }
}

function bound(ms: number | undefined, open: string): string {
  return ms === undefined ? open : String(ms);
}

function recordOf(raw: Record<string, string>): CloudflareInstanceRecord | null {
  if (raw.startTime === undefined) return null;
  return {
    startTime: raw.startTime,
    trigger: raw.trigger === 'api' ? 'api' : 'unknown',
    ...(raw.params === undefined ? {} : { params: raw.params }),
    ...(raw.terminatedAt === undefined ? {} : { terminatedAt: raw.terminatedAt }),
  };
}
