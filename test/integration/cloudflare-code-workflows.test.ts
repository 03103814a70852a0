// The code model of Cloudflare-style workflows (workers/cloudflare) through the HTTP API, against real
// Redis and real BullMQ workers: memoisation across a worker killed mid-step (a separate process),
// retry backoff shapes, per-attempt timeouts, NonRetryableError, early events, pause/resume of a
// sleeping instance, restart (all, or from a named step), terminate.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkflowWorkers, type WorkflowWorkers } from '../../workers/cloudflare/index.ts';
import { probeKey, TEST_WORKFLOWS } from '../support/code-workflows.ts';
import { eventually, spawnColt, type ColtProcess } from '../support/processes.ts';
import { testRedisUrl } from '../support/redis.ts';
import { startTestServer } from '../support/server.ts';
import { cloudflareRoutes, cloudflareResult } from '../support/cloudflare-specs.ts';

const server = startTestServer('cf-code');
const ACCOUNT = 'cf-code';
const SCRIPT = 'tests';
let workers: WorkflowWorkers;
let probes: Redis;

beforeAll(async () => {
  probes = new Redis(testRedisUrl());
  workers = startWorkflowWorkers({
    scriptName: SCRIPT, account: ACCOUNT, classes: TEST_WORKFLOWS, redisUrl: testRedisUrl(), keyPrefix: server.prefix,
    lockMs: 5_000, env: { redis: probes, prefix: server.prefix }, log: pino({ level: process.env.CF_LOG ?? 'silent' }),
  });
  for (const className of Object.keys(TEST_WORKFLOWS)) {
    ok(await api.put(`/${className.toLowerCase()}`, { class_name: className, script_name: SCRIPT }));
  }
});

afterAll(async () => {
  await workers.close();
  await probes.quit();
  await server.close();
});

const api = cloudflareRoutes(server.app, ACCOUNT);

const ok = cloudflareResult;

async function create(workflow: string, id: string, params?: unknown): Promise<void> {
  ok(await api.post(`/${workflow}/instances`, { instance_id: id, ...(params === undefined ? {} : { params }) }));
}

async function details(workflow: string, id: string): Promise<any> {
  return ok(await api.get(`/${workflow}/instances/${id}`));
}

async function untilStatus(workflow: string, id: string, statuses: string[], timeoutMs = 15_000): Promise<any> {
  return eventually(async () => {
    const got = await details(workflow, id);
    return statuses.includes(got.status) ? got : undefined;
  }, timeoutMs, `${workflow}/${id} to be ${statuses.join(' or ')}`).catch(async (err: Error) => {
    throw new Error(`${err.message}; it is ${JSON.stringify(await details(workflow, id))}`);
  });
}

async function setStatus(workflow: string, id: string, body: object): Promise<string> {
  return ok(await api.patch(`/${workflow}/instances/${id}/status`, body)).status;
}

const probe = async (id: string, name: string) => Number((await probes.get(probeKey(server.prefix, id, name))) ?? 0);

describe('memoisation', () => {
  let worker: ColtProcess | undefined;
  afterAll(async () => worker?.kill('SIGKILL'));

  const startWorker = async () => {
    const p = spawnColt('test/support/code-workflow-worker.ts', {
      REDIS_URL: testRedisUrl(), COLT_KEY_PREFIX: server.prefix, SCRIPT: 'killable', ACCOUNT, LOCK_MS: '1500',
    });
    await eventually(async () => (p.output().includes('ready') ? true : undefined), 15_000, 'the worker process to start');
    return p;
  };

  it('completed steps are not run again after the worker is killed mid-step', async () => {
    ok(await api.put('/memo-killed', { class_name: 'Memo', script_name: 'killable' }));
    worker = await startWorker();
    await create('memo-killed', 'm1');
    await eventually(async () => ((await probe('m1', 'slow')) === 1 ? true : undefined), 15_000, 'the slow step to start');
    await worker.kill('SIGKILL');
    worker = await startWorker();
    const done = await untilStatus('memo-killed', 'm1', ['complete', 'errored'], 30_000);
    expect(done.output).toEqual({ first: 1, slow: 'done on attempt 2' });
    expect(await probe('m1', 'first')).toBe(1);
    expect(await probe('m1', 'slow')).toBe(2);
    const [first, slow] = done.steps;
    expect(first).toMatchObject({ type: 'step', name: 'first-1', success: true, output: 1 });
    expect(first.attempts).toHaveLength(1);
    expect(slow.attempts.map((a: any) => [a.success, a.error?.name ?? null])).toEqual([[false, 'WorkerLost'], [true, null]]);
  });
});

