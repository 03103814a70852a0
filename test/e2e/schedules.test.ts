// A ScheduledWfRun with two server processes on one Redis: each cron tick starts exactly one
// WfRun (id `<schedule>-<tick ms>`), at or after its tick, until the schedule is deleted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '../support/redis.ts';
import { eventually, freePort, spawnColt, type ColtProcess } from '../support/processes.ts';

const ADMIN_API_KEY = 'e2e-admin-key-0123456789abcdef0123456789';
const prefix = uniquePrefix('e2e-schedules');
const servers: Array<{ process: ColtProcess; base: string }> = [];

async function api(base: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_API_KEY}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

beforeAll(async () => {
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const env = { REDIS_URL: testRedisUrl(), PORT: String(port), HOST: '127.0.0.1', COLT_KEY_PREFIX: prefix, COLT_ADMIN_API_KEY: ADMIN_API_KEY };
    const base = `http://127.0.0.1:${port}`;
    servers.push({ process: spawnColt('src/main/server.ts', env), base });
    await eventually(() => api(base, 'GET', '/healthz'), 30_000, `server ${i} to listen`);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.process.kill()));
  const redis = new Redis(testRedisUrl());
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

describe('ScheduleWf with two server processes', () => {
  it('starts one WfRun per tick', async () => {
    const [a, b] = servers.map((s) => s.base) as [string, string];
    const nodes = {
      entry: { entrypoint: {}, outgoingEdges: [{ sinkNodeName: 'exit' }] },
      exit: { exit: {}, outgoingEdges: [] },
    };
    await api(a, 'POST', '/wfSpec', { name: 'tick', entrypointThreadName: 'entrypoint', threadSpecs: { entrypoint: { nodes, variableDefs: [], interruptDefs: [] } } });
    const schedule = await api(b, 'POST', '/scheduledWfRun', { id: 'every-2s', wfSpecName: 'tick', cronExpression: '*/2 * * * * *' });
    const ids: string[] = await eventually(async () => {
      const found = (await api(a, 'GET', '/wfRun/search?wfSpecName=tick')).results.map((r: { id: string }) => r.id);
      return found.length >= 3 ? found : undefined;
    }, 30_000, 'three ticks');
    await api(a, 'DELETE', '/scheduledWfRun/every-2s');
    const ticks = ids.map((id) => Number(/^every-2s-(\d+)$/.exec(id)?.[1]));
    expect(ticks.every((t) => t % 2000 === 0 && t > Date.parse(schedule.createdAt))).toBe(true);
    expect(new Set(ticks).size).toBe(ticks.length);
    for (const id of ids) {
      const run = await api(b, 'GET', `/wfRun/${id}`);
      expect(run.status).toBe('COMPLETED');
      expect(Date.parse(run.startTime)).toBeGreaterThanOrEqual(Number(id.split('-').at(-1)));
    }
  });
});
