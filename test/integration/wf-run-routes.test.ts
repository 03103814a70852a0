// RunWf, GetWfRun, DeleteWfRun, GetNodeRun, GetTaskRun and SearchWfRun through the REST API
// (real Redis, responses validated against the contract). Every test works in a tenant of its own.
import { afterAll, describe, expect, it } from 'vitest';
import { chainSpecRequest, littlehorseFixture } from '../support/specs.ts';
import { startTestServer } from '../support/server.ts';
import { type ApiClient, expectError, expectOk, tenantClients } from '../support/api-client.ts';

const server = startTestServer('wf-run-routes');
afterAll(() => server.close());

/** A client bound to a fresh tenant. */
const client = tenantClients(server.app, 'runs');

const HEX32 = /^[0-9a-f]{32}$/;
const EXAMPLE_V0 = { name: 'example-basic', majorVersion: 0, revision: 0 };

/** TaskDef greet + example-basic 0.0. */
async function deployExample(api: ApiClient): Promise<void> {
  expectOk(await api.post('/taskDef', { name: 'greet', inputVars: [{ name: 'name', type: 'STR' }] }));
  expectOk(await api.post('/wfSpec', littlehorseFixture('example-basic-wfspec.json')));
}

/** A WfSpec that goes ENTRYPOINT -> EXIT: its runs complete at once (or fail, with `failureName`). */
function instantSpec(name: string, failureName?: string) {
  return {
    name,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        nodes: {
          '0-entrypoint-ENTRYPOINT': { outgoingEdges: [{ sinkNodeName: '1-exit-EXIT', variableMutations: [] }], failureHandlers: [], entrypoint: {} },
          '1-exit-EXIT': { outgoingEdges: [], failureHandlers: [], exit: failureName ? { failureDef: { failureName, message: 'no luck' } } : {} },
        },
        variableDefs: [],
        interruptDefs: [],
      },
    },
  };
}

async function runWf(api: ApiClient, body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await api.post('/wfRun', body);
  expectOk(res);
  return res.body;
}

async function searchIds(api: ApiClient, query: string): Promise<string[]> {
  const res = await api.get(`/wfRun/search${query}`);
  expectOk(res);
  expect(res.body.bookmark).toBeUndefined();
  return res.body.results.map((r: { id: string }) => r.id);
}

