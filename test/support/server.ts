// A Colt server for integration tests: real Redis (the suite's own), a key prefix per test file,
// the Express app with response validation on.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { buildServer, type ColtServer } from '../../src/main/colt.ts';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from './redis.ts';

export interface TestServer {
  colt: ColtServer;
  app: ReturnType<ColtServer['app']>;
  prefix: string;
  close(): Promise<void>;
}

export function startTestServer(name: string, overrides: { pollWaitMs?: number } = {}): TestServer {
  const prefix = uniquePrefix(name);
  const colt = buildServer(
    testRedisUrl(),
    { keyPrefix: prefix, bookmarkSecret: 'test', pollWaitMs: overrides.pollWaitMs ?? 1_000, taskLockMs: 5_000, outboxSweepMs: 500, bodyLimit: '64kb' },
    pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
  );
  return {
    colt,
    app: colt.app({ validateResponses: true }),
    prefix,
    async close() {
      await colt.close();
      const redis = new Redis(testRedisUrl());
      await deleteKeysWithPrefix(redis, prefix);
      await redis.quit();
    },
  };
}
