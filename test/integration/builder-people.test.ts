// Workflows with user tasks, workflow events and interrupts, written with the builder, registered
// over real HTTP and run by a Colt server (real Redis) with real task workers; people act through
// the REST API as an app would.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT, Workflow } from '../../src/builder/index.ts';
import { startTaskWorkers, type TaskDefinition, type TaskWorker } from '../../workers/sdk/index.ts';
import { defaultTenantClient, expectOk } from '../support/api-client.ts';
import { eventually } from '../support/processes.ts';
import { startHttpTestServer } from '../support/server.ts';

const server = startHttpTestServer('builder-people');
// Task workers serve the default tenant, so these requests go to it.
const api = defaultTenantClient(server.app);
let workers: TaskWorker[] = [];

const reminded: string[] = [];
const str = (name: string) => [{ name, typeDef: { primitiveType: 'STR' as const } }];
const TASKS: TaskDefinition[] = [
  { taskDef: { name: 'greet', inputVars: str('name'), returnType: { returnType: { primitiveType: 'STR' } } }, handler: ({ name }) => `Hello, ${String(name)}!` },
  { taskDef: { name: 'refund', inputVars: str('why'), returnType: { returnType: { primitiveType: 'STR' } } }, handler: ({ why }) => `refunded: ${String(why)}` },
  { taskDef: { name: 'remind', inputVars: str('who') }, handler: ({ who }) => void reminded.push(String(who)) },
];

beforeAll(async () => {
  workers = await startTaskWorkers(server.colt.engine, TASKS, pino({ level: 'silent' }), { concurrency: 5, lockMs: 5_000 });
  expectOk(await api.post('/userTaskDef', { name: 'approve-expense', fields: [{ name: 'approved', type: 'BOOL', required: true }] }));
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
});

async function until(id: string, done: (wfRun: WfRunBody) => boolean): Promise<WfRunBody> {
  return eventually(async () => {
    const res = await api.get(`/wfRun/${id}`);
    return done(res.body) ? res.body : undefined;
  }, 20_000, `WfRun ${id} to move on`);
}
type WfRunBody = { status: string; threadRuns: Array<{ type: string; status: string; output?: unknown }> };
const ended = (r: WfRunBody) => r.status !== 'RUNNING';

/** The WfRun's one UserTaskRun, once it exists. */
async function userTaskRunOf(wfRunId: string) {
  return eventually(async () => (await api.get(`/wfRun/${wfRunId}/userTaskRun`)).body.results?.[0], 10_000, `the user task of ${wfRunId}`);
}

describe('a user task', () => {
  beforeAll(() =>
    new Workflow('builder-expense', (wf) => {
      const amount = wf.declareDouble('amount').required();
      const outcome = wf.declareStr('outcome');
      const decision = wf.assignUserTask('approve-expense', { userGroup: 'managers' })
        .withNotes(wf.format('an expense of {0}', amount))
        .scheduleReminderTask(1, 'remind', 'managers');
      wf.doIf(wf.condition(decision.jsonPath('$.approved'), '==', true), (t) => outcome.assign('paid')).doElse((t) => outcome.assign('refused'));
      wf.complete(outcome);
    }).register(server.url),
  );

  it('waits for the group, runs its reminder, and goes on with the results a manager completes it with', async () => {
    expectOk(await api.post('/wfRun', { wfSpecName: 'builder-expense', id: 'expense-1', variables: { amount: 250 } }));
    const task = await userTaskRunOf('expense-1');
    expect(task).toMatchObject({ status: 'UNASSIGNED', userGroup: 'managers', notes: 'an expense of 250.0', userTaskDefId: { name: 'approve-expense', version: 0 } });
    await eventually(async () => reminded.includes('managers') || undefined, 10_000, 'the reminder task');
    expectOk(await api.post(`/wfRun/expense-1/userTaskRun/${task.id.userTaskGuid}/complete`, { userId: 'ann', results: { approved: true } }));
    const wfRun = await until('expense-1', ended);
    expect(wfRun).toMatchObject({ status: 'COMPLETED', threadRuns: [{ output: { str: 'paid' } }] });
    expect((await userTaskRunOf('expense-1'))).toMatchObject({ status: 'DONE', userId: 'ann', results: { approved: { bool: true } } });
  });

  it('a refusal takes the else branch', async () => {
    expectOk(await api.post('/wfRun', { wfSpecName: 'builder-expense', id: 'expense-2', variables: { amount: 10 } }));
    const refused = await userTaskRunOf('expense-2');
    expectOk(await api.post(`/wfRun/expense-2/userTaskRun/${refused.id.userTaskGuid}/complete`, { userId: 'bob', results: { approved: false } }));
    expect((await until('expense-2', ended)).threadRuns[0]?.output).toEqual({ str: 'refused' });
  });

  it('a cancelled task throws its onCancellationException, which a handler catches', async () => {
    await new Workflow('builder-cancellable', (wf) => {
      const outcome = wf.declareStr('outcome').withDefault('decided');
      const decision = wf.assignUserTask('approve-expense', { userGroup: 'managers' }).withOnCancellationException('not-decided');
      wf.handleException(decision, 'not-decided', () => outcome.assign('nobody decided'));
      wf.complete(outcome);
    }).register(server.url);
    expectOk(await api.post('/wfRun', { wfSpecName: 'builder-cancellable', id: 'cancellable-1' }));
    const cancelled = await userTaskRunOf('cancellable-1');
    expectOk(await api.post(`/wfRun/cancellable-1/userTaskRun/${cancelled.id.userTaskGuid}/cancel`, {}));
    const wfRun = await until('cancellable-1', ended);
    expect(wfRun.status).toBe('COMPLETED');
    expect(wfRun.threadRuns.map((t) => `${t.type}:${t.status}`)).toEqual(['ENTRYPOINT:COMPLETED', 'FAILURE_HANDLER:COMPLETED']);
    expect(wfRun.threadRuns[0]?.output).toEqual({ str: 'nobody decided' });
  });

  it('cancelAfter cancels a task nobody completed on a durable timer', async () => {
    await new Workflow('builder-expiring', (wf) => {
      const outcome = wf.declareStr('outcome').withDefault('decided');
      const decision = wf.assignUserTask('approve-expense', { userId: 'ann', userGroup: 'managers' }).cancelAfter(1);
      wf.handleError(decision, 'USER_TASK_CANCELLED', () => outcome.assign('expired'));
      wf.complete(outcome);
    }).register(server.url);
    expectOk(await api.post('/wfRun', { wfSpecName: 'builder-expiring', id: 'expiring-1' }));
    const wfRun = await until('expiring-1', ended);
    expect(wfRun.status).toBe('COMPLETED');
    expect(wfRun.threadRuns[0]?.output).toEqual({ str: 'expired' });
    expect(await userTaskRunOf('expiring-1')).toMatchObject({ status: 'CANCELLED', userId: 'ann' });
  });
});