describe('RunWf', () => {
  it('starts a WfRun with the client id and plain-JSON variables, advanced to its first TASK', async () => {
    const api = client();
    await deployExample(api);
    const run = await runWf(api, { wfSpecName: 'example-basic', id: 'first-run', variables: { 'input-name': 'Obi' } });
    expect(run).toMatchObject({
      id: 'first-run',
      wfSpecId: EXAMPLE_V0,
      status: 'RUNNING',
      greatestThreadrunNumber: 0,
      pendingInterrupts: [],
      pendingFailures: [],
    });
    expect(run.endTime).toBeUndefined();
    expect(Number.isNaN(Date.parse(run.startTime))).toBe(false);
    expect(run.threadRuns).toHaveLength(1);
    expect(run.threadRuns[0]).toMatchObject({
      number: 0,
      status: 'RUNNING',
      type: 'ENTRYPOINT',
      threadSpecName: 'entrypoint',
      currentNodePosition: 1,
      wfSpecId: EXAMPLE_V0,
    });
    const got = await api.get('/wfRun/first-run');
    expectOk(got);
    expect(got.body).toEqual(run);
  });

  it('makes a 32-hex id when the client gives none, and accepts no variables for non-required ones', async () => {
    const api = client();
    await deployExample(api);
    const run = await runWf(api, { wfSpecName: 'example-basic' });
    expect(run.id).toMatch(HEX32);
    expect(run.status).toBe('RUNNING');
    // The task gets the NULL value of the unset variable.
    const node = await api.get(`/nodeRun/${run.id}/0/1`);
    const taskRun = await api.get(`/taskRun/${run.id}/${node.body.task.taskRunId.taskGuid}`);
    expect(taskRun.body.inputVariables).toEqual([{ varName: 'name', value: {}, masked: false }]);
  });

  it('a reused id is 409 ALREADY_EXISTS and leaves the first run unchanged', async () => {
    const api = client();
    await deployExample(api);
    await runWf(api, { wfSpecName: 'example-basic', id: 'taken', variables: { 'input-name': 'Obi' } });
    const before = await api.get('/wfRun/taken');
    const again = await api.post('/wfRun', { wfSpecName: 'example-basic', id: 'taken', variables: { 'input-name': 'Vader' } });
    expectError(again, 409, 'ALREADY_EXISTS', 'taken');
    expect((await api.get('/wfRun/taken')).body).toEqual(before.body);
    const taskGuid = (await api.get('/nodeRun/taken/0/1')).body.task.taskRunId.taskGuid;
    expect((await api.get(`/taskRun/taken/${taskGuid}`)).body.inputVariables[0].value).toEqual({ str: 'Obi' });
    expect(await searchIds(api, '?wfSpecName=example-basic')).toEqual(['taken']);
  });

  it('an unknown wfSpecName is 404 NOT_FOUND; an unknown version too', async () => {
    const api = client();
    await deployExample(api);
    expectError(await api.post('/wfRun', { wfSpecName: 'nope', id: 'r1' }), 404, 'NOT_FOUND', 'nope');
    expectError(await api.post('/wfRun', { wfSpecName: 'example-basic', majorVersion: 1, id: 'r1' }), 404, 'NOT_FOUND', 'example-basic');
    expectError(await api.post('/wfRun', { wfSpecName: 'example-basic', majorVersion: 0, revision: 1, id: 'r1' }), 404, 'NOT_FOUND');
    expectError(await api.get('/wfRun/r1'), 404, 'NOT_FOUND');
  });

  it('checks variables against the WfSpec: unknown name, wrong type, missing required', async () => {
    const api = client();
    await deployExample(api);
    const unknown = await api.post('/wfRun', { wfSpecName: 'example-basic', id: 'v1', variables: { 'input-name': 'Obi', nickname: 'Ben' } });
    expectError(unknown, 400, 'INVALID_ARGUMENT', 'variables.nickname');
    const wrongType = await api.post('/wfRun', { wfSpecName: 'example-basic', id: 'v2', variables: { 'input-name': 5 } });
    expectError(wrongType, 400, 'INVALID_ARGUMENT', 'variables.input-name');
    expect(wrongType.body.message).toContain('STR');
    const vvForm = await api.post('/wfRun', { wfSpecName: 'example-basic', id: 'v3', variables: { 'input-name': { str: 'Obi' } } });
    expectError(vvForm, 400, 'INVALID_ARGUMENT', 'variables.input-name');

    expectOk(await api.post('/taskDef', { name: 'shout', inputVars: [{ name: 'text', type: 'STR' }] }));
    expectOk(await api.post('/wfSpec', chainSpecRequest('chain', ['shout'])));
    const missing = await api.post('/wfRun', { wfSpecName: 'chain', id: 'v4', variables: {} });
    expectError(missing, 400, 'INVALID_ARGUMENT', 'variables.input');
    const nullRequired = await api.post('/wfRun', { wfSpecName: 'chain', id: 'v5', variables: { input: null } });
    expectError(nullRequired, 400, 'INVALID_ARGUMENT', 'variables.input');
    expectError(await api.post('/wfRun', { wfSpecName: 'example-basic', variables: ['Obi'] }), 400, 'INVALID_ARGUMENT', 'variables');

    for (const id of ['v1', 'v2', 'v3', 'v4', 'v5']) expectError(await api.get(`/wfRun/${id}`), 404, 'NOT_FOUND');
    expect(await searchIds(api, '')).toEqual([]);
  });

  it.each([
    ['has space', 400],
    ['a_b', 404],
    ['search', null],
    ['-dash', 400],
    ['x'.repeat(129), 400],
  ] as const)('an invalid id %j is 400 naming `id`, and nothing is written', async (id, getStatus) => {
    const api = client();
    await deployExample(api);
    const res = await api.post('/wfRun', { wfSpecName: 'example-basic', id, variables: { 'input-name': 'Obi' } });
    expectError(res, 400, 'INVALID_ARGUMENT', 'id');
    if (getStatus !== null) expect((await api.get(`/wfRun/${encodeURIComponent(id)}`)).status).toBe(getStatus);
    expect(await searchIds(api, '')).toEqual([]);
    expect(await searchIds(api, '?wfSpecName=example-basic&status=RUNNING')).toEqual([]);
  });

  it('rejects other bad requests with a 400 naming the field', async () => {
    const api = client();
    await deployExample(api);
    expectError(await api.post('/wfRun', { id: 'x1' }), 400, 'INVALID_ARGUMENT', 'wfSpecName');
    expectError(await api.post('/wfRun', { wfSpecName: 'bad_name' }), 400, 'INVALID_ARGUMENT', 'wfSpecName');
    expectError(await api.post('/wfRun', { wfSpecName: 'example-basic', majorVersion: 'zero' }), 400, 'INVALID_ARGUMENT', 'majorVersion');
    expectError(await api.post('/wfRun', { wfSpecName: 'example-basic', id: 7 }), 400, 'INVALID_ARGUMENT', 'id');
    expectError(await api.post('/wfRun', { wfSpecName: 'example-basic', id: 'kid', parentWfRunId: 'dad' }), 400, 'INVALID_ARGUMENT', 'parentWfRunId');
    expect(await searchIds(api, '')).toEqual([]);
  });

  it('runs the version asked for: latest, latest of a major, or exact', async () => {
    const api = client();
    await deployExample(api);
    const nop = littlehorseFixture('example-basic-wfspec.json');
    const nodes = (nop.threadSpecs.entrypoint as { nodes: Record<string, any> }).nodes;
    nodes['1-greet-TASK'].outgoingEdges[0].sinkNodeName = '2-nop-NOP';
    nodes['2-nop-NOP'] = { outgoingEdges: [{ sinkNodeName: '2-exit-EXIT', variableMutations: [] }], failureHandlers: [], nop: {} };
    const v01 = await api.post('/wfSpec', nop);
    expect(v01.body.id).toEqual({ ...EXAMPLE_V0, revision: 1 });
    const vars = { 'input-name': 'Obi' };
    expect((await runWf(api, { wfSpecName: 'example-basic', variables: vars })).wfSpecId).toEqual({ ...EXAMPLE_V0, revision: 1 });
    expect((await runWf(api, { wfSpecName: 'example-basic', majorVersion: 0, variables: vars })).wfSpecId).toEqual({ ...EXAMPLE_V0, revision: 1 });
    const exact = await runWf(api, { wfSpecName: 'example-basic', majorVersion: 0, revision: 0, variables: vars });
    expect(exact.wfSpecId).toEqual(EXAMPLE_V0);
    expect(exact.threadRuns[0].wfSpecId).toEqual(EXAMPLE_V0);
    expect((await api.get(`/nodeRun/${exact.id}/0/1`)).body.wfSpecId).toEqual(EXAMPLE_V0);
    expectError(await api.post('/wfRun', { wfSpecName: 'example-basic', revision: 0 }), 400, 'INVALID_ARGUMENT', 'revision');
  });

  it('a WfSpec without tasks completes in the RunWf call; an EXIT with a failure ends in EXCEPTION', async () => {
    const api = client();
    expectOk(await api.post('/wfSpec', instantSpec('instant')));
    expectOk(await api.post('/wfSpec', instantSpec('doomed', 'no-luck')));
    const done = await runWf(api, { wfSpecName: 'instant', id: 'done' });
    expect(done.status).toBe('COMPLETED');
    expect(done.threadRuns[0]).toMatchObject({ status: 'COMPLETED', currentNodePosition: 1 });
    expect(Date.parse(done.endTime)).toBeGreaterThanOrEqual(Date.parse(done.startTime));
    const failed = await runWf(api, { wfSpecName: 'doomed', id: 'failed' });
    expect(failed.status).toBe('EXCEPTION');
    const exit = await api.get('/nodeRun/failed/0/1');
    expect(exit.body.status).toBe('EXCEPTION');
    expect(exit.body.failures).toEqual([expect.objectContaining({ failureName: 'no-luck', message: 'no luck' })]);
  });
});

