// Failure handling and run control through the REST API with real task workers: an EXCEPTION caught
// by a handler, an uncaught ERROR rescued, a stop and resume with a task in flight.
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTaskWorkers, TaskException, type TaskDefinition, type TaskWorker } from '../../workers/sdk/index.ts';
import { expectError, expectOk } from '../support/api-client.ts';
import { eventually } from '../support/processes.ts';
import { entry, exit, literal, task, threadSpec, varDef, variable, wfSpec } from '../support/spec-builder.ts';
import { startTestServer } from '../support/server.ts';

const server = startTestServer('lifecycle-flows');
const get = (path: string) => request(server.app).get(path);
const post = (path: string, body: object = {}) => request(server.app).post(path).send(body);
let workers: TaskWorker[] = [];

// `step` behaves as its input says: "ok", "declined" (an exception), "flaky" (fails the first time
// it is called), or "slow" (waits until the test lets it go).
let flakyCalls = 0;
let releaseSlow: () => void = () => {};
let slowStarted = false;
const STEP: TaskDefinition = {
  taskDef: { name: 'step', inputVars: [{ name: 'mode', typeDef: { primitiveType: 'STR' } }], returnType: { returnType: { primitiveType: 'STR' } } },
  handler: async ({ mode }) => {
    if (mode === 'declined') throw new TaskException('card-declined', 'no funds', 'card-42');
    if (mode === 'flaky' && flakyCalls++ === 0) throw new Error('gateway down');
    if (mode === 'slow') {
      slowStarted = true;
      await new Promise<void>((resolve) => (releaseSlow = resolve));
    }
    return `did ${String(mode)}`;
  },
};

beforeAll(async () => {
  workers = await startTaskWorkers(server.colt.engine, [STEP], pino({ level: 'silent' }), { concurrency: 4, lockMs: 5_000 });
  expectOk(
    await post(
      '/wfSpec',
      wfSpec('two-steps', {
        entrypoint: threadSpec(
          [
            entry(),
            { name: 'first', body: { task: { taskDefId: { name: 'step' }, variables: [variable('mode')] }, failureHandlers: [{ handlerSpecName: 'apologise', specificFailure: 'card-declined' }] } },
            task('second', 'step', [literal({ str: 'ok' })]),
            exit(),
          ],
          [varDef('mode', 'STR', { required: true })],
        ),
        apologise: threadSpec([entry(), task('sorry', 'step', [literal({ str: 'ok' })]), exit()], [varDef('INPUT', 'STR')]),
      }),
    ),
  );
});

afterAll(async () => {
  releaseSlow();
  await Promise.all(workers.map((w) => w.close()));
  await server.close();
});

async function settled(id: string, status: string) {
  return eventually(async () => {
    const run = (await get(`/wfRun/${id}`)).body;
    return run.status === status ? run : undefined;
  }, 20_000, `WfRun ${id} to be ${status}`);
}

it('an EXCEPTION caught by its handler: the handler runs, then the run completes', async () => {
  expectOk(await post('/wfRun', { wfSpecName: 'two-steps', id: 'caught', variables: { mode: 'declined' } }));
  const run = await settled('caught', 'COMPLETED');
  expect(run.threadRuns.map((t: { type: string; status: string }) => `${t.type}:${t.status}`)).toEqual(['ENTRYPOINT:COMPLETED', 'FAILURE_HANDLER:COMPLETED']);
  const first = (await get('/nodeRun/caught/0/1')).body;
  expect(first.failures[0]).toMatchObject({ failureName: 'card-declined', wasProperlyHandled: true, content: { str: 'card-42' } });
});

it('an uncaught ERROR leaves the run in ERROR until it is rescued, then it completes', async () => {
  expectOk(await post('/wfRun', { wfSpecName: 'two-steps', id: 'rescued', variables: { mode: 'flaky' } }));
  const failed = await settled('rescued', 'ERROR');
  expect(failed.threadRuns[0].errorMessage).toBe('gateway down');
  expectError(await post('/wfRun/rescued/rescue', { threadRunNumber: 3 }), 400, 'INVALID_ARGUMENT', 'threadRunNumber');
  const rescued = await post('/wfRun/rescued/rescue', {});
  expectOk(rescued);
  expect(rescued.body.status).toBe('RUNNING');
  await settled('rescued', 'COMPLETED');
  const retried = (await get('/nodeRun/rescued/0/2')).body;
  expect(retried).toMatchObject({ nodeName: 'first', status: 'COMPLETED' });
  expectError(await post('/wfRun/rescued/rescue', {}), 412, 'FAILED_PRECONDITION');
});

it('a stop with a task in flight halts once the task is done; a resume finishes the run', async () => {
  expectOk(await post('/wfRun', { wfSpecName: 'two-steps', id: 'paused', variables: { mode: 'slow' } }));
  await eventually(async () => (slowStarted ? true : undefined), 10_000, 'the slow task to start');
  expectOk(await post('/wfRun/paused/stop', {}));
  expect((await get('/wfRun/paused')).body.status).toBe('HALTING');
  releaseSlow();
  const halted = await settled('paused', 'HALTED');
  expect(halted.threadRuns[0].currentNodePosition).toBe(1); // the next task was not started
  expectOk(await post('/wfRun/paused/resume', { threadRunNumber: 0 }));
  await settled('paused', 'COMPLETED');
  expectError(await post('/wfRun/paused/stop', {}), 412, 'FAILED_PRECONDITION');
  expectError(await post('/wfRun/no-such-run/stop', {}), 404, 'NOT_FOUND');
});
