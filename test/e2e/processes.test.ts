// Server and task workers as separate OS processes, talking only through Redis and HTTP.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '../support/redis.ts';
import { eventually, freePort, spawnColt, type ColtProcess } from '../support/processes.ts';
import { chainSpecRequest } from '../support/specs.ts';

const RUNS = 50;
/** `npm run server` requires API keys: the test is the bootstrap admin. */
const ADMIN_API_KEY = 'e2e-admin-key-0123456789abcdef0123456789';
const prefix = uniquePrefix('e2e');
let env: Record<string, string>;
let base: string;
let server: ColtProcess;
const workers: ColtProcess[] = [];

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_API_KEY}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

function startWorker(script = 'workers/main.ts'): ColtProcess {
  const worker = spawnColt(script, env);
  workers.push(worker);
  return worker;
}

/** Starts RUNS WfRuns of `spec` and returns their ids. */
async function startRuns(spec: string, tag: string): Promise<string[]> {
  const ids = Array.from({ length: RUNS }, (_, i) => `${tag}-${i}`);
  await Promise.all(ids.map((id) => api('POST', '/wfRun', { wfSpecName: spec, id, variables: { input: id } })));
  return ids;
}

async function expectAllGreetedThrice(ids: string[]): Promise<void> {
  for (const id of ids) {
    const run = await eventually(async () => {
      const r = await api('GET', `/wfRun/${id}`);
      return r.status === 'RUNNING' ? undefined : r;
    }, 60_000, `WfRun ${id} to finish`);
    expect(run.status).toBe('COMPLETED');
    expect(run.threadRuns[0].output).toEqual({ str: `Hello, Hello, Hello, ${id}!!!` });
  }
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  env = { REDIS_URL: testRedisUrl(), PORT: String(port), HOST: '127.0.0.1', COLT_KEY_PREFIX: prefix, COLT_TASK_LOCK_MS: '2000', COLT_ADMIN_API_KEY: ADMIN_API_KEY };
  server = spawnColt('src/main/server.ts', env);
  await eventually(() => api('GET', '/healthz'), 55_000, 'the server to listen');
  // The greet TaskDef comes from the example workers; put it here so the spec can be deployed first.
  await api('POST', '/taskDef', { name: 'greet', inputVars: [{ name: 'name', typeDef: { primitiveType: 'STR' } }], returnType: { returnType: { primitiveType: 'STR' } }, description: 'Greets someone by name.' });
  await api('POST', '/wfSpec', chainSpecRequest('greet-thrice', ['greet', 'greet', 'greet']));
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill()));
});

afterAll(async () => {
  await server?.kill();
  const redis = new Redis(testRedisUrl());
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

describe('`npm run server`', () => {
  it('requires an API key by default (only the health checks are open)', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const res = await fetch(`${base}/wfSpec`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 'UNAUTHENTICATED', message: expect.any(String) });
  });
});

describe('a server and a worker process', () => {
  it(`run ${RUNS} WfRuns of a 3-task spec to COMPLETED with the right outputs`, async () => {
    startWorker();
    const ids = await startRuns('greet-thrice', 'plain');
    await expectAllGreetedThrice(ids);
  });

  it('complete every run when the worker is SIGKILLed mid-task and started again', async () => {
    const first = startWorker('test/e2e/support/slow-greet-worker.ts');
    await eventually(async () => (first.output().includes('worker ready') ? true : undefined), 30_000, 'the worker');
    const ids = await startRuns('greet-thrice', 'killed');
    // Kill once some runs are past their first task, so others are mid-task.
    await eventually(async () => {
      const done = await api('GET', `/wfRun/${ids[0]}`);
      return done.threadRuns[0].currentNodePosition >= 2 ? true : undefined;
    }, 30_000, 'the first task results');
    await first.kill('SIGKILL');
    const running = await api('GET', '/wfRun/search?wfSpecName=greet-thrice&status=RUNNING&limit=1000');
    expect(running.results.length).toBeGreaterThan(0);
    // Tasks the dead worker held stay active in BullMQ until their lock lapses; then they run again.
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const queue = new Queue('task.default.greet', { connection, prefix: `${prefix}:q` });
    expect(await queue.getActiveCount()).toBeGreaterThan(0);
    await queue.close();
    await connection.quit();
    startWorker('test/e2e/support/slow-greet-worker.ts');
    await expectAllGreetedThrice(ids);
  });
});

describe('a worker speaking plain HTTP', () => {
  it('drives a run to completion with POST /pollTask and POST /reportTask', async () => {
    await api('POST', '/wfRun', { wfSpecName: 'greet-thrice', id: 'over-http', variables: { input: 'Ada' } });
    for (let step = 0; step < 3; step++) {
      const { result } = await api('POST', '/pollTask', { taskDefId: { name: 'greet' }, clientId: 'http-worker' });
      expect(result.taskRunId.wfRunId).toBe('over-http');
      const name = result.variables[0].value.str;
      await api('POST', '/reportTask', { taskRunId: result.taskRunId, attemptNumber: result.attemptNumber, time: new Date().toISOString(), status: 'TASK_SUCCESS', output: { str: `Hello, ${name}!` } });
    }
    const run = await api('GET', '/wfRun/over-http');
    expect(run.status).toBe('COMPLETED');
    expect(run.threadRuns[0].output).toEqual({ str: 'Hello, Hello, Hello, Ada!!!' });
    const taskRun = await api('GET', `/taskRun/over-http/${(await api('GET', '/nodeRun/over-http/0/1')).task.taskRunId.taskGuid}`);
    expect(taskRun.attempts[0]).toMatchObject({ status: 'TASK_SUCCESS', taskWorkerId: 'http-worker' });
  });
});
