// defineTask + runTaskWorkers with real workers on a real server: the TaskDef comes from the
// declared inputs (registered idempotently on start), handlers get typed inputs and a context
// (idempotency key, attempt number, log output), business exceptions vs technical errors map to
// TASK_EXCEPTION vs TASK_FAILED, and a drain lets running tasks finish within the grace period.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workflow } from '../../src/builder/index.ts';
import { defineTask, runTaskWorkers, TaskException, type RunningTaskWorkers, type TaskContext } from '../../workers/sdk/index.ts';
import { defaultTenantClient, expectOk } from '../support/api-client.ts';
import { eventually } from '../support/processes.ts';
import { testRedisUrl } from '../support/redis.ts';
import { startTestServer } from '../support/server.ts';

const server = startTestServer('define-task');
const api = defaultTenantClient(server.app);
const silent = pino({ level: 'silent' });
const running: RunningTaskWorkers[] = [];
const seen: Array<Pick<TaskContext, 'idempotencyKey' | 'attemptNumber' | 'wfRunId' | 'taskGuid'>> = [];

const greet = defineTask('dt-greet', { inputs: { name: 'STR', times: 'INT' }, returns: 'STR', description: 'Greets, loudly' }, async ({ name, times }, ctx) => {
  ctx.log(`greeting ${name} ${times} time(s)`);
  return Array.from({ length: times }, () => `Hello, ${name}!`).join(' ');
});

const charge = defineTask('dt-charge', { inputs: { amount: 'DOUBLE' }, returns: 'STR' }, ({ amount }, ctx) => {
  seen.push({ idempotencyKey: ctx.idempotencyKey, attemptNumber: ctx.attemptNumber, wfRunId: ctx.wfRunId, taskGuid: ctx.taskGuid });
  if (amount < 0) throw new Error('payment gateway unreachable');
  if (amount > 100) throw new TaskException('card-declined', `the card was declined for ${amount}`, { amount });
  return `charged ${amount}`;
});

let release: (() => void) | undefined;
let slowSignal: AbortSignal | undefined;
const slow = defineTask('dt-slow', { inputs: {}, returns: 'STR' }, (_inputs, ctx) => {
  slowSignal = ctx.signal;
  return new Promise<string>((resolve) => (release = () => resolve('finished')));
});

function start(tasks = [greet, charge, slow], options: { lockMs?: number } = {}): Promise<RunningTaskWorkers> {
  return runTaskWorkers(tasks, { redisUrl: testRedisUrl(), keyPrefix: server.prefix, handleSignals: false, log: silent, concurrency: 4, lockMs: options.lockMs ?? 5_000 }).then((r) => {
    running.push(r);
    return r;
  });
}

async function runToEnd(wfSpecName: string, id: string, variables: Record<string, unknown> = {}) {
  expectOk(await api.post('/wfRun', { wfSpecName, id, variables }));
  return eventually(async () => {
    const body = (await api.get(`/wfRun/${id}`)).body;
    return body.status === 'RUNNING' ? undefined : body;
  }, 20_000, `WfRun ${id} to end`);
}

async function taskRunOf(wfRunId: string, position: number) {
  const nodeRun = (await api.get(`/nodeRun/${wfRunId}/0/${position}`)).body;
  return { nodeRun, taskRun: (await api.get(`/taskRun/${wfRunId}/${nodeRun.task.taskRunId.taskGuid}`)).body };
}

beforeAll(async () => {
  await start();
  for (const wf of [
    new Workflow('dt-greeting', (wf) => {
      const name = wf.declareStr('name').required();
      wf.complete(wf.execute(greet, name, 2));
    }),
    new Workflow('dt-payment', (wf) => {
      wf.complete(wf.execute(charge, wf.declareDouble('amount').required()).withRetries(1));
    }),
    new Workflow('dt-slow-wf', (wf) => void wf.complete(wf.execute(slow))),
  ]) {
    expectOk(await api.post('/wfSpec', wf.compile()));
  }
});

afterAll(async () => {
  await Promise.all(running.map((r) => r.drain(1_000)));
  await server.close();
});

