// User tasks through HTTP against real Redis: UserTaskDef versions and pinning, an approval flow
// (group -> claimed -> reassigned by a timed action -> completed with typed results that steer an
// edge), refused completions, a cancelled task caught by a failure handler, save/comments, and an
// inbox search over many WfRuns, paged.
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startTaskWorkers, type TaskWorker } from '../../workers/sdk/index.ts';
import { expectError, expectOk, tenantClients, type ApiClient } from '../support/api-client.ts';
import { eventually } from '../support/processes.ts';
import { startTestServer } from '../support/server.ts';
import { assign, entry, exit, literal, nop, output, threadSpec, varDef, variable, wfSpec } from '../support/spec-builder.ts';

const server = startTestServer('user-tasks');
const client = tenantClients(server.app, 'ut');
const workers: TaskWorker[] = [];

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await server.close();
});

const EXPENSE_DEF = {
  name: 'approve-expense',
  description: 'Approve or reject an expense',
  fields: [
    { name: 'approved', type: 'BOOL', required: true, displayName: 'Approved?' },
    { name: 'amount', type: 'DOUBLE', description: 'The amount approved' },
    { name: 'note', type: 'STR' },
  ],
};

/** entry -> approve (USER_TASK) -> paid | rejected (by the `approved` result) -> exit; `outcome` says which. */
function expenseSpec(userTask: object, name = 'expense') {
  const approve = {
    name: 'approve',
    body: { userTask: { userTaskDefName: 'approve-expense', ...userTask } },
    edges: [
      {
        sinkNodeName: 'paid',
        legacyCondition: { comparator: 'EQUALS', left: { ...output('approve'), jsonPath: '$.approved' }, right: literal({ bool: true }) },
        variableMutations: [assign('outcome', literal({ str: 'paid' })), assign('decision', output('approve'))],
      },
      { sinkNodeName: 'rejected', variableMutations: [assign('outcome', literal({ str: 'rejected' })), assign('decision', output('approve'))] },
    ],
  };
  const nodes = [entry(), approve, nop('paid', [{ sinkNodeName: 'exit' }]), nop('rejected', [{ sinkNodeName: 'exit' }]), exit()];
  return wfSpec(name, { entrypoint: threadSpec(nodes, [varDef('outcome', 'STR'), varDef('decision', 'JSON_OBJ'), varDef('owner', 'STR')]) });
}

async function deploy(api: ApiClient, userTask: object, name = 'expense') {
  expectOk(await api.post('/userTaskDef', EXPENSE_DEF));
  const put = await api.post('/wfSpec', expenseSpec(userTask, name));
  expectOk(put);
  return put.body;
}

/** Starts a WfRun and returns its one UserTaskRun's path. */
async function startTask(api: ApiClient, id: string, variables: object = {}, wfSpecName = 'expense') {
  expectOk(await api.post('/wfRun', { wfSpecName, id, variables }));
  const list = await api.get(`/wfRun/${id}/userTaskRun`);
  expectOk(list);
  expect(list.body.results).toHaveLength(1);
  return `/wfRun/${id}/userTaskRun/${list.body.results[0].id.userTaskGuid}`;
}

const outcomeOf = async (api: ApiClient, id: string) => (await api.get(`/variable/${id}/0/outcome`)).body.value;

