// LittleHorse's Search RPCs through the REST API, with real runs: SearchWfRun (spec, version,
// status, time window, parent, variable filters), SearchVariable, SearchNodeRun, SearchTaskRun,
// SearchExternalEvent; paging with limit and bookmark; indexes that follow the runs' state.
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.ts';
import { type ApiClient, expectError, expectOk, tenantClients } from '../support/api-client.ts';
import { assign, entry, exit, literal, output, task, threadSpec, varDef, variable, wfSpec } from '../support/spec-builder.ts';

const server = startTestServer('search-routes', { pollWaitMs: 200 });
afterAll(() => server.close());
const client = tenantClients(server.app, 'search');

const instant = (name: string, variableDefs: object[] = []) => wfSpec(name, { entrypoint: threadSpec([entry(), exit()], variableDefs) });

/** entry -> waits for an `approval` event -> `state` := its content -> exit. */
const approvalSpec = wfSpec('approve', {
  entrypoint: threadSpec(
    [
      entry(),
      { name: 'wait', body: { externalEvent: { externalEventDefId: { name: 'approval' } } }, edges: [{ sinkNodeName: 'exit', variableMutations: [assign('state', output('wait'))] }] },
      exit(),
    ],
    [varDef('state', 'STR', { searchable: true, defaultValue: { str: 'pending' } })],
  ),
});

async function put(api: ApiClient, path: string, body: object) {
  const res = await api.post(path, body);
  expectOk(res);
  return res.body;
}

/** Every result of a search, page by page (`limit` each), checking that bookmarks stop at the end. */
async function allPages(api: ApiClient, path: string, limit: number): Promise<unknown[][]> {
  const pages: unknown[][] = [];
  let bookmark: string | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await api.get(`${path}${sep}limit=${limit}${bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : ''}`);
    expectOk(res);
    pages.push(res.body.results);
    bookmark = res.body.bookmark;
  } while (bookmark !== undefined);
  return pages;
}

async function ids(api: ApiClient, path: string): Promise<unknown[]> {
  const res = await api.get(path);
  expectOk(res);
  expect(res.body.bookmark).toBeUndefined();
  return res.body.results.map((r: { id?: string }) => r.id ?? r);
}

