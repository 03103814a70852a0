// Code workflows across crashes, against real Redis and real BullMQ workers: an instance recorded as
// queued whose execution was never queued (a crash between the two writes, at create or at restart),
// or sent an event whose wake was never queued, still runs, found by the workers' sweep; and a worker whose lease lapsed (a zombie) writes nothing
// once another worker holds the lease, so it cannot overwrite the newer execution's step records.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodeWorkflowQueues, codeJobId } from '../../src/dispatch/code-workflow-queues.ts';
import { planCodeStatus } from '../../src/services/cloudflare-code-status.ts';
import type { CodeInstanceState, StepRecord } from '../../src/store/code-instance-records.ts';
import { Keys } from '../../src/store/keys.ts';
import { RedisCodeInstanceStore } from '../../src/store/redis/code-instance-store.ts';
import { RedisCodeWorkflowStore } from '../../src/store/redis/code-workflow-store.ts';
import { executeInstance } from '../../workers/cloudflare/execute-instance.ts';
import { startWorkflowWorkers, WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowWorkers } from '../../workers/cloudflare/index.ts';
import { eventually } from '../support/processes.ts';
import { testRedisUrl } from '../support/redis.ts';
import { cloudflareResult } from '../support/cloudflare-specs.ts';
import { startTestServer } from '../support/server.ts';

const server = startTestServer('cf-code-crashes');
const ACCOUNT = 'cf-crashes';
const SCRIPT = 'crashes';
let workers: WorkflowWorkers;
let redis: Redis;
let bull: Redis;
let store: RedisCodeInstanceStore;
let queues: CodeWorkflowQueues;

class Doubles extends WorkflowEntrypoint<unknown, { n: number }> {
  async run(event: WorkflowEvent<{ n: number }>, step: WorkflowStep) {
    return step.do('double', async () => event.payload.n * 2);
  }
}

/** Waits an hour for `go`: only the event's wake (or the sweep's) can bring it back before then. */
class Waits extends WorkflowEntrypoint<unknown, unknown> {
  async run(_event: WorkflowEvent<unknown>, step: WorkflowStep) {
    const go = await step.waitForEvent<{ n: number }>('go', { type: 'go', timeout: '1 hour' });
    return go.payload.n;
  }
}

beforeAll(async () => {
  redis = new Redis(testRedisUrl());
  bull = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const keys = new Keys(server.prefix);
  store = new RedisCodeInstanceStore(redis, keys);
  queues = new CodeWorkflowQueues(bull, keys);
  workers = startWorkflowWorkers({
    scriptName: SCRIPT, account: ACCOUNT, classes: { Doubles, Waits }, redisUrl: testRedisUrl(), keyPrefix: server.prefix,
    lockMs: 5_000, sweepMs: 200, log: pino({ level: 'silent' }),
  });
  ok(await request(server.app).put(url('/doubles')).send({ class_name: 'Doubles', script_name: SCRIPT }));
  ok(await request(server.app).put(url('/waits')).send({ class_name: 'Waits', script_name: SCRIPT }));
});

afterAll(async () => {
  await workers.close();
  await queues.close();
  await Promise.all([redis.quit(), bull.quit()]);
  await server.close();
});

const url = (path: string) => `/client/v4/accounts/${ACCOUNT}/workflows${path}`;

const ok = cloudflareResult;

async function untilComplete(id: string): Promise<any> {
  return eventually(async () => {
    const got = ok(await request(server.app).get(url(`/doubles/instances/${id}`)));
    return got.status === 'complete' ? got : undefined;
  }, 15_000, `${id} to complete`);
}

function queuedState(id: string, params: unknown): CodeInstanceState {
  const now = new Date().toISOString();
  return { id, workflow: 'doubles', status: 'queued', generation: 1, params: JSON.stringify(params), versionId: '', scriptName: SCRIPT, trigger: 'api', created_on: now, modified_on: now };
}

describe('a crash between recording an instance as queued and queueing its execution', () => {
  it('at create: the record alone (no job) is found by the sweep and runs to completion', async () => {
    expect(await store.create(ACCOUNT, queuedState('lost-start', { n: 21 }))).toBe(true);
    const job = { tenant: ACCOUNT, workflow: 'doubles', instanceId: 'lost-start', generation: 1 };
    expect(await queues.queue(ACCOUNT, SCRIPT).getJob(codeJobId(job, 'start'))).toBeUndefined();
    expect((await untilComplete('lost-start')).output).toBe(42);
  });

  it('at restart: the new life recorded without its job still runs', async () => {
    ok(await request(server.app).post(url('/doubles/instances')).send({ instance_id: 'lost-restart', params: { n: 5 } }));
    expect((await untilComplete('lost-restart')).output).toBe(10);
    // What PATCH .../status {restart} records, without the wake that follows it.
    await store.transact(ACCOUNT, 'doubles', 'lost-restart', (state, steps) => {
      const plan = planCodeStatus('restart', state as CodeInstanceState, steps, new Date());
      return { change: plan.kind === 'change' ? plan.change : null, result: null };
    });
    expect((await store.load(ACCOUNT, 'doubles', 'lost-restart'))?.status).toBe('queued');
    const again = await untilComplete('lost-restart');
    expect(again.output).toBe(10);
    expect((await store.load(ACCOUNT, 'doubles', 'lost-restart'))?.generation).toBe(2);
  });
});