describe('retries', () => {
  const shapes = [
    { backoff: 'constant', delays: [100, 100, 100] },
    { backoff: 'linear', delays: [100, 200, 300] },
    { backoff: 'exponential', delays: [100, 200, 400] },
  ] as const;

  it.each(shapes)('$backoff backoff waits $delays between attempts; the failure is memoised', async ({ backoff, delays }) => {
    const id = `backoff-${backoff}`;
    await create('backoff', id, { backoff, delay: 100, limit: 3 });
    const done = await untilStatus('backoff', id, ['complete', 'errored']);
    expect(done.output).toEqual({ caught: 'boom' });
    expect(await probe(id, 'flaky')).toBe(4); // limit + 1 attempts, not run again when run() replayed after the sleep
    const [flaky] = done.steps;
    expect(flaky).toMatchObject({ name: 'flaky-1', success: false, config: { retries: { limit: 3, delay: 100, backoff } } });
    expect(flaky.attempts.map((a: any) => a.delay_ms)).toEqual([...delays, undefined]);
    for (let i = 0; i + 1 < flaky.attempts.length; i++) {
      const gap = Date.parse(flaky.attempts[i + 1].start) - Date.parse(flaky.attempts[i].end);
      expect(gap).toBeGreaterThanOrEqual(delays[i] ?? 0);
    }
  });

  it('an attempt that runs past its timeout fails with WorkflowTimeoutError and is retried', async () => {
    await create('hangs', 'h1');
    const done = await untilStatus('hangs', 'h1', ['complete', 'errored']);
    expect(done).toMatchObject({ status: 'errored', success: false, error: { name: 'WorkflowTimeoutError', message: 'Execution timed out after 200ms' } });
    expect(done.steps[0].attempts.map((a: any) => a.error.name)).toEqual(['WorkflowTimeoutError', 'WorkflowTimeoutError']);
  });

  it('NonRetryableError fails the step at its first attempt', async () => {
    await create('refuses', 'r1');
    const done = await untilStatus('refuses', 'r1', ['complete', 'errored']);
    expect(done.error).toEqual({ name: 'NonRetryableError', message: 'bad input' });
    expect(done.steps[0].attempts).toHaveLength(1);
    expect(await probe('r1', 'reject')).toBe(1);
  });
});

describe('events', () => {
  it('events that arrive before the wait are kept per type, in order; a wait with no event times out', async () => {
    await create('approvals', 'a1');
    ok(await api.post('/approvals/instances/a1/events/approval', { n: 1 }));
    ok(await api.post('/approvals/instances/a1/events/other', { n: 99 }));
    ok(await api.post('/approvals/instances/a1/events/approval', { n: 2 }));
    const done = await untilStatus('approvals', 'a1', ['complete', 'errored']);
    expect(done.output).toEqual({ first: 1, second: 2, missing: 'WorkflowTimeoutError' });
    const waits = done.steps.filter((s: any) => s.type === 'waitForEvent');
    expect(waits.map((w: any) => [w.name, w.finished, w.output?.payload ?? null])).toEqual([
      ['approval-1', true, { n: 1 }], ['approval-2', true, { n: 2 }], ['never-1', true, null],
    ]);
    expect(Date.parse(waits[0].output.timestamp)).toBeLessThan(Date.parse(waits[0].start)); // it arrived first
    expect(waits[2].error).toEqual({ name: 'WorkflowTimeoutError', message: expect.stringMatching(/nothing/) });
    const late = await api.post('/approvals/instances/a1/events/approval', { n: 3 });
    expect(late.status).toBe(409);
  });
});

