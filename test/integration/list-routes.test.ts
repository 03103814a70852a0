// ListNodeRuns, ListTaskRuns, ListVariables and GetVariable for one WfRun, and the metadata
// searches (SearchTaskDef, SearchExternalEventDef, SearchWfSpec), through the REST API.
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.ts';
import { type ApiClient, expectError, expectOk, tenantClients } from '../support/api-client.ts';
import { entry, exit, task, threadSpec, varDef, variable, wfSpec } from '../support/spec-builder.ts';

const server = startTestServer('list-routes');
afterAll(() => server.close());
const client = tenantClients(server.app, 'lists');

async function put(api: ApiClient, path: string, body: object) {
  const res = await api.post(path, body);
  expectOk(res);
  return res.body;
}

async function get(api: ApiClient, path: string) {
  const res = await api.get(path);
  expectOk(res);
  return res.body;
}

/** A run waiting on its first of two tasks, with a masked and a plain variable. */
async function waitingRun(api: ApiClient) {
  await put(api, '/taskDef', { name: 'echo', inputVars: [{ name: 'text', type: 'STR' }] });
  const vars = [varDef('text', 'STR', { required: true }), varDef('pin', 'INT', { required: true, accessLevel: 'PRIVATE_VAR' })];
  (vars[1]!.varDef as { typeDef: { masked?: boolean } }).typeDef.masked = true;
  await put(api, '/wfSpec', wfSpec('two-echoes', { entrypoint: threadSpec([entry(), task('first', 'echo', [variable('text')]), task('second', 'echo', [variable('text')]), exit()], vars) }));
  await put(api, '/wfRun', { wfSpecName: 'two-echoes', id: 'r1', variables: { text: 'hi', pin: 1234 } });
}

describe('lists of one WfRun', () => {
  it('ListNodeRuns, ListTaskRuns, ListVariables (paged) and GetVariable, masked values hidden', async () => {
    const api = client();
    await waitingRun(api);
    const nodes = await get(api, '/wfRun/r1/nodeRun');
    expect(nodes.results.map((n: { nodeName: string; status: string }) => [n.nodeName, n.status])).toEqual([['entry', 'COMPLETED'], ['first', 'RUNNING']]);
    const first = await get(api, '/wfRun/r1/nodeRun?limit=1');
    expect(first.results).toEqual([nodes.results[0]]);
    expect((await get(api, `/wfRun/r1/nodeRun?limit=1&bookmark=${encodeURIComponent(first.bookmark)}`)).results).toEqual([nodes.results[1]]);
    expect((await get(api, '/wfRun/r1/nodeRun?threadRunNumber=1')).results).toEqual([]);

    const taskRuns = await get(api, '/wfRun/r1/taskRun');
    expect(taskRuns.results).toEqual([await get(api, `/taskRun/r1/${nodes.results[1].task.taskRunId.taskGuid}`)]);
    expect(taskRuns.results[0]).toMatchObject({ taskDefId: { name: 'echo' }, status: 'TASK_SCHEDULED' });

    const vars = await get(api, '/wfRun/r1/variable');
    expect(vars.results.map((v: { id: { name: string }; value: unknown }) => [v.id.name, v.value])).toEqual([['pin', { str: '*****' }], ['text', { str: 'hi' }]]);
    expect(JSON.stringify(vars)).not.toContain('1234');
    expect(await get(api, '/variable/r1/0/text')).toMatchObject({ id: { wfRunId: 'r1', threadRunNumber: 0, name: 'text' }, value: { str: 'hi' }, wfSpecId: { name: 'two-echoes', majorVersion: 0, revision: 0 } });
    expect((await get(api, '/variable/r1/0/pin')).value).toEqual({ str: '*****' });
  });

  it('ListExternalEvents pages oldest first (events waiting for a WfRun that has not started too)', async () => {
    const api = client();
    await put(api, '/externalEventDef', { name: 'ping' });
    for (const guid of ['a', 'b', 'c']) await put(api, '/wfRun/not-yet/externalEvent/ping', { content: { str: guid }, guid });
    const first = await get(api, '/wfRun/not-yet/externalEvent?limit=2');
    expect(first.results.map((e: { id: { guid: string } }) => e.id.guid)).toEqual(['a', 'b']);
    const rest = await get(api, `/wfRun/not-yet/externalEvent?limit=2&bookmark=${encodeURIComponent(first.bookmark)}`);
    expect(rest.results.map((e: { id: { guid: string } }) => e.id.guid)).toEqual(['c']);
    expect(rest.bookmark).toBeUndefined();
    expect((await get(api, '/wfRun/nobody/externalEvent')).results).toEqual([]);
  });

  it('answers 404 for unknown runs and variables, 400 naming a bad field', async () => {
    const api = client();
    await waitingRun(api);
    expectError(await api.get('/wfRun/nope/nodeRun'), 404, 'NOT_FOUND');
    expectError(await api.get('/wfRun/nope/variable'), 404, 'NOT_FOUND');
    expectError(await api.get('/variable/r1/0/missing'), 404, 'NOT_FOUND');
    expectError(await api.get('/variable/r1/7/text'), 404, 'NOT_FOUND');
    expectError(await api.get('/variable/r1/x/text'), 400, 'INVALID_ARGUMENT', 'threadRunNumber');
    expectError(await api.get('/wfRun/r1/taskRun?limit=-1'), 400, 'INVALID_ARGUMENT', 'limit');
    expectError(await api.get('/wfRun/bad_id!/variable'), 400, 'INVALID_ARGUMENT', 'wfRunId');
  });
});