describe('UserTaskDef', () => {
  it('versions: an identical put returns the latest, a changed one adds a version; get, latest, search, delete', async () => {
    const api = client();
    const first = await api.post('/userTaskDef', EXPENSE_DEF);
    expectOk(first);
    expect(first.body).toEqual({ ...EXPENSE_DEF, version: 0, createdAt: expect.any(String), fields: [
      { name: 'approved', type: 'BOOL', required: true, displayName: 'Approved?' },
      { name: 'amount', type: 'DOUBLE', description: 'The amount approved', required: false },
      { name: 'note', type: 'STR', required: false },
    ] });
    expect((await api.post('/userTaskDef', EXPENSE_DEF)).body).toEqual(first.body);
    const changed = await api.post('/userTaskDef', { ...EXPENSE_DEF, fields: [...EXPENSE_DEF.fields, { name: 'receipt', type: 'STR', required: true }] });
    expect(changed.body.version).toBe(1);
    expect((await api.get('/userTaskDef/approve-expense/latest')).body.version).toBe(1);
    expect((await api.get('/userTaskDef/approve-expense/0')).body).toEqual(first.body);
    expectOk(await api.post('/userTaskDef', { name: 'other' }));
    expect((await api.get('/userTaskDef/search?prefix=approve')).body).toEqual({ results: [{ name: 'approve-expense', version: 0 }, { name: 'approve-expense', version: 1 }] });
    const page = await api.get('/userTaskDef/search?limit=2');
    expect(page.body.results).toHaveLength(2);
    expect((await api.get(`/userTaskDef/search?limit=2&bookmark=${encodeURIComponent(page.body.bookmark)}`)).body).toEqual({ results: [{ name: 'other', version: 0 }] });
    expectOk(await api.delete('/userTaskDef/approve-expense/1'));
    expect((await api.get('/userTaskDef/approve-expense/latest')).body.version).toBe(0);
    expectError(await api.get('/userTaskDef/approve-expense/1'), 404, 'NOT_FOUND');
    expectError(await api.delete('/userTaskDef/approve-expense/1'), 404, 'NOT_FOUND');
  });

  it('refuses bad fields with a 400 naming them', async () => {
    const api = client();
    expectError(await api.post('/userTaskDef', { name: 'x', fields: [{ name: 'a', type: 'JSON_OBJ' }] }), 400, 'INVALID_ARGUMENT', 'fields[0].type');
    expectError(await api.post('/userTaskDef', { name: 'x', fields: [{ name: 'a', type: 'STR' }, { name: 'a', type: 'INT' }] }), 400, 'INVALID_ARGUMENT', 'fields[1].name');
    expectError(await api.post('/userTaskDef', { name: 'bad_name' }), 400, 'INVALID_ARGUMENT', 'name');
  });

  it('a USER_TASK node pins the latest version when its WfSpec is put; an unknown def is a 400 naming the node', async () => {
    const api = client();
    expectError(await api.post('/wfSpec', expenseSpec({ userGroup: literal({ str: 'finance' }) })), 400, 'INVALID_ARGUMENT', 'threadSpecs.entrypoint.nodes.approve.userTask.userTaskDefName');
    const spec = await deploy(api, { userGroup: literal({ str: 'finance' }) });
    expect(spec.threadSpecs.entrypoint.nodes.approve.userTask).toMatchObject({ userTaskDefName: 'approve-expense', userTaskDefVersion: 0 });
    expectOk(await api.post('/userTaskDef', { ...EXPENSE_DEF, description: 'v1' }));
    const again = await api.post('/wfSpec', expenseSpec({ userGroup: literal({ str: 'finance' }) }));
    expect(again.body.id.revision).toBe(1);
    expect(again.body.threadSpecs.entrypoint.nodes.approve.userTask.userTaskDefVersion).toBe(1);
  });
});