describe('GetWfRun / DeleteWfRun', () => {
  it('GetWfRun of an unknown id is 404; of an invalid id 400', async () => {
    const api = client();
    expectError(await api.get('/wfRun/nope'), 404, 'NOT_FOUND', 'nope');
    expectError(await api.get('/wfRun/has%20space'), 400, 'INVALID_ARGUMENT', 'wfRunId');
  });

  it('a WfRun is visible only in its own tenant', async () => {
    const api = client();
    await deployExample(api);
    await runWf(api, { wfSpecName: 'example-basic', id: 'mine', variables: { 'input-name': 'Obi' } });
    const other = client();
    expectError(await other.get('/wfRun/mine'), 404, 'NOT_FOUND');
    expect(await searchIds(other, '')).toEqual([]);
  });

  it('DeleteWfRun removes the run, its node and task runs, and its search entries', async () => {
    const api = client();
    await deployExample(api);
    await runWf(api, { wfSpecName: 'example-basic', id: 'doomed', variables: { 'input-name': 'Obi' } });
    await runWf(api, { wfSpecName: 'example-basic', id: 'kept', variables: { 'input-name': 'Obi' } });
    const taskGuid = (await api.get('/nodeRun/doomed/0/1')).body.task.taskRunId.taskGuid;
    expectError(await api.delete('/wfRun/doomed'), 412, 'FAILED_PRECONDITION', 'doomed'); // RUNNING
    expectOk(await api.post('/wfRun/doomed/stop', {}));
    expectOk(await api.delete('/wfRun/doomed'));
    expectError(await api.get('/wfRun/doomed'), 404, 'NOT_FOUND');
    expectError(await api.get('/nodeRun/doomed/0/0'), 404, 'NOT_FOUND');
    expectError(await api.get(`/taskRun/doomed/${taskGuid}`), 404, 'NOT_FOUND');
    expect(await searchIds(api, '')).toEqual(['kept']);
    expect(await searchIds(api, '?wfSpecName=example-basic')).toEqual(['kept']);
    expect(await searchIds(api, '?status=RUNNING')).toEqual(['kept']);
    expect(await searchIds(api, '?wfSpecName=example-basic&status=RUNNING')).toEqual(['kept']);
    expectError(await api.delete('/wfRun/doomed'), 404, 'NOT_FOUND');
    expectError(await api.delete('/wfRun/has%20space'), 400, 'INVALID_ARGUMENT', 'wfRunId');
    // The id can be used again.
    expect((await runWf(api, { wfSpecName: 'example-basic', id: 'doomed' })).status).toBe('RUNNING');
  });
});

