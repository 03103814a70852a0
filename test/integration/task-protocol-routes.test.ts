// LittleHorse's task protocol over HTTP: POST /pollTask (long poll) and POST /reportTask, against a
// real Redis and BullMQ, responses validated against the contract. The test server's long-poll
// wait is 1 s. Every test works in a tenant of its own, so task queues are not shared between tests.
import { afterAll, describe, expect, it } from 'vitest';
import { littlehorseFixture } from '../support/specs.ts';
import { startTestServer } from '../support/server.ts';
import { type ApiClient, expectError, expectOk, tenantClients } from '../support/api-client.ts';

const POLL_WAIT_MS = 1_000;
const server = startTestServer('task-protocol-routes', { pollWaitMs: POLL_WAIT_MS });
afterAll(() => server.close());

/** A client bound to a fresh tenant. */
const client = tenantClients(server.app, 'tasks');

const EXAMPLE_V0 = { name: 'example-basic', majorVersion: 0, revision: 0 };

/** TaskDef greet + example-basic (with `retries` on its TASK node). */
async function deployExample(api: ApiClient, retries = 0): Promise<void> {
  expectOk(await api.post('/taskDef', { name: 'greet', inputVars: [{ name: 'name', type: 'STR' }], returnType: { returnType: { primitiveType: 'STR' } } }));
  const spec = littlehorseFixture('example-basic-wfspec.json');
  (spec.threadSpecs.entrypoint as { nodes: Record<string, { task?: { retries: number } }> }).nodes['1-greet-TASK']!.task!.retries = retries;
  expectOk(await api.post('/wfSpec', spec));
}

async function startRun(api: ApiClient, id: string, name = 'Obi'): Promise<void> {
  const res = await api.post('/wfRun', { wfSpecName: 'example-basic', id, variables: { 'input-name': name } });
  expectOk(res);
}

/** Polls greet once; the task must be there. */
async function pollOne(api: ApiClient, clientId = 'worker-1', extra: Record<string, unknown> = {}) {
  const res = await api.post('/pollTask', { taskDefId: { name: 'greet' }, clientId, ...extra });
  expectOk(res);
  expect(res.body.result, 'a task was waiting').toBeDefined();
  return res.body.result as { taskRunId: { wfRunId: string; taskGuid: string }; attemptNumber: number; [k: string]: unknown };
}

/** Everything a user can read about one WfRun with the example spec. */
async function snapshot(api: ApiClient, wfRunId: string, taskGuid: string) {
  const [wfRun, entry, task, exit, taskRun] = await Promise.all([
    api.get(`/wfRun/${wfRunId}`),
    api.get(`/nodeRun/${wfRunId}/0/0`),
    api.get(`/nodeRun/${wfRunId}/0/1`),
    api.get(`/nodeRun/${wfRunId}/0/2`),
    api.get(`/taskRun/${wfRunId}/${taskGuid}`),
  ]);
  return { wfRun: wfRun.body, entry: entry.body, task: task.body, exit: [exit.status, exit.body], taskRun: taskRun.body };
}

/** A fresh tenant with example-basic deployed (`retries` on its TASK node) and WfRun `wfRunId` started, whose task worker-1 has polled. */
async function polledRun(wfRunId: string, retries = 0) {
  const api = client();
  await deployExample(api, retries);
  await startRun(api, wfRunId);
  return { api, task: await pollOne(api) };
}

function report(api: ApiClient, taskRunId: unknown, body: Record<string, unknown>) {
  return api.post('/reportTask', { taskRunId, attemptNumber: 0, ...body });
}