async function until(api: ApiClient, wfRunId: string, status: string) {
  for (let i = 0; i < 200; i++) {
    const run = (await api.get(`/wfRun/${wfRunId}`)).body;
    if (run.status === status) return run;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${wfRunId} never reached ${status}`);
}

describe('SearchWfRun paging', () => {
  it('pages over 250 runs oldest first, each run exactly once, 100 by default', async () => {
    const api = client();
    await put(api, '/wfSpec', instant('many'));
    const started: Array<[number, string]> = [];
    for (let i = 0; i < 250; i++) {
      const run = await put(api, '/wfRun', { wfSpecName: 'many', id: `run-${i}` });
      started.push([Date.parse(run.startTime), run.id]);
    }
    const oldestFirst = started.sort(([a, x], [b, y]) => a - b || (x < y ? -1 : 1)).map(([, id]) => id);
    const pages = await allPages(api, '/wfRun/search?wfSpecName=many&status=COMPLETED', 100);
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(pages.flat().map((r) => (r as { id: string }).id)).toEqual(oldestFirst);
    const byDefault = await api.get('/wfRun/search?wfSpecName=many');
    expect(byDefault.body.results).toHaveLength(100);
    expect(byDefault.body.bookmark).toEqual(expect.any(String));
    expect(await ids(api, '/wfRun/search?wfSpecName=many&status=RUNNING')).toEqual([]);
  });

  it('refuses a bookmark it did not issue and a limit out of range, naming the field', async () => {
    const api = client();
    expectError(await api.get('/wfRun/search?bookmark=forged'), 400, 'INVALID_ARGUMENT', 'bookmark');
    expectError(await api.get('/wfRun/search?limit=0'), 400, 'INVALID_ARGUMENT', 'limit');
    expectError(await api.get('/taskRun/search?taskDefName=x&limit=5000'), 400, 'INVALID_ARGUMENT', 'limit');
    expectError(await api.get('/wfRun/search?revision=1&wfSpecName=a'), 400, 'INVALID_ARGUMENT', 'revision');
    expectError(await api.get('/wfRun/search?earliestStart=yesterday'), 400, 'INVALID_ARGUMENT', 'earliestStart');
    expectError(await api.get('/nodeRun/search?nodeType=SPACESHIP'), 400, 'INVALID_ARGUMENT', 'nodeType');
    expectError(await api.get('/variable/search?wfSpecName=a&varName=b'), 400, 'INVALID_ARGUMENT', 'value');
  });
});

describe('SearchWfRun filters', () => {
  it('by version, time window and parent WfRun', async () => {
    const api = client();
    await put(api, '/wfSpec', instant('kid'));
    const v0 = await put(api, '/wfRun', { wfSpecName: 'kid', id: 'v0-run' });
    await put(api, '/wfSpec', instant('kid', [varDef('extra', 'STR', { required: true })])); // breaking: 1.0
    await new Promise((r) => setTimeout(r, 5));
    const v1 = await put(api, '/wfRun', { wfSpecName: 'kid', id: 'v1-run', variables: { extra: 'x' } });
    expect(await ids(api, '/wfRun/search?wfSpecName=kid&majorVersion=0')).toEqual(['v0-run']);
    expect(await ids(api, '/wfRun/search?wfSpecName=kid&majorVersion=1&revision=0')).toEqual(['v1-run']);
    expect(await ids(api, '/wfRun/search?wfSpecName=kid&majorVersion=1&revision=1')).toEqual([]);
    expect(await ids(api, `/wfRun/search?wfSpecName=kid&earliestStart=${v1.startTime}`)).toEqual(['v1-run']);
    expect(await ids(api, `/wfRun/search?wfSpecName=kid&latestStart=${v0.startTime}`)).toEqual(['v0-run']);

    await put(api, '/wfSpec', wfSpec('parent', {
      entrypoint: threadSpec(
        [
          entry(),
          { name: 'run', body: { runChildWf: { wfSpecName: 'kid', majorVersion: 0, inputs: {} } }, edges: [{ sinkNodeName: 'wait', variableMutations: [assign('child', output('run'))] }] },
          { name: 'wait', body: { waitForChildWf: { childWfRunId: variable('child') } } },
          exit(),
        ],
        [varDef('child', 'WF_RUN_ID')],
      ),
    }));
    await put(api, '/wfRun', { wfSpecName: 'parent', id: 'mom' });
    await until(api, 'mom', 'COMPLETED');
    const children = await ids(api, '/wfRun/search?wfSpecName=kid&parentWfRunId=mom');
    expect(children).toEqual([expect.stringMatching(/^mom_/)]);
    expect(await ids(api, '/wfRun/search?parentWfRunId=mom&status=COMPLETED')).toEqual(children);
    expect(await ids(api, '/wfRun/search?parentWfRunId=v0-run')).toEqual([]);
  });

  it('SearchVariable and SearchWfRun by searchable variable values find exactly the matching runs', async () => {
    const api = client();
    const vars = [varDef('customer', 'STR', { searchable: true }), varDef('amount', 'INT', { searchable: true }), varDef('note', 'STR')];
    await put(api, '/wfSpec', instant('orders', vars));
    const orders: Array<[string, string, number]> = [['o1', 'alice', 5], ['o2', 'bob', 5], ['o3', 'alice', 7], ['o4', 'carol', 5], ['o5', 'alice', 5]];
    for (const [id, customer, amount] of orders) await put(api, '/wfRun', { wfSpecName: 'orders', id, variables: { customer, amount, note: customer } });

    const alice = await ids(api, '/variable/search?wfSpecName=orders&varName=customer&value=alice');
    expect(alice).toEqual(['o1', 'o3', 'o5'].map((wfRunId) => ({ wfRunId, threadRunNumber: 0, name: 'customer' })));
    expect(await ids(api, '/variable/search?wfSpecName=orders&varName=amount&value=5&majorVersion=0')).toHaveLength(4);
    expect(await ids(api, '/variable/search?wfSpecName=orders&varName=amount&value=5&majorVersion=3')).toEqual([]);
    expect(await ids(api, '/wfRun/search?wfSpecName=orders&variable=customer:alice&variable=amount:5')).toEqual(['o1', 'o5']);
    expect(await ids(api, '/wfRun/search?wfSpecName=orders&variable=customer:dave')).toEqual([]);
    const paged = await allPages(api, '/wfRun/search?wfSpecName=orders&variable=amount:5', 3);
    expect(paged.flat().map((r) => (r as { id: string }).id)).toEqual(['o1', 'o2', 'o4', 'o5']);

    expectError(await api.get('/variable/search?wfSpecName=orders&varName=note&value=alice'), 400, 'INVALID_ARGUMENT', 'varName');
    expectError(await api.get('/wfRun/search?variable=customer:alice'), 400, 'INVALID_ARGUMENT', 'wfSpecName');
    expectError(await api.get('/wfRun/search?wfSpecName=orders&variable=alice'), 400, 'INVALID_ARGUMENT', 'variable');
  });
});

describe('indexes follow the runs', () => {
  it('status, variable, node run and external event indexes change with the run, and go with it', async () => {
    const api = client();
    await put(api, '/externalEventDef', { name: 'approval' });
    await put(api, '/wfSpec', approvalSpec);
    await put(api, '/wfRun', { wfSpecName: 'approve', id: 'deal' });
    expect(await ids(api, '/wfRun/search?wfSpecName=approve&status=RUNNING')).toEqual(['deal']);
    expect(await ids(api, '/variable/search?wfSpecName=approve&varName=state&value=pending')).toHaveLength(1);
    expect(await ids(api, '/nodeRun/search?nodeType=EXTERNAL_EVENT&status=RUNNING')).toEqual([{ wfRunId: 'deal', threadRunNumber: 0, position: 1 }]);
    expect(await ids(api, '/nodeRun/search?externalEventDefName=approval&status=RUNNING')).toEqual([{ wfRunId: 'deal', threadRunNumber: 0, position: 1 }]);
    expect(await ids(api, '/nodeRun/search?externalEventDefName=other&status=RUNNING')).toEqual([]);
    expectError(await api.get('/nodeRun/search?status=RUNNING'), 400, 'INVALID_ARGUMENT', 'nodeType');
    expectError(await api.get('/nodeRun/search?nodeType=TASK&externalEventDefName=approval'), 400, 'INVALID_ARGUMENT', 'nodeType');

    await put(api, '/wfRun/deal/externalEvent/approval', { content: { str: 'approved' }, guid: 'yes' });
    await until(api, 'deal', 'COMPLETED');
    await put(api, '/wfRun/deal/externalEvent/approval', { content: { str: 'late' }, guid: 'late' });
    expect(await ids(api, '/wfRun/search?wfSpecName=approve&status=RUNNING')).toEqual([]);
    expect(await ids(api, '/wfRun/search?wfSpecName=approve&status=COMPLETED')).toEqual(['deal']);
    expect(await ids(api, '/variable/search?wfSpecName=approve&varName=state&value=pending')).toEqual([]);
    expect(await ids(api, '/variable/search?wfSpecName=approve&varName=state&value=approved')).toEqual([{ wfRunId: 'deal', threadRunNumber: 0, name: 'state' }]);
    expect(await ids(api, '/nodeRun/search?nodeType=EXTERNAL_EVENT&status=RUNNING')).toEqual([]);
    expect(await ids(api, '/nodeRun/search?nodeType=EXTERNAL_EVENT&status=COMPLETED')).toHaveLength(1);
    expect(await ids(api, '/nodeRun/search?externalEventDefName=approval&status=RUNNING')).toEqual([]);
    expect(await ids(api, '/nodeRun/search?nodeType=EXTERNAL_EVENT&externalEventDefName=approval')).toEqual([{ wfRunId: 'deal', threadRunNumber: 0, position: 1 }]);
    expect(await ids(api, '/nodeRun/search?nodeType=ENTRYPOINT')).toHaveLength(1);
    const event = (guid: string) => ({ wfRunId: 'deal', externalEventDefId: { name: 'approval' }, guid });
    expect(await ids(api, '/externalEvent/search?externalEventDefName=approval&isClaimed=true')).toEqual([event('yes')]);
    expect(await ids(api, '/externalEvent/search?externalEventDefName=approval&isClaimed=false')).toEqual([event('late')]);
    expect(await ids(api, '/externalEvent/search?externalEventDefName=approval')).toEqual([event('yes'), event('late')]);

    expectOk(await api.delete('/wfRun/deal'));
    expect(await ids(api, '/wfRun/search?wfSpecName=approve')).toEqual([]);
    expect(await ids(api, '/variable/search?wfSpecName=approve&varName=state&value=approved')).toEqual([]);
    expect(await ids(api, '/nodeRun/search?nodeType=EXTERNAL_EVENT')).toEqual([]);
    expect(await ids(api, '/externalEvent/search?externalEventDefName=approval')).toEqual([]);
  });

  it('SearchTaskRun by TaskDef and status follows the task protocol', async () => {
    const api = client();
    await put(api, '/taskDef', { name: 'greet', inputVars: [{ name: 'name', type: 'STR' }] });
    await put(api, '/wfSpec', wfSpec('hello', { entrypoint: threadSpec([entry(), task('greet', 'greet', [literal({ str: 'Obi' })]), exit()]) }));
    await put(api, '/wfRun', { wfSpecName: 'hello', id: 'h1' });
    const [scheduled] = await ids(api, '/taskRun/search?taskDefName=greet&status=TASK_SCHEDULED');
    expect(scheduled).toEqual({ wfRunId: 'h1', taskGuid: expect.any(String) });
    const polled = await api.post('/pollTask', { taskDefId: { name: 'greet' }, clientId: 'w1' });
    expectOk(await api.post('/reportTask', { taskRunId: polled.body.result.taskRunId, attemptNumber: 0, status: 'TASK_SUCCESS', output: { str: 'hi' } }));
    await until(api, 'h1', 'COMPLETED');
    expect(await ids(api, '/taskRun/search?taskDefName=greet&status=TASK_SCHEDULED')).toEqual([]);
    expect(await ids(api, '/taskRun/search?taskDefName=greet&status=TASK_SUCCESS')).toEqual([scheduled]);
    expect(await ids(api, '/taskRun/search?taskDefName=greet')).toEqual([scheduled]);
    expect(await ids(api, '/taskRun/search?taskDefName=greet&earliestStart=2100-01-01T00:00:00Z')).toEqual([]);
  });
});
