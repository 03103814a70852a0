// vitest globalSetup: gives the test run a Redis (a throwaway private one unless COLT_TEST_REDIS_URL is set).
/// <reference path="./provided.d.ts" />
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startPrivateRedis } from '../../src/main/private-redis.js';

const log = (line: string) => console.log(`[test redis] ${line}`);

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const given = process.env.COLT_TEST_REDIS_URL;
  if (given) {
    // The user chose this Redis explicitly; tests still isolate their keys with uniquePrefix().
    project.provide('redisUrl', given);
    return;
  }

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'colt-test-redis-'));
  const removeDataDir = () => rm(dataDir, { recursive: true, force: true });
  let redis;
  try {
    redis = await startPrivateRedis({ dataDir, durable: false, log });
  } catch (err) {
    await removeDataDir();
    throw err;
  }
  project.provide('redisUrl', redis.url);

  return async function teardown() {
    await redis.stop();
    await removeDataDir();
  };
}