describe('PollTask', () => {
  it('hands out a waiting task as {result: ScheduledTask} and marks its attempt TASK_RUNNING for the worker', async () => {
    const api = client();
    await deployExample(api);
    await startRun(api, 'polled');
    const task = await pollOne(api, 'worker-7', { taskWorkerVersion: '1.2.3' });
    expect(task).toEqual({
      taskRunId: { wfRunId: 'polled', taskGuid: expect.stringMatching(/^[0-9a-f]{32}$/) },
      taskDefId: { name: 'greet' },
      attemptNumber: 0,
      variables: [{ varName: 'name', value: { str: 'Obi' }, masked: false }],
      createdAt: expect.any(String),
      source: { taskNode: { nodeRunId: { wfRunId: 'polled', threadRunNumber: 0, position: 1 } }, wfSpecId: EXAMPLE_V0 },
    });
    const nodeRun = await api.get('/nodeRun/polled/0/1');
    expect(nodeRun.body.task.taskRunId).toEqual(task.taskRunId);
    const taskRun = await api.get(`/taskRun/polled/${task.taskRunId.taskGuid}`);
    expectOk(taskRun);
    expect(taskRun.body.status).toBe('TASK_RUNNING');
    expect(taskRun.body.attempts).toHaveLength(1);
    expect(taskRun.body.attempts[0]).toMatchObject({ status: 'TASK_RUNNING', taskWorkerId: 'worker-7', taskWorkerVersion: '1.2.3' });
    expect(Date.parse(taskRun.body.attempts[0].startTime)).toBeGreaterThanOrEqual(Date.parse(task.createdAt as string));
    expect(taskRun.body.attempts[0].endTime).toBeUndefined();
    expect((await api.get('/wfRun/polled')).body.status).toBe('RUNNING');
  });

  it('hands out tasks oldest first, each once', async () => {
    const api = client();
    await deployExample(api);
    for (const id of ['fifo-1', 'fifo-2', 'fifo-3']) await startRun(api, id);
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await pollOne(api)).taskRunId.wfRunId);
    expect(got).toEqual(['fifo-1', 'fifo-2', 'fifo-3']);
  });

  it('answers {} after the long-poll wait when nothing is queued', async () => {
    const api = client();
    await deployExample(api);
    const started = Date.now();
    const res = await api.post('/pollTask', { taskDefId: { name: 'greet' }, clientId: 'idle' });
    const waited = Date.now() - started;
    expectOk(res);
    expect(res.body).toEqual({});
    expect(waited).toBeGreaterThanOrEqual(POLL_WAIT_MS - 50);
    expect(waited).toBeLessThan(POLL_WAIT_MS + 1_500);
  });

  it('a parked poll gets a task scheduled while it waits, before the wait ends', async () => {
    const api = client();
    await deployExample(api);
    const started = Date.now();
    const poll = api.post('/pollTask', { taskDefId: { name: 'greet' }, clientId: 'parked' }).then((r) => r);
    await new Promise((r) => setTimeout(r, 150));
    await startRun(api, 'late');
    const res = await poll;
    expectOk(res);
    expect(res.body.result.taskRunId.wfRunId).toBe('late');
    expect(Date.now() - started).toBeLessThan(POLL_WAIT_MS);
  });

  it('two concurrent polls for one task: exactly one gets it', async () => {
    const api = client();
    await deployExample(api);
    await startRun(api, 'contested');
    const [a, b] = await Promise.all([
      api.post('/pollTask', { taskDefId: { name: 'greet' }, clientId: 'worker-a' }),
      api.post('/pollTask', { taskDefId: { name: 'greet' }, clientId: 'worker-b' }),
    ]);
    expectOk(a);
    expectOk(b);
    const winners = [a, b].filter((r) => r.body.result !== undefined);
    expect(winners).toHaveLength(1);
    expect([a, b].filter((r) => JSON.stringify(r.body) === '{}')).toHaveLength(1);
    const winner = winners[0]!.body.result;
    const taskRun = await api.get(`/taskRun/contested/${winner.taskRunId.taskGuid}`);
    expect(taskRun.body.attempts[0].taskWorkerId).toBe(winner === a.body.result ? 'worker-a' : 'worker-b');
  });

  it('a poll whose client went away does not take a task scheduled afterwards', async () => {
    const api = client();
    await deployExample(api);
    const abandoned = await api.post('/pollTask', { taskDefId: { name: 'greet' }, clientId: 'quitter' }).timeout(100).then(
      () => 'answered',
      (err: Error & { timeout?: number }) => (err.timeout ? 'timed out' : err.message),
    );
    expect(abandoned).toBe('timed out');
    await new Promise((r) => setTimeout(r, 250)); // the server notices the closed connection
    await startRun(api, 'after-quit');
    await new Promise((r) => setTimeout(r, 200)); // a poll still running would claim the task now
    const task = await pollOne(api, 'stayer');
    expect(task.taskRunId.wfRunId).toBe('after-quit');
    const taskRun = await api.get(`/taskRun/after-quit/${task.taskRunId.taskGuid}`);
    expect(taskRun.body.attempts[0].taskWorkerId).toBe('stayer');
  });

  it('does not hand out the task of a deleted WfRun', async () => {
    const api = client();
    await deployExample(api);
    await startRun(api, 'gone');
    expectOk(await api.post('/wfRun/gone/stop', {})); // a RUNNING WfRun cannot be deleted
    expectOk(await api.delete('/wfRun/gone'));
    await startRun(api, 'here');
    const task = await pollOne(api);
    expect(task.taskRunId.wfRunId).toBe('here');
  });

  it('an unknown TaskDef is 404 NOT_FOUND', async () => {
    const api = client();
    const res = await api.post('/pollTask', { taskDefId: { name: 'nope' }, clientId: 'w' });
    expectError(res, 404, 'NOT_FOUND', 'nope');
  });

  it('rejects bad requests with a 400 naming the field', async () => {
    const api = client();
    await deployExample(api);
    expectError(await api.post('/pollTask', { taskDefId: { name: 'greet' } }), 400, 'INVALID_ARGUMENT', 'clientId');
    expectError(await api.post('/pollTask', { clientId: 'w' }), 400, 'INVALID_ARGUMENT', 'taskDefId');
    expectError(await api.post('/pollTask', { taskDefId: {}, clientId: 'w' }), 400, 'INVALID_ARGUMENT', 'taskDefId.name');
    expectError(await api.post('/pollTask', { taskDefId: { name: 'bad_name' }, clientId: 'w' }), 400, 'INVALID_ARGUMENT', 'name');
    expectError(await api.post('/pollTask', { taskDefId: { name: 'greet' }, clientId: 5 }), 400, 'INVALID_ARGUMENT', 'clientId');
  });
});