describe('GetNodeRun / GetTaskRun', () => {
  it('shows the ENTRYPOINT node run COMPLETED and the TASK node run RUNNING with its TaskRun id', async () => {
    const api = client();
    await deployExample(api);
    const run = await runWf(api, { wfSpecName: 'example-basic', id: 'nodes', variables: { 'input-name': 'Obi' } });
    const entry = await api.get('/nodeRun/nodes/0/0');
    expectOk(entry);
    expect(entry.body).toMatchObject({
      id: { wfRunId: 'nodes', threadRunNumber: 0, position: 0 },
      wfSpecId: EXAMPLE_V0,
      status: 'COMPLETED',
      threadSpecName: 'entrypoint',
      nodeName: '0-entrypoint-ENTRYPOINT',
      failures: [],
      entrypoint: {},
    });
    expect(Date.parse(entry.body.endTime)).toBeGreaterThanOrEqual(Date.parse(run.startTime));
    const task = await api.get('/nodeRun/nodes/0/1');
    expectOk(task);
    expect(task.body).toMatchObject({
      id: { wfRunId: 'nodes', threadRunNumber: 0, position: 1 },
      status: 'RUNNING',
      nodeName: '1-greet-TASK',
      failures: [],
      task: { taskRunId: { wfRunId: 'nodes', taskGuid: expect.stringMatching(HEX32) } },
    });
    expect(task.body.endTime).toBeUndefined();
  });

  it('GetNodeRun: a non-integer number is 400, a missing node run or WfRun 404', async () => {
    const api = client();
    await deployExample(api);
    await runWf(api, { wfSpecName: 'example-basic', id: 'nodes', variables: { 'input-name': 'Obi' } });
    expectError(await api.get('/nodeRun/nodes/zero/0'), 400, 'INVALID_ARGUMENT', 'threadRunNumber');
    expectError(await api.get('/nodeRun/nodes/0/1.5'), 400, 'INVALID_ARGUMENT', 'position');
    expectError(await api.get('/nodeRun/nodes/0/2'), 404, 'NOT_FOUND', 'nodes/0/2');
    expectError(await api.get('/nodeRun/nodes/1/0'), 404, 'NOT_FOUND');
    expectError(await api.get('/nodeRun/nope/0/0'), 404, 'NOT_FOUND', 'nope');
  });

  it('GetTaskRun shows the scheduled attempt and the task\'s inputs', async () => {
    const api = client();
    await deployExample(api);
    await runWf(api, { wfSpecName: 'example-basic', id: 'tasks', variables: { 'input-name': 'Obi' } });
    const { taskRunId } = (await api.get('/nodeRun/tasks/0/1')).body.task;
    const res = await api.get(`/taskRun/tasks/${taskRunId.taskGuid}`);
    expectOk(res);
    expect(res.body).toMatchObject({
      id: taskRunId,
      taskDefId: { name: 'greet' },
      status: 'TASK_SCHEDULED',
      totalAttempts: 1,
      inputVariables: [{ varName: 'name', value: { str: 'Obi' }, masked: false }],
      source: { taskNode: { nodeRunId: { wfRunId: 'tasks', threadRunNumber: 0, position: 1 } }, wfSpecId: EXAMPLE_V0 },
    });
    expect(res.body.attempts).toHaveLength(1);
    expect(res.body.attempts[0]).toMatchObject({ status: 'TASK_SCHEDULED', maskedValue: false });
    expect(res.body.attempts[0].taskWorkerId).toBeUndefined();
    expect(res.body.attempts[0].endTime).toBeUndefined();
  });

  it('GetTaskRun: an unknown TaskRun or WfRun is 404, an invalid WfRun id 400', async () => {
    const api = client();
    await deployExample(api);
    await runWf(api, { wfSpecName: 'example-basic', id: 'tasks', variables: { 'input-name': 'Obi' } });
    expectError(await api.get(`/taskRun/tasks/${'0'.repeat(32)}`), 404, 'NOT_FOUND', 'tasks');
    expectError(await api.get(`/taskRun/nope/${'0'.repeat(32)}`), 404, 'NOT_FOUND', 'nope');
    expectError(await api.get(`/taskRun/has%20space/${'0'.repeat(32)}`), 400, 'INVALID_ARGUMENT', 'wfRunId');
  });
});