describe('metadata search', () => {
  it('SearchTaskDef and SearchExternalEventDef by prefix, in name order, paged', async () => {
    const api = client();
    for (const name of ['pay-card', 'notify', 'pay-bank']) await put(api, '/taskDef', { name });
    for (const name of ['order-paid', 'order-sent', 'cancel']) await put(api, '/externalEventDef', { name });
    expect((await get(api, '/taskDef/search?prefix=pay-')).results).toEqual([{ name: 'pay-bank' }, { name: 'pay-card' }]);
    const page = await get(api, '/taskDef/search?limit=2');
    expect(page.results).toEqual([{ name: 'notify' }, { name: 'pay-bank' }]);
    const rest = await get(api, `/taskDef/search?limit=2&bookmark=${encodeURIComponent(page.bookmark)}`);
    expect(rest).toEqual({ results: [{ name: 'pay-card' }] });
    expect((await get(api, '/externalEventDef/search?prefix=order')).results).toEqual([{ name: 'order-paid' }, { name: 'order-sent' }]);
    expect((await get(api, '/externalEventDef/search?prefix=zzz')).results).toEqual([]);
  });

  it('SearchWfSpec by name, prefix, or the TaskDef its versions use', async () => {
    const api = client();
    await put(api, '/taskDef', { name: 'charge' });
    await put(api, '/wfSpec', wfSpec('billing', { entrypoint: threadSpec([entry(), exit()]) }));
    await put(api, '/wfSpec', wfSpec('billing', { entrypoint: threadSpec([entry(), task('c', 'charge'), exit()]) })); // 0.1
    await put(api, '/wfSpec', wfSpec('bill-later', { entrypoint: threadSpec([entry(), exit()]) }));
    await put(api, '/wfSpec', wfSpec('shipping', { entrypoint: threadSpec([entry(), task('c', 'charge'), exit()]) }));
    const v = (name: string, revision = 0) => ({ name, majorVersion: 0, revision });
    expect((await get(api, '/wfSpec/search?name=billing')).results).toEqual([v('billing'), v('billing', 1)]);
    expect((await get(api, '/wfSpec/search?prefix=bill')).results).toEqual([v('bill-later'), v('billing'), v('billing', 1)]);
    expect((await get(api, '/wfSpec/search?taskDefName=charge')).results).toEqual([v('billing', 1), v('shipping')]);
    expect((await get(api, '/wfSpec/search')).results).toHaveLength(4);
    expectError(await api.get('/wfSpec/search?name=billing&prefix=b'), 400, 'INVALID_ARGUMENT', 'prefix');
  });
});
