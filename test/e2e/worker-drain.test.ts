// A worker process (runTaskWorkers) stopped with SIGTERM mid-task: within the grace period the
// task finishes and reports, and the process exits 0; past it, the task goes back to its queue
// (the process exits 1) and the next worker runs it.
import { once } from 'node:events';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workflow } from '../../src/builder/index.ts';
import { expectOk } from '../support/api-client.ts';
import { eventually, spawnColt, type ColtProcess } from '../support/processes.ts';
import { testRedisUrl } from '../support/redis.ts';
import { startTestServer } from '../support/server.ts';

const server = startTestServer('worker-drain');
const workers: ColtProcess[] = [];

function startWorker(env: Record<string, string>): ColtProcess {
  const worker = spawnColt('test/e2e/support/draining-worker.ts', { REDIS_URL: testRedisUrl(), COLT_KEY_PREFIX: server.prefix, COLT_TASK_LOCK_MS: '2000', ...env });
  workers.push(worker);
  return worker;
}

const printed = (worker: ColtProcess, text: string) => eventually(async () => (worker.output().includes(text) ? true : undefined), 30_000, `"${text}"`);

async function runEcho(id: string): Promise<void> {
  expectOk(await request(server.app).post('/wfRun').send({ wfSpecName: 'echo-once', id, variables: { text: id } }));
}

const finished = (id: string) =>
  eventually(async () => {
    const body = (await request(server.app).get(`/wfRun/${id}`)).body;
    return body.status === 'RUNNING' ? undefined : body;
  }, 30_000, `${id} to finish`);

beforeAll(async () => {
  const first = startWorker({ TASK_MS: '10' });
  await printed(first, 'worker ready'); // its TaskDef is registered now
  await first.kill();
  workers.length = 0;
  const spec = new Workflow('echo-once', (wf) => void wf.complete(wf.execute('slow-echo', wf.declareStr('text').required())));
  expectOk(await request(server.app).post('/wfSpec').send(spec.compile()));
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  await server.close();
});

describe('SIGTERM to a task worker process', { timeout: 90_000 }, () => {
  it('within the grace period: the running task finishes and reports, then the process exits 0', async () => {
    const worker = startWorker({ TASK_MS: '1500', COLT_SHUTDOWN_GRACE_MS: '20000' });
    await printed(worker, 'worker ready');
    await runEcho('drain-1');
    await printed(worker, 'started drain-1');
    const exited = once(worker.child, 'exit');
    worker.child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    const wfRun = (await request(server.app).get('/wfRun/drain-1')).body;
    expect(wfRun.status).toBe('COMPLETED');
    expect(wfRun.threadRuns[0].output).toEqual({ str: 'echo drain-1' });
  });

  it('past the grace period: the task goes back to the queue, the process exits 1, the next worker runs it', async () => {
    const stuck = startWorker({ TASK_MS: '600000', COLT_SHUTDOWN_GRACE_MS: '300' });
    await printed(stuck, 'worker ready');
    await runEcho('drain-2');
    await printed(stuck, 'started drain-2');
    const exited = once(stuck.child, 'exit');
    stuck.child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(1);

    const next = startWorker({ TASK_MS: '10' });
    await printed(next, 'started drain-2');
    const wfRun = await finished('drain-2');
    expect(wfRun.status).toBe('COMPLETED');
    expect(wfRun.threadRuns[0].output).toEqual({ str: 'echo drain-2' });
  });
});