describe('SearchWfRun', () => {
  it('filters by wfSpecName, by status, and by both', async () => {
    const api = client();
    await deployExample(api);
    expectOk(await api.post('/wfSpec', instantSpec('instant')));
    expectOk(await api.post('/wfSpec', instantSpec('doomed', 'no-luck')));
    await runWf(api, { wfSpecName: 'example-basic', id: 'eb-1' });
    await runWf(api, { wfSpecName: 'instant', id: 'in-1' });
    await runWf(api, { wfSpecName: 'example-basic', id: 'eb-2' });
    await runWf(api, { wfSpecName: 'doomed', id: 'dm-1' });
    await runWf(api, { wfSpecName: 'instant', id: 'in-2' });

    expect((await searchIds(api, '')).sort()).toEqual(['dm-1', 'eb-1', 'eb-2', 'in-1', 'in-2']);
    expect((await searchIds(api, '?wfSpecName=example-basic')).sort()).toEqual(['eb-1', 'eb-2']);
    expect((await searchIds(api, '?wfSpecName=instant')).sort()).toEqual(['in-1', 'in-2']);
    expect((await searchIds(api, '?status=RUNNING')).sort()).toEqual(['eb-1', 'eb-2']);
    expect((await searchIds(api, '?status=COMPLETED')).sort()).toEqual(['in-1', 'in-2']);
    expect(await searchIds(api, '?status=EXCEPTION')).toEqual(['dm-1']);
    expect(await searchIds(api, '?status=ERROR')).toEqual([]);
    expect((await searchIds(api, '?wfSpecName=instant&status=COMPLETED')).sort()).toEqual(['in-1', 'in-2']);
    expect(await searchIds(api, '?wfSpecName=instant&status=RUNNING')).toEqual([]);
    expect(await searchIds(api, '?wfSpecName=nope')).toEqual([]);
  });

  it('pages with limit + bookmark: every run exactly once, oldest first, no bookmark on the last page', async () => {
    const api = client();
    expectOk(await api.post('/wfSpec', instantSpec('instant')));
    // Started concurrently, so that some share a start time (ties are ordered by id).
    const ids = ['run-i', 'run-h', 'run-g', 'run-f', 'run-e', 'run-d', 'run-c', 'run-b', 'run-a'];
    const runs = await Promise.all(ids.map((id) => runWf(api, { wfSpecName: 'instant', id })));
    const oldestFirst = runs
      .map((r) => ({ id: r.id as string, t: Date.parse(r.startTime) }))
      .sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1))
      .map((r) => r.id);

    for (const [limit, pageSizes] of [[2, [2, 2, 2, 2, 1]], [3, [3, 3, 3]], [9, [9]], [50, [9]]] as const) {
      const seen: string[] = [];
      const sizes: number[] = [];
      let bookmark: string | undefined;
      do {
        const res = await api.get(`/wfRun/search?wfSpecName=instant&limit=${limit}${bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : ''}`);
        expectOk(res);
        sizes.push(res.body.results.length);
        seen.push(...res.body.results.map((r: { id: string }) => r.id));
        bookmark = res.body.bookmark;
        expect(sizes.length).toBeLessThan(20);
      } while (bookmark !== undefined);
      expect(sizes, `limit ${limit}`).toEqual(pageSizes);
      expect(seen, `limit ${limit}`).toEqual(oldestFirst);
    }
  });

  it('a bookmark still works after runs before it are deleted, and new runs show up on later pages', async () => {
    const api = client();
    expectOk(await api.post('/wfSpec', instantSpec('instant')));
    for (const id of ['p-1', 'p-2', 'p-3']) await runWf(api, { wfSpecName: 'instant', id });
    const first = await api.get('/wfRun/search?wfSpecName=instant&limit=2');
    expect(first.body.results.map((r: { id: string }) => r.id)).toEqual(['p-1', 'p-2']);
    expectOk(await api.delete('/wfRun/p-1'));
    expectOk(await api.delete('/wfRun/p-2'));
    await runWf(api, { wfSpecName: 'instant', id: 'p-4' });
    const next = await api.get(`/wfRun/search?wfSpecName=instant&limit=2&bookmark=${encodeURIComponent(first.body.bookmark)}`);
    expectOk(next);
    expect(next.body).toEqual({ results: [{ id: 'p-3' }, { id: 'p-4' }] });
  });

  it('rejects a tampered bookmark, a bad limit, an unknown status or parameter with 400', async () => {
    const api = client();
    expectOk(await api.post('/wfSpec', instantSpec('instant')));
    for (const id of ['q-1', 'q-2']) await runWf(api, { wfSpecName: 'instant', id });
    const page = await api.get('/wfRun/search?limit=1');
    const bookmark: string = page.body.bookmark;
    expect(typeof bookmark).toBe('string');
    const [body = '', signature = ''] = bookmark.split('.');
    const forged = Buffer.from(JSON.stringify([0, 'q-0'])).toString('base64url');
    for (const bad of [`${forged}.${signature}`, `${body}.${signature.slice(1)}x`, body, 'not-a-bookmark', `${body}x.${signature}`]) {
      expectError(await api.get(`/wfRun/search?limit=1&bookmark=${encodeURIComponent(bad)}`), 400, 'INVALID_ARGUMENT', 'bookmark');
    }
    expectError(await api.get('/wfRun/search?limit=0'), 400, 'INVALID_ARGUMENT', 'limit');
    expectError(await api.get('/wfRun/search?limit=-1'), 400, 'INVALID_ARGUMENT', 'limit');
    expectError(await api.get('/wfRun/search?limit=1001'), 400, 'INVALID_ARGUMENT', 'limit');
    expectError(await api.get('/wfRun/search?limit=ten'), 400, 'INVALID_ARGUMENT', 'limit');
    expectError(await api.get('/wfRun/search?status=BOGUS'), 400, 'INVALID_ARGUMENT', 'status');
    expectError(await api.get('/wfRun/search?wfSpecName=bad_name'), 400, 'INVALID_ARGUMENT', 'wfSpecName');
    expectError(await api.get('/wfRun/search?colour=red'), 400, 'INVALID_ARGUMENT', 'colour');
  });
});