describe('an approval flow', () => {
  it('goes to a group, is claimed, reassigned by a timed action, completed; the typed results steer the edge', async () => {
    const api = client();
    const reassign = { reassign: { userId: literal({ str: 'boss' }) }, delaySeconds: literal({ int: 1 }), hook: 'ON_TASK_ASSIGNED' };
    await deploy(api, { userGroup: literal({ str: 'finance' }), notes: literal({ str: 'Trip to Lyon' }), actions: [reassign] });
    const task = await startTask(api, 'exp-1');
    const created = await api.get(task);
    expectOk(created);
    expect(created.body).toMatchObject({ userTaskDefName: 'approve-expense', userTaskDefId: { name: 'approve-expense', version: 0 }, status: 'UNASSIGNED', userGroup: 'finance', notes: 'Trip to Lyon' });
    expect((await api.get('/userTaskRun/search?userGroup=finance&status=UNASSIGNED')).body.results).toEqual([created.body.id]);

    const claimed = await api.post(`${task}/claim`, { userId: 'ana' });
    expect(claimed.body).toMatchObject({ status: 'ASSIGNED', userId: 'ana', userGroup: 'finance' });
    expectError(await api.post(`${task}/assign`, { userId: 'bo' }), 412, 'FAILED_PRECONDITION');

    const reassigned = await eventually(async () => {
      const res = await api.get(task);
      return res.body.userId === 'boss' ? res.body : undefined;
    }, 10_000, 'the timed reassignment');
    expect(reassigned.events.map((e: object) => Object.keys(e).filter((k) => k !== 'time')[0])).toEqual(['assigned', 'assigned', 'assigned']);
    expect(reassigned.events.at(-1).assigned).toEqual({ oldUserId: 'ana', oldUserGroup: 'finance', newUserId: 'boss' });

    expectOk(await api.post(`${task}/complete`, { userId: 'boss', results: { approved: true, amount: 40, note: 'ok' } }));
    const done = await api.get(task);
    expect(done.body).toMatchObject({ status: 'DONE', results: { approved: { bool: true }, amount: { double: 40 }, note: { str: 'ok' } } });
    expect((await api.get('/wfRun/exp-1')).body.status).toBe('COMPLETED');
    expect(await outcomeOf(api, 'exp-1')).toEqual({ str: 'paid' });
    expect((await api.get('/variable/exp-1/0/decision')).body.value).toEqual({ jsonObj: { approved: true, amount: 40, note: 'ok' } });

    const other = await startTask(api, 'exp-2');
    expectOk(await api.post(`${other}/complete`, { userId: 'cy', results: { approved: { bool: false } } }));
    expect(await outcomeOf(api, 'exp-2')).toEqual({ str: 'rejected' });
    expect((await api.get(other)).body).toMatchObject({ status: 'DONE', userId: 'cy' });
  });

  it('refuses bad completions with a 400 naming the field, and completing twice with a 412', async () => {
    const api = client();
    await deploy(api, { userId: literal({ str: 'ana' }) });
    const task = await startTask(api, 'exp-bad');
    expectError(await api.post(`${task}/complete`, { userId: 'ana', results: { approved: true, tip: 3 } }), 400, 'INVALID_ARGUMENT', 'results.tip');
    expectError(await api.post(`${task}/complete`, { userId: 'ana', results: { approved: 'yes' } }), 400, 'INVALID_ARGUMENT', 'results.approved');
    expectError(await api.post(`${task}/complete`, { userId: 'ana', results: { approved: true, amount: { str: '3' } } }), 400, 'INVALID_ARGUMENT', 'results.amount');
    expectError(await api.post(`${task}/complete`, { userId: 'ana', results: { amount: 3.5 } }), 400, 'INVALID_ARGUMENT', 'results.approved');
    expect((await api.get(task)).body.status).toBe('ASSIGNED');
    expectOk(await api.post(`${task}/complete`, { results: { approved: false } }));
    expectError(await api.post(`${task}/complete`, { userId: 'ana', results: { approved: true } }), 412, 'FAILED_PRECONDITION');
    expectError(await api.get('/wfRun/exp-bad/userTaskRun/0123456789abcdef0123456789abcdef'), 404, 'NOT_FOUND');
    expectError(await api.get('/wfRun/nope/userTaskRun/0123456789abcdef0123456789abcdef'), 404, 'NOT_FOUND');
  });

  it('a cancelled task fails its node with the configured EXCEPTION, which a failure handler catches', async () => {
    const api = client();
    expectOk(await api.post('/userTaskDef', EXPENSE_DEF));
    const approve = {
      name: 'approve',
      body: {
        userTask: { userTaskDefName: 'approve-expense', userGroup: literal({ str: 'finance' }), onCancellationExceptionName: literal({ str: 'expense-withdrawn' }) },
        failureHandlers: [{ handlerSpecName: 'withdrawn', specificFailure: 'expense-withdrawn' }],
      },
    };
    const handler = threadSpec([entry(), nop('note', [{ sinkNodeName: 'exit', variableMutations: [assign('outcome', literal({ str: 'withdrawn' }))] }]), exit()]);
    expectOk(await api.post('/wfSpec', wfSpec('withdrawable', { entrypoint: threadSpec([entry(), approve, exit()], [varDef('outcome', 'STR')]), withdrawn: handler })));
    const task = await startTask(api, 'exp-cancel', {}, 'withdrawable');
    expectOk(await api.post(`${task}/cancel`));
    expect((await api.get(task)).body).toMatchObject({ status: 'CANCELLED', events: [{ assigned: {} }, { cancelled: { message: expect.any(String) } }] });
    const node = (await api.get('/nodeRun/exp-cancel/0/1')).body;
    expect(node).toMatchObject({ status: 'EXCEPTION', failures: [{ failureName: 'expense-withdrawn', wasProperlyHandled: true }] });
    expect((await api.get('/wfRun/exp-cancel')).body.status).toBe('COMPLETED');
    expect(await outcomeOf(api, 'exp-cancel')).toEqual({ str: 'withdrawn' });
    expectError(await api.post(`${task}/cancel`), 412, 'FAILED_PRECONDITION');
  });

  it('saves progress under a claim policy, releases, and keeps comments in the audit trail', async () => {
    const api = client();
    await deploy(api, { userGroup: literal({ str: 'finance' }) });
    const task = await startTask(api, 'exp-save');
    expectOk(await api.post(`${task}/claim`, { userId: 'ana' }));
    const saved = await api.post(`${task}/save`, { userId: 'ana', results: { note: 'half done' } });
    expect(saved.body.results).toEqual({ note: { str: 'half done' } });
    expectError(await api.post(`${task}/save`, { userId: 'bo', results: {} }), 412, 'FAILED_PRECONDITION');
    expect((await api.post(`${task}/save`, { userId: 'bo', results: { amount: 2 }, policy: 'IGNORE_CLAIM' })).body.results).toEqual({ amount: { int: 2 } });
    expect((await api.post(`${task}/release`, { userId: 'ana' })).body).toMatchObject({ status: 'UNASSIGNED', userGroup: 'finance' });

    const added = await api.post(`${task}/comment`, { userId: 'ana', comment: 'receipt missing' });
    expect(added.body.events.at(-1)).toMatchObject({ commentAdded: { userCommentId: 1, userId: 'ana', comment: 'receipt missing' } });
    const edited = await api.put(`${task}/comment/1`, { userId: 'ana', comment: 'receipt found' });
    expect(edited.body.events.at(-1)).toMatchObject({ commentEdited: { userCommentId: 1, comment: 'receipt found' } });
    expect((await api.delete(`${task}/comment/1?userId=ana`)).body.events.at(-1)).toEqual({ time: expect.any(String), commentDeleted: { userCommentId: 1, userId: 'ana' } });
    expectError(await api.delete(`${task}/comment/1?userId=ana`), 404, 'NOT_FOUND');
    expectError(await api.post(`${task}/comment`, { userId: 'ana' }), 400, 'INVALID_ARGUMENT', 'comment');
  });
});

