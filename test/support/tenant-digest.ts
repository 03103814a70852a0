// A digest of every Redis key of one tenant and its value: equal digests mean nothing of it changed.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { TestServer } from './server.ts';

export async function tenantDigest(redis: Redis, server: TestServer, tenant: string): Promise<string> {
  await server.colt.engine.runs.metrics.flush(); // counts written later would look like a change
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${server.prefix}*${tenant}*`, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const hash = createHash('sha256');
  for (const key of keys.sort()) hash.update(key).update((await redis.dumpBuffer(key)) ?? '');
  return `${keys.length}:${hash.digest('hex')}`;
}
