// INHERITED_VAR at run time, through HTTP with real task workers (LittleHorse §2.2, §5.3): child
// WfRuns read and write their parent's entrypoint variables, which change in the parent's own hash
// (and its search indexes) atomically with the child's commit, without losing an update when
// several children write at once.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT, Workflow } from '../../src/builder/index.ts';
import { startTaskWorkers, type TaskDefinition, type TaskWorker } from '../../workers/sdk/index.ts';
import { defaultTenantClient, expectError, expectOk } from '../support/api-client.ts';
import { eventually } from '../support/processes.ts';
import { startHttpTestServer } from '../support/server.ts';

const server = startHttpTestServer('inherited-variables');
// Task workers serve the default tenant, so these requests go to it.
const api = defaultTenantClient(server.app);
let workers: TaskWorker[] = [];

/** An item's price: ten per letter. */
const TASKS: TaskDefinition[] = [{
  taskDef: { name: 'price', inputVars: [{ name: 'item', typeDef: { primitiveType: 'STR' } }], returnType: { returnType: { primitiveType: 'INT' } } },
  handler: ({ item }) => String(item).length * 10,
}];

/** `order` prices each item in a child WfRun of `price-line`, which adds the price to the order's total. */
const order = new Workflow('order', (wf) => {
  const total = wf.declareInt('total').withDefault(0).asPublic().searchable();
  const lines = wf.spawnThreadForEach(wf.declareJsonArr('items').required(), 'line', (line) => {
    line.waitForChildWf(line.runChildWf('price-line', { item: line.declareStr(INPUT) }));
  });
  wf.waitForThreads(lines);
  wf.complete(total);
});

const priceLine = new Workflow('price-line', (wf) => {
  const total = wf.declareInt('total').asInherited();
  total.add(wf.execute('price', wf.declareStr('item').required()));
  wf.complete(total);
}).withParentWfSpec('order');

beforeAll(async () => {
  workers = await startTaskWorkers(server.colt.engine, TASKS, pino({ level: 'silent' }), { concurrency: 5, lockMs: 5_000 });
  await order.register(server.url);
  await priceLine.register(server.url);
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
});

async function finished(id: string) {
  return eventually(async () => {
    const res = await api.get(`/wfRun/${id}`);
    return res.body.status === 'RUNNING' ? undefined : res.body;
  }, 20_000, `WfRun ${id} to finish`);
}