describe('ReportTask', () => {
  it('TASK_SUCCESS with an output completes the TaskRun, its node and the WfRun', async () => {
    const { api, task } = await polledRun('ok');
    const time = new Date(Date.now() + 5).toISOString();
    const res = await report(api, task.taskRunId, { status: 'TASK_SUCCESS', output: { str: 'Hello, Obi!' }, time, logOutput: { str: 'said hi' } });
    expectOk(res);
    expect(res.body).toEqual({});

    const wfRun = (await api.get('/wfRun/ok')).body;
    expect(wfRun.status).toBe('COMPLETED');
    expect(wfRun.threadRuns[0]).toMatchObject({ status: 'COMPLETED', currentNodePosition: 2 });
    expect(Date.parse(wfRun.endTime)).toBeGreaterThanOrEqual(Date.parse(wfRun.startTime));
    expect(Date.parse(wfRun.threadRuns[0].endTime)).toBeGreaterThanOrEqual(Date.parse(wfRun.startTime));

    const taskRun = (await api.get(`/taskRun/ok/${task.taskRunId.taskGuid}`)).body;
    expect(taskRun.status).toBe('TASK_SUCCESS');
    expect(taskRun.attempts).toHaveLength(1);
    expect(taskRun.attempts[0]).toMatchObject({
      status: 'TASK_SUCCESS',
      output: { str: 'Hello, Obi!' },
      logOutput: { str: 'said hi' },
      endTime: time,
      taskWorkerId: 'worker-1',
    });
    const node = (await api.get('/nodeRun/ok/0/1')).body;
    expect(node).toMatchObject({ status: 'COMPLETED', failures: [] });
    expect(node.endTime).toBeDefined();
    expect((await api.get('/nodeRun/ok/0/2')).body).toMatchObject({ status: 'COMPLETED', nodeName: '2-exit-EXIT', exit: {} });
    expect(await searchStatus(api, 'COMPLETED')).toEqual(['ok']);
    expect(await searchStatus(api, 'RUNNING')).toEqual([]);
  });

  it('once its only WfRun has terminated, the WfSpec version can be deleted', async () => {
    const api = client();
    await deployExample(api);
    await startRun(api, 'short-lived');
    expect((await api.delete('/wfSpec/example-basic?majorVersion=0&revision=0')).status).toBe(412);
    const task = await pollOne(api);
    expectOk(await report(api, task.taskRunId, { status: 'TASK_FAILED', error: { type: 'TASK_FAILURE', message: 'x' } }));
    expect((await api.get('/wfRun/short-lived')).body.status).toBe('ERROR');
    expectOk(await api.delete('/wfSpec/example-basic?majorVersion=0&revision=0'));
    expectError(await api.get('/wfSpec/example-basic'), 404, 'NOT_FOUND');
    // The terminated run is still there to read.
    expect((await api.get('/wfRun/short-lived')).body.status).toBe('ERROR');
  });

  it('accepts an int64 output given as a string of digits', async () => {
    const api = client();
    expectOk(await api.post('/taskDef', { name: 'greet', inputVars: [{ name: 'name', type: 'STR' }], returnType: { returnType: { primitiveType: 'INT' } } }));
    expectOk(await api.post('/wfSpec', littlehorseFixture('example-basic-wfspec.json')));
    await startRun(api, 'int');
    const task = await pollOne(api);
    expectOk(await report(api, task.taskRunId, { status: 'TASK_SUCCESS', output: { int: '42' } }));
    expect((await api.get(`/taskRun/int/${task.taskRunId.taskGuid}`)).body.attempts[0].output).toEqual({ int: 42 });
    expect((await api.get('/wfRun/int')).body.status).toBe('COMPLETED');
  });

  it('a duplicate report changes nothing', async () => {
    const { api, task } = await polledRun('dup');
    expectOk(await report(api, task.taskRunId, { status: 'TASK_SUCCESS', output: { str: 'Hello, Obi!' } }));
    const before = await snapshot(api, 'dup', task.taskRunId.taskGuid);
    expect(before.wfRun.status).toBe('COMPLETED');
    const again = await report(api, task.taskRunId, { status: 'TASK_SUCCESS', output: { str: 'Hello again' } });
    expectOk(again);
    const failedLater = await report(api, task.taskRunId, { status: 'TASK_FAILED', error: { type: 'TASK_FAILURE', message: 'late' } });
    expectOk(failedLater);
    expect(await snapshot(api, 'dup', task.taskRunId.taskGuid)).toEqual(before);
  });

  it('a report for another attemptNumber changes nothing', async () => {
    const { api, task } = await polledRun('wrong-attempt');
    const before = await snapshot(api, 'wrong-attempt', task.taskRunId.taskGuid);
    expect(before.taskRun.status).toBe('TASK_RUNNING');
    const res = await api.post('/reportTask', { taskRunId: task.taskRunId, attemptNumber: 1, status: 'TASK_SUCCESS', output: { str: 'x' } });
    expectOk(res);
    expect(await snapshot(api, 'wrong-attempt', task.taskRunId.taskGuid)).toEqual(before);
    // The real attempt still completes it.
    expectOk(await report(api, task.taskRunId, { status: 'TASK_SUCCESS', output: { str: 'Hello, Obi!' } }));
    expect((await api.get('/wfRun/wrong-attempt')).body.status).toBe('COMPLETED');
  });

  it('TASK_FAILED with no retries left ends the WfRun in ERROR with a TASK_FAILURE', async () => {
    const { api, task } = await polledRun('failing');
    expectOk(await report(api, task.taskRunId, { status: 'TASK_FAILED', error: { type: 'TASK_FAILURE', message: 'greeter broke' } }));
    const wfRun = (await api.get('/wfRun/failing')).body;
    expect(wfRun.status).toBe('ERROR');
    expect(wfRun.threadRuns[0].status).toBe('ERROR');
    expect(wfRun.endTime).toBeDefined();
    const node = (await api.get('/nodeRun/failing/0/1')).body;
    expect(node.status).toBe('ERROR');
    expect(node.failures).toHaveLength(1);
    expect(node.failures[0]).toMatchObject({ failureName: 'TASK_FAILURE', message: 'greeter broke' });
    const taskRun = (await api.get(`/taskRun/failing/${task.taskRunId.taskGuid}`)).body;
    expect(taskRun.status).toBe('TASK_FAILED');
    expect(taskRun.attempts[0]).toMatchObject({ status: 'TASK_FAILED', error: { type: 'TASK_FAILURE', message: 'greeter broke' } });
    expectError(await api.get('/nodeRun/failing/0/2'), 404, 'NOT_FOUND');
    expect(await searchStatus(api, 'ERROR')).toEqual(['failing']);
  });

  it('TASK_FAILED with a retry left schedules attempt 1, which a worker can then complete', async () => {
    const { api, task: first } = await polledRun('retried', 1);
    expectOk(await report(api, first.taskRunId, { status: 'TASK_FAILED', error: { type: 'TASK_FAILURE', message: 'flaky' } }));
    expect((await api.get('/wfRun/retried')).body.status).toBe('RUNNING');
    const second = await pollOne(api, 'worker-2');
    expect(second.taskRunId).toEqual(first.taskRunId);
    expect(second.attemptNumber).toBe(1);
    const taskRun = (await api.get(`/taskRun/retried/${first.taskRunId.taskGuid}`)).body;
    expect(taskRun.totalAttempts).toBe(2);
    expect(taskRun.attempts.map((a: { status: string; taskWorkerId: string }) => [a.status, a.taskWorkerId])).toEqual([
      ['TASK_FAILED', 'worker-1'],
      ['TASK_RUNNING', 'worker-2'],
    ]);
    expectOk(await api.post('/reportTask', { taskRunId: second.taskRunId, attemptNumber: 1, status: 'TASK_SUCCESS', output: { str: 'Hi' } }));
    expect((await api.get('/wfRun/retried')).body.status).toBe('COMPLETED');
  });

  it('TASK_EXCEPTION ends the WfRun in EXCEPTION with the business exception as the failure', async () => {
    const { api, task } = await polledRun('exceptional');
    const exception = { name: 'out-of-stock', message: 'no more greetings', content: { jsonObj: { sku: 'hello' } } };
    expectOk(await report(api, task.taskRunId, { status: 'TASK_EXCEPTION', exception }));
    const wfRun = (await api.get('/wfRun/exceptional')).body;
    expect(wfRun.status).toBe('EXCEPTION');
    expect(wfRun.threadRuns[0].status).toBe('EXCEPTION');
    const node = (await api.get('/nodeRun/exceptional/0/1')).body;
    expect(node.status).toBe('EXCEPTION');
    expect(node.failures[0]).toMatchObject({ failureName: 'out-of-stock', message: 'no more greetings', content: { jsonObj: { sku: 'hello' } } });
    const taskRun = (await api.get(`/taskRun/exceptional/${task.taskRunId.taskGuid}`)).body;
    expect(taskRun.status).toBe('TASK_EXCEPTION');
    expect(taskRun.attempts[0].exception).toEqual(exception);
    expect(await searchStatus(api, 'EXCEPTION')).toEqual(['exceptional']);
  });

  it('an output of the wrong type for the TaskDef ends the node in ERROR (TASK_OUTPUT_SERDE_ERROR)', async () => {
    const { api, task } = await polledRun('serde');
    expectOk(await report(api, task.taskRunId, { status: 'TASK_SUCCESS', output: { bool: true } }));
    expect((await api.get(`/taskRun/serde/${task.taskRunId.taskGuid}`)).body.status).toBe('TASK_OUTPUT_SERDE_ERROR');
    expect((await api.get('/nodeRun/serde/0/1')).body.failures[0].failureName).toBe('VAR_MUTATION_ERROR');
    expect((await api.get('/wfRun/serde')).body.status).toBe('ERROR');
  });

  it('a malformed report is 400 naming the field, and changes nothing', async () => {
    const { api, task } = await polledRun('malformed');
    const before = await snapshot(api, 'malformed', task.taskRunId.taskGuid);
    const { taskRunId } = task;
    expectError(await report(api, taskRunId, { status: 'TASK_SUCCESS', output: { str: 'a', int: 1 } }), 400, 'INVALID_ARGUMENT', 'output');
    expectError(await report(api, taskRunId, { status: 'TASK_SUCCESS', output: { colour: 'red' } }), 400, 'INVALID_ARGUMENT', 'output');
    expectError(await report(api, taskRunId, { status: 'TASK_SUCCESS', output: 'Hello' }), 400, 'INVALID_ARGUMENT', 'output');
    expectError(await report(api, taskRunId, { status: 'TASK_SUCCESS', output: { int: 'forty-two' } }), 400, 'INVALID_ARGUMENT', 'output.int');
    expectError(await report(api, taskRunId, { status: 'TASK_SUCCESS', logOutput: { str: 'a', bool: true } }), 400, 'INVALID_ARGUMENT', 'logOutput');
    expectError(await report(api, taskRunId, { status: 'TASK_DONE' }), 400, 'INVALID_ARGUMENT', 'status');
    expectError(await report(api, taskRunId, {}), 400, 'INVALID_ARGUMENT', 'status');
    expectError(await report(api, taskRunId, { status: 'TASK_EXCEPTION', exception: { message: 'no name' } }), 400, 'INVALID_ARGUMENT', 'exception.name');
    expectError(await report(api, taskRunId, { status: 'TASK_SUCCESS', time: 'yesterday' }), 400, 'INVALID_ARGUMENT', 'time');
    expectError(await api.post('/reportTask', { taskRunId, attemptNumber: -1, status: 'TASK_SUCCESS' }), 400, 'INVALID_ARGUMENT', 'attemptNumber');
    expectError(await api.post('/reportTask', { taskRunId, status: 'TASK_SUCCESS' }), 400, 'INVALID_ARGUMENT', 'attemptNumber');
    expectError(await api.post('/reportTask', { attemptNumber: 0, status: 'TASK_SUCCESS' }), 400, 'INVALID_ARGUMENT', 'taskRunId');
    expectError(await report(api, { wfRunId: 'malformed' }, { status: 'TASK_SUCCESS' }), 400, 'INVALID_ARGUMENT', 'taskRunId.taskGuid');
    expectError(await report(api, { ...taskRunId, wfRunId: 'has space' }, { status: 'TASK_SUCCESS' }), 400, 'INVALID_ARGUMENT', 'taskRunId.wfRunId');
    expect(await snapshot(api, 'malformed', task.taskRunId.taskGuid)).toEqual(before);
  });

  it('a report for an unknown WfRun is 404 NOT_FOUND', async () => {
    const api = client();
    const res = await report(api, { wfRunId: 'nope', taskGuid: '0'.repeat(32) }, { status: 'TASK_SUCCESS', output: { str: 'x' } });
    expectError(res, 404, 'NOT_FOUND', 'nope');
  });
});

async function searchStatus(api: ApiClient, status: string): Promise<string[]> {
  const res = await api.get(`/wfRun/search?wfSpecName=example-basic&status=${status}`);
  expectOk(res);
  return res.body.results.map((r: { id: string }) => r.id);
}
