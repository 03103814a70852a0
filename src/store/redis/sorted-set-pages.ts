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
