// Pages over a sorted set in (score, member) order, resuming strictly after a cursor.
import type { Redis } from 'ioredis';
import type { Cursor } from '../bookmarks.ts';

export interface PageRequest { limit: number; after?: Cursor }
export interface Page { members: string[]; last?: Cursor; more: boolean }

export async function readPage(redis: Redis, key: string, { limit, after }: PageRequest): Promise<Page> {
  const members: Array<[string, number]> = [];
  const min = after ? String(after.score) : '-inf';
  let skip = 0;
  // Members tied on the cursor's score are ordered by member; skip those at or before it.
  while (members.length <= limit) {
    const want = limit + 1 - members.length;
    const batch = await redis.zrangebyscore(key, min, '+inf', 'WITHSCORES', 'LIMIT', skip, want);
    const fetched = batch.length / 2;
    for (let i = 0; i < batch.length; i += 2) {
      const member = batch[i] as string;
      const score = Number(batch[i + 1]);
      if (after && score === after.score && member <= after.member) continue;
      members.push([member, score]);
    }
    skip += fetched;
    if (fetched < want) break;
  }
  const page = members.slice(0, limit);
  const lastEntry = page.at(-1);
  return {
    members: page.map(([m]) => m),
    more: members.length > limit,
    ...(lastEntry ? { last: { score: lastEntry[1], member: lastEntry[0] } } : {}),
  };
}

/** A score window (inclusive bounds, in ms) and a filter over a page's candidates. */
export interface FilteredPageRequest extends PageRequest {
  min?: number;
  max?: number;
  /** Keeps a candidate or not; one call per batch, so that checks can be pipelined. */
  accept?: (candidates: Array<[member: string, score: number]>) => Promise<boolean[]>;
}

const SCAN_BATCH = 200;

/**
 * Like readPage, within a score window, keeping only accepted members: reads the sorted set in
 * batches until `limit` accepted members (and one more, to know whether more follow) are found.
 */
export async function readFilteredPage(redis: Redis, key: string, req: FilteredPageRequest): Promise<Page> {
  const { limit, after, accept } = req;
  const min = Math.max(after?.score ?? -Infinity, req.min ?? -Infinity);
  const bound = (n: number) => (n === -Infinity ? '-inf' : n === Infinity ? '+inf' : String(n));
  const found: Array<[string, number]> = [];
  const batchSize = Math.max(limit + 1, SCAN_BATCH);
  for (let offset = 0; found.length <= limit; offset += batchSize) {
    const batch = await redis.zrangebyscore(key, bound(min), bound(req.max ?? Infinity), 'WITHSCORES', 'LIMIT', offset, batchSize);
    const candidates: Array<[string, number]> = [];
    for (let i = 0; i < batch.length; i += 2) {
      const member = batch[i] as string;
      const score = Number(batch[i + 1]);
      if (after && score === after.score && member <= after.member) continue;
      candidates.push([member, score]);
    }
    const keep = accept && candidates.length > 0 ? await accept(candidates) : candidates.map(() => true);
    candidates.forEach((c, i) => keep[i] && found.push(c));
    if (batch.length / 2 < batchSize) break;
  }
  const page = found.slice(0, limit);
  const lastEntry = page.at(-1);
  return {
    members: page.map(([m]) => m),
    more: found.length > limit,
    ...(lastEntry ? { last: { score: lastEntry[1], member: lastEntry[0] } } : {}),
  };
}