describe('defineTask', () => {
  it('registers the TaskDef from the declared inputs, in order, with the return type', async () => {
    const res = await api.get('/taskDef/dt-greet');
    expectOk(res);
    expect(res.body).toMatchObject({
      id: { name: 'dt-greet' },
      inputVars: [
        { name: 'name', typeDef: { primitiveType: 'STR' } },
        { name: 'times', typeDef: { primitiveType: 'INT' } },
      ],
      returnType: { returnType: { primitiveType: 'STR' } },
      description: 'Greets, loudly',
    });
  });

  it('registers idempotently: a second worker process with the same tasks starts without complaint', async () => {
    const before = (await api.get('/taskDef/dt-greet')).body;
    await start([greet]);
    expect((await api.get('/taskDef/dt-greet')).body).toEqual(before);
  });

  it('refuses to start when a TaskDef of that name exists with other inputs', async () => {
    const other = defineTask('dt-greet', { inputs: { fullName: 'STR' } }, ({ fullName }) => fullName);
    await expect(start([other])).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('runs with typed inputs and records the handler\'s log lines as the attempt\'s logOutput', async () => {
    const wfRun = await runToEnd('dt-greeting', 'dt-greet-1', { name: 'Ada' });
    expect(wfRun.status).toBe('COMPLETED');
    expect(wfRun.threadRuns[0].output).toEqual({ str: 'Hello, Ada! Hello, Ada!' });
    const { taskRun } = await taskRunOf('dt-greet-1', 1);
    expect(taskRun.attempts[0].logOutput).toEqual({ str: 'greeting Ada 2 time(s)' });
  });

  it('a technical error is TASK_FAILED and retried; every attempt sees the same idempotency key wfRunId/taskGuid', async () => {
    seen.length = 0;
    const wfRun = await runToEnd('dt-payment', 'dt-pay-down', { amount: -1 });
    expect(wfRun.status).toBe('ERROR');
    const { taskRun } = await taskRunOf('dt-pay-down', 1);
    expect(taskRun.attempts.map((a: { status: string }) => a.status)).toEqual(['TASK_FAILED', 'TASK_FAILED']);
    expect(taskRun.attempts[0].error.message).toBe('payment gateway unreachable');
    const key = `dt-pay-down/${taskRun.id.taskGuid}`;
    expect(seen).toEqual([
      { idempotencyKey: key, attemptNumber: 0, wfRunId: 'dt-pay-down', taskGuid: taskRun.id.taskGuid },
      { idempotencyKey: key, attemptNumber: 1, wfRunId: 'dt-pay-down', taskGuid: taskRun.id.taskGuid },
    ]);
  });

  it('a TaskException is TASK_EXCEPTION with its name, not retried', async () => {
    seen.length = 0;
    const wfRun = await runToEnd('dt-payment', 'dt-pay-declined', { amount: 500 });
    expect(wfRun.status).toBe('EXCEPTION');
    const { nodeRun, taskRun } = await taskRunOf('dt-pay-declined', 1);
    expect(taskRun.attempts.map((a: { status: string }) => a.status)).toEqual(['TASK_EXCEPTION']);
    expect(taskRun.attempts[0].exception).toMatchObject({ name: 'card-declined', message: 'the card was declined for 500' });
    expect(nodeRun.failures[0]).toMatchObject({ failureName: 'card-declined' });
    expect(seen).toHaveLength(1);
  });
});

describe('draining workers', () => {
  it('lets a running task finish and report before the drain completes', async () => {
    const workers = await start([slow]);
    // Only the new worker serves dt-slow from here on: drain the one started first.
    expect(await running[0]!.drain(5_000)).toBe(true);
    running.shift();
    expectOk(await api.post('/wfRun', { wfSpecName: 'dt-slow-wf', id: 'dt-slow-1' }));
    await eventually(async () => release, 10_000, 'the slow task to start');
    const drained = workers.drain(10_000);
    release!();
    expect(await drained).toBe(true);
    const wfRun = (await api.get('/wfRun/dt-slow-1')).body;
    expect(wfRun.status).toBe('COMPLETED');
    expect(wfRun.threadRuns[0].output).toEqual({ str: 'finished' });
  });

  it('gives a task still running when the grace period ends back to the queue; another worker runs it', async () => {
    release = undefined;
    const first = await start([slow], { lockMs: 1_000 });
    running.splice(running.indexOf(first), 1);
    expectOk(await api.post('/wfRun', { wfSpecName: 'dt-slow-wf', id: 'dt-slow-2' }));
    await eventually(async () => release, 10_000, 'the slow task to start');
    release = undefined; // the first worker's handler never finishes
    const firstSignal = slowSignal!;
    expect(await first.drain(200)).toBe(false);
    expect(firstSignal.aborted).toBe(true);

    await start([slow], { lockMs: 1_000 });
    await eventually(async () => release, 20_000, 'the task to be handed to the second worker');
    release!();
    const done = await eventually(async () => {
      const body = (await api.get('/wfRun/dt-slow-2')).body;
      return body.status === 'COMPLETED' ? body : undefined;
    }, 20_000, 'dt-slow-2 to complete');
    expect(done.threadRuns[0].output).toEqual({ str: 'finished' });
  });
});