describe('the inbox: SearchUserTaskRun', () => {
  it('returns exactly one user’s tasks across many WfRuns, paged, and combines filters', async () => {
    const api = client();
    await deploy(api, { userId: variable('owner'), userGroup: literal({ str: 'finance' }) });
    const owners = ['ana', 'bo', 'ana', 'cy', 'ana', 'bo', 'ana'];
    const tasks: Record<string, string> = {};
    for (const [i, owner] of owners.entries()) tasks[`inbox-${i}`] = await startTask(api, `inbox-${i}`, { owner });
    const anas = Object.entries(tasks).filter(([id]) => owners[Number(id.split('-')[1])] === 'ana').map(([id, path]) => ({ wfRunId: id, userTaskGuid: path.split('/').at(-1) }));

    const seen: unknown[] = [];
    let bookmark: string | undefined;
    let pages = 0;
    do {
      const res = await api.get(`/userTaskRun/search?userId=ana&limit=3${bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : ''}`);
      expectOk(res);
      seen.push(...res.body.results);
      bookmark = res.body.bookmark;
      pages++;
    } while (bookmark);
    expect(pages).toBe(2);
    expect(seen).toEqual(anas);

    expectOk(await api.post(`${tasks['inbox-2']}/complete`, { userId: 'ana', results: { approved: true } }));
    expect((await api.get('/userTaskRun/search?userId=ana&status=DONE')).body.results).toEqual([anas[1]]);
    expect((await api.get('/userTaskRun/search?userId=ana&status=ASSIGNED&userTaskDefName=approve-expense&userGroup=finance')).body.results).toEqual(
      [anas[0], anas[2], anas[3]],
    );
    expect((await api.get('/userTaskRun/search?userGroup=finance')).body.results).toHaveLength(owners.length);
    expect((await api.get('/userTaskRun/search?userId=nobody')).body).toEqual({ results: [] });
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const past = '2020-01-01T00:00:00Z';
    expect((await api.get(`/userTaskRun/search?userId=ana&earliestStart=${future}`)).body.results).toEqual([]);
    expect((await api.get(`/userTaskRun/search?userId=ana&latestStart=${past}`)).body.results).toEqual([]);
    expect((await api.get(`/userTaskRun/search?userId=ana&earliestStart=${past}&latestStart=${future}`)).body.results).toEqual(anas);
    expectError(await api.get('/userTaskRun/search?status=LOST'), 400, 'INVALID_ARGUMENT', 'status');

    // A deleted WfRun leaves no entries behind.
    expectOk(await api.post('/wfRun/inbox-0/stop', {}));
    expectOk(await api.delete('/wfRun/inbox-0'));
    expect((await api.get('/userTaskRun/search?userId=ana')).body.results).toEqual(anas.slice(1));
  });
});

