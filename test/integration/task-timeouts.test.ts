// Task attempt timeouts and retry backoff against real Redis, with the server's timer loop running
// (it polls every 50 ms): an HTTP-polled attempt never reported times out from its claim and is
// retried; a backed-off retry waits for its timer; an SDK handler that hangs is reported TASK_TIMEOUT.
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timerMember } from '../../src/store/redis/run-store.ts';
import { startTaskWorkers, type TaskDefinition, type TaskWorker } from '../../workers/sdk/index.ts';
import { expectOk } from '../support/api-client.ts';
import { eventually } from '../support/processes.ts';
import { startTestServer } from '../support/server.ts';
import { entry, exit, task, threadSpec, wfSpec } from '../support/spec-builder.ts';

const server = startTestServer('task-timeouts');
afterAll(() => server.close());
const DEADLINE_MS = 15_000;

/** Requests in `tenant` (the SDK workers below serve the default tenant). */
function clientIn(tenant = 'default') {
  return {
    get: (path: string) => request(server.app).get(path).set('Tenant-Id', tenant),
    post: (path: string, body: object) => request(server.app).post(path).set('Tenant-Id', tenant).send(body),
  };
}
type Client = ReturnType<typeof clientIn>;

type Attempt = { status: string; error?: { type: string; message: string }; output?: unknown; endTime?: string };
interface TaskRunBody { status: string; attempts: Attempt[]; exponentialBackoff?: unknown }

/** ENTRYPOINT -> TASK `taskDefName` (with `extra` on the TASK node) -> EXIT. */
const oneTask = (name: string, taskDefName: string, extra: object) =>
  wfSpec(name, { entrypoint: threadSpec([entry(), task('call', taskDefName, [], extra), exit()]) });

async function deployHttp(api: Client, extra: object): Promise<void> {
  expectOk(await api.post('/taskDef', { name: 'remote', inputVars: [] }));
  expectOk(await api.post('/wfSpec', oneTask('remote-call', 'remote', extra)));
}

async function poll(api: Client, clientId: string) {
  const res = await api.post('/pollTask', { taskDefId: { name: 'remote' }, clientId });
  expectOk(res);
  return res.body.result as { taskRunId: { wfRunId: string; taskGuid: string }; attemptNumber: number } | undefined;
}

async function taskRunOf(api: Client, wfRunId: string, taskGuid: string): Promise<TaskRunBody> {
  const res = await api.get(`/taskRun/${wfRunId}/${taskGuid}`);
  expectOk(res);
  return res.body as TaskRunBody;
}

async function finished(api: Client, wfRunId: string) {
  return eventually(async () => {
    const res = await api.get(`/wfRun/${wfRunId}`);
    return res.body.status === 'RUNNING' ? undefined : (res.body as { status: string });
  }, DEADLINE_MS, `WfRun ${wfRunId} to end`);
}

describe('an HTTP-polled attempt', () => {
  it('that is never reported times out from its claim, is retried, and the last timeout fails the node with TIMEOUT', async () => {
    const api = clientIn('silent');
    await deployHttp(api, { timeoutSeconds: 1, retries: 1 });
    expectOk(await api.post('/wfRun', { wfSpecName: 'remote-call', id: 'silent' }));
    const first = await eventually(() => poll(api, 'silent-worker'), DEADLINE_MS, 'attempt 0');
    expect(first.attemptNumber).toBe(0);
    const { taskGuid } = first.taskRunId;

    const second = await eventually(() => poll(api, 'second-worker'), DEADLINE_MS, 'the retry after the timeout');
    expect(second).toMatchObject({ taskRunId: first.taskRunId, attemptNumber: 1 });
    const retrying = await taskRunOf(api, 'silent', taskGuid);
    expect(retrying.attempts[0]).toMatchObject({ status: 'TASK_TIMEOUT', error: { type: 'TIMEOUT' } });
    expect(retrying.attempts[0]?.endTime).toBeDefined();

    const run = await finished(api, 'silent');
    expect(run.status).toBe('ERROR');
    const node = (await api.get('/nodeRun/silent/0/1')).body;
    expect(node.status).toBe('ERROR');
    expect(node.failures.map((f: { failureName: string }) => f.failureName)).toEqual(['TIMEOUT']);
    const ended = await taskRunOf(api, 'silent', taskGuid);
    expect(ended.status).toBe('TASK_TIMEOUT');
    expect(ended.attempts.map((a) => a.status)).toEqual(['TASK_TIMEOUT', 'TASK_TIMEOUT']);

    // The first worker's report arrives at last: accepted on the wire, changes nothing.
    expectOk(await api.post('/reportTask', { taskRunId: first.taskRunId, attemptNumber: 0, status: 'TASK_SUCCESS' }));
    expect(await taskRunOf(api, 'silent', taskGuid)).toEqual(ended);
    expect((await api.get('/wfRun/silent')).body.status).toBe('ERROR');
  });

  it('that is never claimed does not time out: the clock starts at the claim', async () => {
    const api = clientIn('unclaimed');
    await deployHttp(api, { timeoutSeconds: 1 });
    expectOk(await api.post('/wfRun', { wfSpecName: 'remote-call', id: 'unclaimed' }));
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // past the timeout, had it counted from the enqueue
    const taskGuid = (await api.get('/nodeRun/unclaimed/0/1')).body.task.taskRunId.taskGuid as string;
    expect((await taskRunOf(api, 'unclaimed', taskGuid)).attempts.map((a) => a.status)).toEqual(['TASK_SCHEDULED']);
    expect((await poll(api, 'late-worker'))?.attemptNumber).toBe(0);
  });

  it('that fails is retried TASK_PENDING behind an exponential backoff timer, then handed out again', async () => {
    const api = clientIn('backoff');
    const backoff = { baseIntervalMs: '2000', maxDelayMs: '60000', multiplier: 2 };
    await deployHttp(api, { retries: 1, exponentialBackoff: backoff });
    expectOk(await api.post('/wfRun', { wfSpecName: 'remote-call', id: 'backing-off' }));
    const first = (await eventually(() => poll(api, 'w1'), DEADLINE_MS, 'attempt 0'))!;
    const before = await server.colt.engine.runs.redisTimeMs();
    expectOk(await api.post('/reportTask', { taskRunId: first.taskRunId, attemptNumber: 0, status: 'TASK_FAILED', error: { type: 'TASK_FAILURE', message: 'flaky' } }));

    const { taskGuid } = first.taskRunId;
    const due = await server.colt.engine.timers.dueAt(timerMember('backoff', 'backing-off', `task.${taskGuid}.1.retry`));
    expect(due).toBeGreaterThanOrEqual(before + 2_000);
    const pending = await taskRunOf(api, 'backing-off', taskGuid);
    expect(pending.status).toBe('TASK_PENDING');
    expect(pending.attempts.map((a) => a.status)).toEqual(['TASK_FAILED', 'TASK_PENDING']);
    expect(pending.exponentialBackoff).toEqual({ baseIntervalMs: 2000, maxDelayMs: 60000, multiplier: 2 });

    const second = await eventually(() => poll(api, 'w2'), DEADLINE_MS, 'the backed-off retry');
    expect(second.attemptNumber).toBe(1);
    expectOk(await api.post('/reportTask', { taskRunId: second.taskRunId, attemptNumber: 1, status: 'TASK_SUCCESS' }));
    expect((await api.get('/wfRun/backing-off')).body.status).toBe('COMPLETED');
  });
});