describe('a crash between keeping an event and queueing the wake of its instance', () => {
  it('the event alone (no wake job) is found by the sweep: the waiting instance takes it and completes', async () => {
    ok(await request(server.app).post(url('/waits/instances')).send({ instance_id: 'lost-wake' }));
    await eventually(async () => ((await store.load(ACCOUNT, 'waits', 'lost-wake'))?.status === 'waiting' ? true : undefined), 15_000, 'the instance to wait');
    // What POST .../events/go records, without the wake that follows it.
    await store.appendEvent(ACCOUNT, 'waits', 'lost-wake', { type: 'go', payload: { n: 7 }, timestamp: new Date().toISOString() });
    const done = await eventually(async () => {
      const got = ok(await request(server.app).get(url('/waits/instances/lost-wake')));
      return got.status === 'complete' ? got : undefined;
    }, 15_000, 'lost-wake to complete');
    expect(done.output).toBe(7);
  });
});

describe('a worker whose lease lapsed', () => {
  const record = (output: string): StepRecord => ({
    type: 'step', seq: 0, name: 'double-1', start: new Date().toISOString(), end: new Date().toISOString(), success: true, output,
    config: { retries: { limit: 0, delay: 0, backoff: 'constant' }, timeout: 1_000 }, attempts: [],
  });
  const fence = (lease: string) => ({ generation: 1, allowed: ['queued', 'running'], boundary: false, now: new Date().toISOString(), lease });

  it('cannot overwrite the step record of the worker that took the lease over', async () => {
    const id = 'two-leases';
    // Outside the script's workflows' reach: the workers must not run it.
    expect(await store.create(ACCOUNT, { ...queuedState(id, { n: 1 }), workflow: 'elsewhere' })).toBe(true);
    expect(await store.acquireLease(ACCOUNT, 'elsewhere', id, 'zombie', 60_000)).toBe(true);
    expect(await store.write(ACCOUNT, 'elsewhere', id, fence('zombie'), { key: 'step:double-1', record: record('zombie-1') })).toBe('ok');

    await redis.pexpire(new Keys(server.prefix).codeInstance(ACCOUNT, 'elsewhere', id, 'lease'), 1); // the zombie's lease lapses
    await eventually(async () => ((await store.acquireLease(ACCOUNT, 'elsewhere', id, 'successor', 60_000)) ? true : undefined), 5_000, 'the lease to lapse');
    expect(await store.write(ACCOUNT, 'elsewhere', id, fence('successor'), { key: 'step:double-1', record: record('successor') })).toBe('ok');

    expect(await store.write(ACCOUNT, 'elsewhere', id, fence('zombie'), { key: 'step:double-1', record: record('zombie-2') })).toBe('stale:lease');
    expect(await store.write(ACCOUNT, 'elsewhere', id, fence('zombie'), undefined, { status: 'complete' })).toBe('stale:lease');
    expect((await store.steps(ACCOUNT, 'elsewhere', id))['step:double-1']).toMatchObject({ output: 'successor' });
    expect((await store.load(ACCOUNT, 'elsewhere', id))?.status).toBe('queued');
    expect(await store.extendLease(ACCOUNT, 'elsewhere', id, 'zombie', 60_000)).toBe(false);
  });

  it('an execution without the lease records nothing: the instance is left to the lease holder', async () => {
    const id = 'no-lease';
    expect(await store.create(ACCOUNT, { ...queuedState(id, { n: 3 }), workflow: 'elsewhere' })).toBe(true);
    expect(await store.acquireLease(ACCOUNT, 'elsewhere', id, 'holder', 60_000)).toBe(true);
    const deps = { instances: store, workflows: new RedisCodeWorkflowStore(redis, new Keys(server.prefix)), queues, scriptName: SCRIPT, classes: { Doubles }, env: undefined };
    await executeInstance(deps, { tenant: ACCOUNT, workflow: 'elsewhere', instanceId: id, generation: 1 }, undefined, 'zombie');
    expect((await store.load(ACCOUNT, 'elsewhere', id))?.status).toBe('queued');
    expect(await store.steps(ACCOUNT, 'elsewhere', id)).toEqual({});
  });
});
