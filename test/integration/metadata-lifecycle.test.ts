// Metadata lifecycle through the REST API: Get and Delete of TaskDefs, WfSpec versions and
// ExternalEventDefs; deleting a TaskDef or WfSpec version that unfinished WfRuns use is refused.
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.ts';
import { type ApiClient, expectError, expectOk, tenantClients } from '../support/api-client.ts';
import { entry, exit, task, threadSpec, varDef, wfSpec } from '../support/spec-builder.ts';

const server = startTestServer('metadata-lifecycle', { pollWaitMs: 200 });
afterAll(() => server.close());
const client = tenantClients(server.app, 'lifecycle');

async function put(api: ApiClient, path: string, body: object) {
  const res = await api.post(path, body);
  expectOk(res);
  return res.body;
}

/** TaskDef `charge` and WfSpec `pay` 0.0 (one TASK), with WfRun `p1` waiting on its task. */
async function runningPayment(api: ApiClient) {
  await put(api, '/taskDef', { name: 'charge' });
  await put(api, '/wfSpec', wfSpec('pay', { entrypoint: threadSpec([entry(), task('charge', 'charge'), exit()]) }));
  await put(api, '/wfRun', { wfSpecName: 'pay', id: 'p1' });
}

/** Lets a worker finish the one waiting `charge` task, and waits for the run to complete. */
async function finishCharge(api: ApiClient, wfRunId: string) {
  const polled = await api.post('/pollTask', { taskDefId: { name: 'charge' }, clientId: 'w' });
  expectOk(await api.post('/reportTask', { taskRunId: polled.body.result.taskRunId, attemptNumber: 0, status: 'TASK_SUCCESS', output: {} }));
  for (let i = 0; i < 100 && (await api.get(`/wfRun/${wfRunId}`)).body.status !== 'COMPLETED'; i++) await new Promise((r) => setTimeout(r, 20));
  expect((await api.get(`/wfRun/${wfRunId}`)).body.status).toBe('COMPLETED');
}

describe('DeleteTaskDef', () => {
  it('is refused while a WfRun that uses it runs or is halted, and works once it has finished', async () => {
    const api = client();
    await runningPayment(api);
    const refused = await api.delete('/taskDef/charge');
    expectError(refused, 412, 'FAILED_PRECONDITION');
    expect(refused.body.message).toContain('pay 0.0');
    expectOk(await api.post('/wfRun/p1/stop', {}));
    expectError(await api.delete('/taskDef/charge'), 412, 'FAILED_PRECONDITION');
    expectOk(await api.post('/wfRun/p1/resume', {}));
    await finishCharge(api, 'p1');
    expectOk(await api.delete('/taskDef/charge'));
    expectError(await api.get('/taskDef/charge'), 404, 'NOT_FOUND');
    expectError(await api.delete('/taskDef/charge'), 404, 'NOT_FOUND');
  });

  it('does not mind WfRuns of WfSpecs that do not use it', async () => {
    const api = client();
    await runningPayment(api);
    await put(api, '/taskDef', { name: 'unused' });
    expectOk(await api.delete('/taskDef/unused'));
    expectError(await api.delete('/taskDef/bad_name'), 400, 'INVALID_ARGUMENT', 'name');
  });
});

describe('DeleteWfSpec and GetLatestWfSpec', () => {
  it('deletes one version once its runs have finished; the latest is then the one left', async () => {
    const api = client();
    await runningPayment(api);
    const v1 = wfSpec('pay', { entrypoint: threadSpec([entry(), task('charge', 'charge'), exit()], [varDef('amount', 'INT', { required: true })]) });
    expect((await put(api, '/wfSpec', v1)).id).toEqual({ name: 'pay', majorVersion: 1, revision: 0 });
    expect((await api.get('/wfSpec/pay/latest')).body.id).toEqual({ name: 'pay', majorVersion: 1, revision: 0 });
    expectError(await api.delete('/wfSpec/pay?majorVersion=0&revision=0'), 412, 'FAILED_PRECONDITION');
    await finishCharge(api, 'p1');
    expectOk(await api.delete('/wfSpec/pay?majorVersion=1&revision=0'));
    expectError(await api.get('/wfSpec/pay?majorVersion=1&revision=0'), 404, 'NOT_FOUND');
    expect((await api.get('/wfSpec/pay/latest')).body.id).toEqual({ name: 'pay', majorVersion: 0, revision: 0 });
    expectOk(await api.delete('/wfSpec/pay?majorVersion=0&revision=0'));
    expectError(await api.get('/wfSpec/pay/latest'), 404, 'NOT_FOUND');
    expect((await api.get('/wfSpec/search?name=pay')).body.results).toEqual([]);
    expectError(await api.delete('/wfSpec/pay?majorVersion=0'), 400, 'INVALID_ARGUMENT', 'revision');
  });
});

describe('ExternalEventDef', () => {
  it('Get and Delete', async () => {
    const api = client();
    await put(api, '/externalEventDef', { name: 'approval' });
    expect((await api.get('/externalEventDef/approval')).body.id).toEqual({ name: 'approval' });
    expectOk(await api.delete('/externalEventDef/approval'));
    expectError(await api.get('/externalEventDef/approval'), 404, 'NOT_FOUND');
    expect((await api.get('/externalEventDef/search')).body.results).toEqual([]);
  });
});