describe('INHERITED_VAR', () => {
  it('children add to their parent\'s total: every update lands, in the parent and its variable index', async () => {
    const items = ['tea', 'coffee', 'cake', 'pie', 'bread', 'jam', 'orange juice', 'toast'];
    const expected = items.reduce((sum, item) => sum + item.length * 10, 0);
    expectOk(await api.post('/wfRun', { wfSpecName: 'order', id: 'order-1', variables: { items } }));
    const parent = await finished('order-1');
    expect(parent.status).toBe('COMPLETED');
    expect(parent.threadRuns[0].output).toEqual({ int: expected });
    expect((await api.get('/variable/order-1/0/total')).body.value).toEqual({ int: expected });

    const children = (await api.get('/wfRun/search?wfSpecName=price-line&parentWfRunId=order-1')).body.results;
    expect(children).toHaveLength(items.length);
    for (const { id } of children as Array<{ id: string }>) {
      const vars = (await api.get(`/wfRun/${id}/variable`)).body.results.map((v: { id: { name: string } }) => v.id.name);
      expect(vars).toEqual(['item']); // the child has no `total` of its own
    }
    const search = (value: number) => api.get(`/variable/search?wfSpecName=order&varName=total&value=${value}`);
    expect((await search(expected)).body.results).toEqual([{ wfRunId: 'order-1', threadRunNumber: 0, name: 'total' }]);
    expect((await search(0)).body.results).toEqual([]);
  });

  it('reaches through a parent that inherits the variable itself, up to the WfRun that owns it', async () => {
    const audit = new Workflow('audit', (wf) => {
      wf.declareInt('total').asInherited();
      wf.waitForEvent('audit-done');
    }).withParentWfSpec('order');
    const recount = new Workflow('recount', (wf) => {
      const total = wf.declareInt('total').asInherited();
      total.multiply(2);
      wf.complete(total);
    }).withParentWfSpec('audit');
    expectOk(await api.post('/externalEventDef', { name: 'audit-done' }));
    await audit.register(server.url);
    await recount.register(server.url);
    expectOk(await api.post('/wfRun', { wfSpecName: 'order', id: 'order-2', variables: { items: ['tea'] } }));
    expect((await finished('order-2')).threadRuns[0].output).toEqual({ int: 30 });
    expectOk(await api.post('/wfRun', { wfSpecName: 'audit', id: 'a', parentWfRunId: 'order-2' }));
    const res = await api.post('/wfRun', { wfSpecName: 'recount', id: 'r', parentWfRunId: 'order-2_a' });
    expectOk(res);
    expect(res.body.threadRuns[0].output).toEqual({ int: 60 });
    expect((await api.get('/variable/order-2/0/total')).body.value).toEqual({ int: 60 });
    expectError(await api.get('/variable/order-2_a/0/total'), 404, 'NOT_FOUND');
  });

  it('a parent waiting for a condition on its variable goes on when a child WfRun changes it', async () => {
    const approve = new Workflow('approve', (wf) => {
      const approvals = wf.declareInt('approvals').asInherited();
      approvals.add(wf.execute('price', 'x').withRetries(0)); // 10 per approval
      wf.waitForEvent('shipped'); // still running: only the change itself can wake the parent
    }).withParentWfSpec('release');
    const release = new Workflow('release', (wf) => {
      const approvals = wf.declareInt('approvals').withDefault(0).asPublic();
      wf.runChildWf('approve');
      wf.runChildWf('approve');
      wf.waitForCondition(wf.condition(approvals, '>=', 20));
      wf.complete(approvals);
    });
    expectOk(await api.post('/externalEventDef', { name: 'shipped' }));
    await release.register(server.url);
    await approve.register(server.url);
    expectOk(await api.post('/wfRun', { wfSpecName: 'release', id: 'release-1' }));
    const run = await finished('release-1');
    expect(run.status).toBe('COMPLETED');
    expect(run.threadRuns[0].output).toEqual({ int: 20 });
    const children = (await api.get('/wfRun/search?wfSpecName=approve&parentWfRunId=release-1')).body.results;
    expect(await Promise.all(children.map(async ({ id }: { id: string }) => (await api.get(`/wfRun/${id}`)).body.status))).toEqual(['RUNNING', 'RUNNING']);
  });

  it('cannot be given to RunWf: 400 naming the variable, and no run', async () => {
    expectOk(await api.post('/wfRun', { wfSpecName: 'order', id: 'order-3', variables: { items: [] } }));
    const res = await api.post('/wfRun', { wfSpecName: 'price-line', id: 'p', parentWfRunId: 'order-3', variables: { item: 'tea', total: 5 } });
    expectError(res, 400, 'INVALID_ARGUMENT', 'variables.total');
    expectError(await api.get('/wfRun/order-3_p'), 404, 'NOT_FOUND');
  });

  it('RUN_CHILD_WF of a WfSpec whose parent is another WfSpec fails the wait (the child never starts)', async () => {
    await new Workflow('stray', (wf) => {
      wf.waitForChildWf(wf.runChildWf('price-line', { item: 'tea' }));
    }).register(server.url);
    expectOk(await api.post('/wfRun', { wfSpecName: 'stray', id: 'stray-1' }));
    const run = await finished('stray-1');
    expect(run.status).toBe('ERROR');
    const wait = (await api.get('/nodeRun/stray-1/0/2')).body;
    expect(wait.failures[0]).toMatchObject({ failureName: 'CHILD_FAILURE', message: expect.stringContaining('is a run of stray, not of order') });
    expect((await api.get('/wfRun/search?wfSpecName=price-line&parentWfRunId=stray-1')).body.results).toEqual([]);
  });
});