describe('reminder tasks', () => {
  it('run on real task workers with the task’s owners; a failing one never fails the WfRun', async () => {
    const api = tenantClients(server.app, 'ut-reminders')();
    const reminded: string[] = [];
    const who = { name: 'who', typeDef: { primitiveType: 'STR' as const } };
    const started = await startTaskWorkers(server.colt.engine, [
      { taskDef: { name: 'remind-approver', inputVars: [who] }, handler: ({ who: w }) => void reminded.push(String(w)) },
      { taskDef: { name: 'remind-broken', inputVars: [] }, handler: () => { throw new Error('mail server down'); } },
    ], pino({ level: 'silent' }), { tenant: 'ut-reminders-1', concurrency: 2, lockMs: 5_000 });
    workers.push(...started);
    const reminder = (taskDef: string, variables: object[], hook: string) => ({ task: { task: { taskDefId: { name: taskDef }, variables } }, delaySeconds: literal({ int: 0 }), hook });
    await deploy(api, {
      userId: variable('owner'),
      actions: [reminder('remind-approver', [variable('owner')], 'ON_TASK_ASSIGNED'), reminder('remind-broken', [], 'ON_ARRIVAL')],
    });
    const task = await startTask(api, 'exp-remind', { owner: 'ana' });
    const taskRuns = await eventually(async () => {
      const res = await api.get('/wfRun/exp-remind/taskRun');
      const ended = res.body.results?.filter((t: { status: string }) => ['TASK_SUCCESS', 'TASK_FAILED'].includes(t.status));
      return ended?.length === 2 ? res.body.results : undefined;
    }, 10_000, 'both reminders to run');
    expect(reminded).toEqual(['ana']);
    expect(taskRuns.map((t: { taskDefId: { name: string }; status: string }) => `${t.taskDefId.name}:${t.status}`).sort()).toEqual(['remind-approver:TASK_SUCCESS', 'remind-broken:TASK_FAILED']);
    expect(taskRuns.find((t: { taskDefId: { name: string } }) => t.taskDefId.name === 'remind-approver').source.userTaskTrigger).toMatchObject({ userId: 'ana' });
    const utr = (await api.get(task)).body;
    expect(utr.events.filter((e: object) => 'taskExecuted' in e)).toHaveLength(2);
    expect((await api.get('/wfRun/exp-remind')).body.status).toBe('RUNNING');
    expectOk(await api.post(`${task}/complete`, { userId: 'ana', results: { approved: false } }));
    expect((await api.get('/wfRun/exp-remind')).body.status).toBe('COMPLETED');
  });
});