describe('an SDK task handler that hangs past its timeout', () => {
  const api = clientIn();
  const aborted: Array<{ attemptNumber: number; reason: string }> = [];
  let releaseStuck: () => void = () => undefined;
  const stuck = new Promise<void>((resolve) => (releaseStuck = resolve));
  let workers: TaskWorker[] = [];

  const TASKS: TaskDefinition[] = [
    {
      // Attempt 0 waits until its signal is aborted, then returns anyway (that late output is dropped); later attempts answer.
      taskDef: { name: 'hangs-once', inputVars: [], returnType: { returnType: { primitiveType: 'STR' } } },
      handler: async (_inputs, context) => {
        if (context.attemptNumber > 0) return 'answered';
        await new Promise((resolve) => context.signal.addEventListener('abort', resolve, { once: true }));
        aborted.push({ attemptNumber: context.attemptNumber, reason: String((context.signal.reason as Error).message) });
        return 'too late';
      },
    },
    {
      // Ignores its signal entirely.
      taskDef: { name: 'hangs-always', inputVars: [] },
      handler: () => stuck,
    },
  ];

  beforeAll(async () => {
    workers = await startTaskWorkers(server.colt.engine, TASKS, pino({ level: 'silent' }), { concurrency: 4, lockMs: 5_000 });
  });

  afterAll(async () => {
    releaseStuck();
    await Promise.all(workers.map((w) => w.close()));
  });

  it('is reported TASK_TIMEOUT, its signal aborted, and the retry completes the node', async () => {
    expectOk(await api.post('/wfSpec', oneTask('hang-then-answer', 'hangs-once', { timeoutSeconds: 1, retries: 1 })));
    expectOk(await api.post('/wfRun', { wfSpecName: 'hang-then-answer', id: 'sdk-retried' }));
    const run = await finished(api, 'sdk-retried');
    expect(run.status).toBe('COMPLETED');
    const taskGuid = (await api.get('/nodeRun/sdk-retried/0/1')).body.task.taskRunId.taskGuid as string;
    const taskRun = await taskRunOf(api, 'sdk-retried', taskGuid);
    expect(taskRun.attempts.map((a) => a.status)).toEqual(['TASK_TIMEOUT', 'TASK_SUCCESS']);
    expect(taskRun.attempts[0]).toMatchObject({ error: { type: 'TIMEOUT', message: 'the handler did not finish within 1 s' } });
    expect(taskRun.attempts[0]?.output).toBeUndefined();
    expect(taskRun.attempts[1]?.output).toEqual({ str: 'answered' });
    expect(aborted).toEqual([{ attemptNumber: 0, reason: 'the handler did not finish within 1 s' }]);
  });

  it('with no retries left fails the node with TIMEOUT, even if the handler never stops', async () => {
    expectOk(await api.post('/wfSpec', oneTask('hang-forever', 'hangs-always', { timeoutSeconds: 1 })));
    expectOk(await api.post('/wfRun', { wfSpecName: 'hang-forever', id: 'sdk-timed-out' }));
    const run = await finished(api, 'sdk-timed-out');
    expect(run.status).toBe('ERROR');
    const node = (await api.get('/nodeRun/sdk-timed-out/0/1')).body;
    expect(node.failures).toEqual([expect.objectContaining({ failureName: 'TIMEOUT', message: 'the handler did not finish within 1 s' })]);
    const taskRun = await taskRunOf(api, 'sdk-timed-out', node.task.taskRunId.taskGuid as string);
    expect(taskRun.status).toBe('TASK_TIMEOUT');
  });
});
