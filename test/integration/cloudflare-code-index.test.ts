// Code workflow instance lists and counts come from per-status indexes kept in the same Redis writes as
// the status (create, the executor's fenced writes, PATCH .../status, delete), not from reading every
// instance. Checked through HTTP against real Redis and real workflow workers, across every transition.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Keys } from '../../src/store/keys.ts';
import { startWorkflowWorkers, WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowWorkers } from '../../workers/cloudflare/index.ts';
import { eventually } from '../support/processes.ts';
import { testRedisUrl } from '../support/redis.ts';
import { startTestServer } from '../support/server.ts';
import { cloudflareRoutes, cloudflareResult } from '../support/cloudflare-specs.ts';

const server = startTestServer('cf-code-index');
const ACCOUNT = 'cf-index';
let workers: WorkflowWorkers;
let redis: Redis;

/** Completes at once when its params say so; otherwise waits an hour for an event. */
class Maybe extends WorkflowEntrypoint<unknown, { wait?: boolean }> {
  async run(event: WorkflowEvent<{ wait?: boolean }>, step: WorkflowStep) {
    if (event.payload.wait) await step.waitForEvent('go', { type: 'go', timeout: '1 hour' });
    return step.do('done', async () => 'done');
  }
}

beforeAll(async () => {
  redis = new Redis(testRedisUrl());
  workers = startWorkflowWorkers({
    scriptName: 'index', account: ACCOUNT, classes: { Maybe }, redisUrl: testRedisUrl(), keyPrefix: server.prefix,
    lockMs: 5_000, log: pino({ level: 'silent' }),
  });
  ok(await api.put('/maybe', { class_name: 'Maybe', script_name: 'index' }));
});

afterAll(async () => {
  await workers.close();
  await redis.quit();
  await server.close();
});

const api = cloudflareRoutes(server.app, ACCOUNT);

const ok = cloudflareResult;

const counts = async () => ok(await api.get('/maybe')).instances;
const idsIn = async (status: string) => ok(await api.get(`/maybe/instances?status=${status}&per_page=100`)).map((x: { id: string }) => x.id).sort();

async function untilCounts(expected: Record<string, number>): Promise<void> {
  await eventually(async () => {
    const got = await counts();
    return Object.entries(expected).every(([s, n]) => got[s] === n) ? got : undefined;
  }, 15_000, `counts ${JSON.stringify(expected)}`).catch(async (err: Error) => {
    throw new Error(`${err.message}; they are ${JSON.stringify(await counts())}`);
  });
}

it('counts and status-filtered lists follow every transition, and forget deleted instances', async () => {
  ok(await api.post('/maybe/instances/batch', [
    { instance_id: 'quick-1' }, { instance_id: 'quick-2' }, { instance_id: 'slow-1', params: { wait: true } }, { instance_id: 'slow-2', params: { wait: true } },
  ]));
  await untilCounts({ complete: 2, waiting: 2, queued: 0, running: 0 });
  expect(await idsIn('complete')).toEqual(['quick-1', 'quick-2']);
  expect(await idsIn('waiting')).toEqual(['slow-1', 'slow-2']);

  ok(await api.patch('/maybe/instances/slow-1/status', { status: 'pause' }));
  await untilCounts({ paused: 1, waiting: 1 });
  expect(await idsIn('paused')).toEqual(['slow-1']);
  ok(await api.patch('/maybe/instances/slow-2/status', { status: 'terminate' }));
  await untilCounts({ terminated: 1, waiting: 0 });
  ok(await api.patch('/maybe/instances/slow-1/status', { status: 'resume' }));
  await untilCounts({ paused: 0, waiting: 1 });
  ok(await api.post('/maybe/instances/slow-1/events/go', {}));
  await untilCounts({ complete: 3, waiting: 0 });
  ok(await api.patch('/maybe/instances/slow-2/status', { status: 'restart' }));
  await untilCounts({ terminated: 0, waiting: 1 });

  ok(await api.delete('/maybe/instances/quick-1'));
  await untilCounts({ complete: 2 });
  expect(await idsIn('complete')).toEqual(['quick-2', 'slow-1']);
  const page = await api.get('/maybe/instances?status=complete&per_page=1');
  expect(page.body.result_info).toMatchObject({ count: 1, total_count: 2 });

  // The index, not the instances, answers: a status set names exactly the instances in that status.
  const keys = new Keys(server.prefix);
  expect((await redis.zrange(keys.codeInstancesInStatus(ACCOUNT, 'maybe', 'complete'), 0, -1)).sort()).toEqual(['quick-2', 'slow-1']);
  expect(await redis.zrange(keys.codeInstancesInStatus(ACCOUNT, 'maybe', 'waiting'), 0, -1)).toEqual(['slow-2']);
  expect(await redis.zcard(keys.codeInstancesInStatus(ACCOUNT, 'maybe', 'terminated'))).toBe(0);
});