describe('throwEvent', () => {
  it('publishes a WorkflowEvent with the content, readable once the run has passed the node', async () => {
    expectOk(await api.post('/workflowEventDef', { name: 'greeted', contentType: { returnType: { primitiveType: 'STR' } } }));
    await new Workflow('builder-announce', (wf) => {
      const greeting = wf.execute('greet', wf.declareStr('name').required());
      wf.throwEvent('greeted', greeting);
      wf.complete(greeting);
    }).register(server.url);
    expectOk(await api.post('/wfRun', { wfSpecName: 'builder-announce', id: 'announce-1', variables: { name: 'Ada' } }));
    expect((await until('announce-1', ended)).status).toBe('COMPLETED');
    const events = (await api.get('/wfRun/announce-1/workflowEvent')).body.results;
    expect(events).toEqual([expect.objectContaining({ id: { wfRunId: 'announce-1', workflowEventDefId: { name: 'greeted' }, number: 0 }, content: { str: 'Hello, Ada!' } })]);
  });
});

describe('registerInterruptHandler', () => {
  it('an event halts the run, the handler runs with the event content as INPUT, then the run resumes', async () => {
    expectOk(await api.post('/externalEventDef', { name: 'order-cancelled', contentType: { returnType: { primitiveType: 'STR' } } }));
    expectOk(await api.post('/externalEventDef', { name: 'order-shipped' }));
    await new Workflow('builder-order', (wf) => {
      const note = wf.declareStr('note').withDefault('nothing happened');
      wf.registerInterruptHandler('order-cancelled', (h) => note.assign(h.execute('refund', h.declareStr(INPUT))));
      wf.waitForEvent('order-shipped');
      wf.complete(note);
    }).register(server.url);
    expectOk(await api.post('/wfRun', { wfSpecName: 'builder-order', id: 'order-1' }));
    await eventually(async () => ((await api.get('/nodeRun/order-1/0/1')).body.status === 'RUNNING' ? true : undefined), 10_000, 'the event wait');
    expectOk(await api.post('/wfRun/order-1/externalEvent/order-cancelled', { content: { str: 'changed my mind' } }));
    const handled = await until('order-1', (r) => r.threadRuns[1]?.status === 'COMPLETED');
    expect(handled.threadRuns.map((t) => `${t.type}:${t.status}`)).toEqual(['ENTRYPOINT:RUNNING', 'INTERRUPT:COMPLETED']);
    expectOk(await api.post('/wfRun/order-1/externalEvent/order-shipped', { content: { str: 'parcel' } }));
    const wfRun = await until('order-1', ended);
    expect(wfRun.status).toBe('COMPLETED');
    expect(wfRun.threadRuns[0]?.output).toEqual({ str: 'refunded: changed my mind' });
  });
});
