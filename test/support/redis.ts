// Helpers for test files that talk to the shared test Redis (see global-setup.ts).
/// <reference path="./provided.d.ts" />
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { inject } from 'vitest';

const SCAN_BATCH = 500;

/** URL of the Redis started (or chosen with COLT_TEST_REDIS_URL) by the global setup. */
export function testRedisUrl(): string {
  return inject('redisUrl');
}

/** A key prefix of its own for one test file, e.g. `colt-test-engine-3fa9c1`. */
export function uniquePrefix(name: string): string {
  const safeName = name.replace(/[^A-Za-z0-9_-]+/g, '-');
  return `colt-test-${safeName}-${randomBytes(3).toString('hex')}`;
}

/**
 * Deletes every key starting with `prefix` (SCAN MATCH + UNLINK, in batches); returns how many.
 * Use a client without ioredis' `keyPrefix` option: SCAN patterns are not prefixed by it.
 */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  const pattern = `${escapeGlob(prefix)}*`;
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