describe('status changes', () => {
  it('a sleeping instance pauses with its timer frozen, and resumes with the timer pushed later', async () => {
    await create('sleeper', 's1');
    const waiting = await untilStatus('sleeper', 's1', ['waiting']);
    const sleptUntil = Date.parse(waiting.steps[0].end);
    expect(await setStatus('sleeper', 's1', { status: 'pause' })).toBe('paused');
    const pausedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, sleptUntil - Date.now()) + 500));
    expect((await details('sleeper', 's1')).status).toBe('paused'); // the sleep's end passed while paused
    const resumedAt = Date.now();
    expect(await setStatus('sleeper', 's1', { status: 'resume' })).toBe('queued');
    const done = await untilStatus('sleeper', 's1', ['complete', 'errored']);
    expect(done.output).toBe('woke');
    expect(Date.parse(done.steps[0].end) - sleptUntil).toBeGreaterThanOrEqual(resumedAt - pausedAt);
  });

  it('pausing mid-step lets the step finish (waitingForPause), then pauses before the next one', async () => {
    await create('busy', 'b1');
    await eventually(async () => ((await details('busy', 'b1')).steps.length === 1 ? true : undefined), 15_000, 'step work to start');
    expect(await setStatus('busy', 'b1', { status: 'pause' })).toBe('waitingForPause');
    const paused = await untilStatus('busy', 'b1', ['paused']);
    expect(paused.steps.map((s: any) => [s.name, s.success])).toEqual([['work-1', true]]);
    expect(await setStatus('busy', 'b1', { status: 'resume' })).toBe('queued');
    expect((await untilStatus('busy', 'b1', ['complete'])).output).toEqual(['worked', 'next']);
  });

  it('restart from a named step keeps earlier results; a full restart runs everything again; terminate ends it', async () => {
    await create('restartable', 'x1');
    await untilStatus('restartable', 'x1', ['waiting']);
    expect(await setStatus('restartable', 'x1', { status: 'restart', from: { name: 'two', count: 1, type: 'do' } })).toBe('queued');
    await eventually(async () => ((await probe('x1', 'two')) === 2 ? true : undefined), 15_000, 'step two to run again');
    await untilStatus('restartable', 'x1', ['waiting']);
    expect(await probe('x1', 'one')).toBe(1);
    ok(await api.post('/restartable/instances/x1/events/go', {}));
    expect((await untilStatus('restartable', 'x1', ['complete'])).output).toEqual({ one: 1, two: 2, three: 1 });

    const missing = await api.patch('/restartable/instances/x1/status', { status: 'restart', from: { name: 'nope' } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].message).toMatch(/Step "nope" not found/);

    expect(await setStatus('restartable', 'x1', { status: 'restart' })).toBe('queued');
    const again = await untilStatus('restartable', 'x1', ['waiting']);
    expect(again.steps.map((s: any) => s.name)).toEqual(['one-1', 'two-1', 'go-1']);
    expect([await probe('x1', 'one'), await probe('x1', 'two')]).toEqual([2, 3]);
    expect(await setStatus('restartable', 'x1', { status: 'terminate' })).toBe('terminated');
    const terminated = await details('restartable', 'x1');
    expect(terminated.steps.at(-1)).toEqual({ type: 'termination', trigger: { source: 'api' } });
    const refused = await api.patch('/restartable/instances/x1/status', { status: 'terminate' });
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].message).toMatch(/instance.cannot_terminate/);
  });
});
