import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../src/main/private-redis.js';

async function configGet(redis: Redis, name: string): Promise<string> {
  const [, value] = (await redis.call('CONFIG', 'GET', name)) as [string, string];
  return value;
}

async function withClient<T>(url: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('startPrivateRedis', () => {
  let dataDir: string;
  const started: PrivateRedis[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'colt-private-redis-test-'));
  });

  afterAll(async () => {
    await Promise.all(started.map((redis) => redis.stop()));
    await rm(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<PrivateRedis> {
    const redis = await startPrivateRedis({ dataDir, durable: true });
    started.push(redis);
    return redis;
  }

  it('runs a durable, loopback-only, non-evicting redis whose data survives a restart', async () => {
    const first = await start();
    expect(first.url).toBe(`redis://127.0.0.1:${first.port}`);

    await withClient(first.url, async (redis) => {
      expect(await redis.ping()).toBe('PONG');
      expect(await configGet(redis, 'appendonly')).toBe('yes');
      expect(await configGet(redis, 'appendfsync')).toBe('everysec');
      expect(await configGet(redis, 'maxmemory-policy')).toBe('noeviction');
      expect(await configGet(redis, 'bind')).toBe('127.0.0.1');
      expect(await configGet(redis, 'save')).toBe('');
      await redis.set('colt:private-redis:test', 'still here');
    });
    await first.stop();
    expect(await acceptsConnections(first.port)).toBe(false);

    const second = await start();
    await withClient(second.url, async (redis) => {
      expect(await redis.get('colt:private-redis:test')).toBe('still here');
    });
    await second.stop();
  });

  it('stop() is idempotent', async () => {
    const redis = await start();
    await Promise.all([redis.stop(), redis.stop()]);
    await redis.stop();
    expect(await acceptsConnections(redis.port)).toBe(false);
  });
});
