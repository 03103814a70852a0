// Interrupts through HTTP against real Redis with a real task worker: posting the interrupt's
// ExternalEvent halts the waiting WfRun, the handler thread runs its task with the event's
// content, and the run resumes (or, when the handler fails, ends with the handler's failure).
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTaskWorkers, TaskException, type TaskDefinition, type TaskWorker } from '../../workers/sdk/index.ts';
import { expectError, expectOk } from '../support/api-client.ts';
import { eventually } from '../support/processes.ts';
import { startTestServer } from '../support/server.ts';
import { assign, entry, exit, output, task, threadSpec, varDef, variable, wfSpec } from '../support/spec-builder.ts';

const server = startTestServer('interrupts');
// Task workers serve the default tenant, so these requests carry no Tenant-Id.
const get = (path: string) => request(server.app).get(path);
const post = (path: string, body: object = {}) => request(server.app).post(path).send(body);
let workers: TaskWorker[] = [];

/** Refunds what the INPUT says; "refuse" throws the `refund-refused` exception. */
const refunded: string[] = [];
const REFUND: TaskDefinition = {
  taskDef: { name: 'refund', inputVars: [{ name: 'why', typeDef: { primitiveType: 'STR' } }], returnType: { returnType: { primitiveType: 'STR' } } },
  handler: ({ why }) => {
    if (why === 'refuse') throw new TaskException('refund-refused', 'not refundable');
    refunded.push(String(why));
    return `refunded: ${String(why)}`;
  },
};

const threadNumbers = (wfRun: { threadRuns: Array<{ number: number; type: string; status: string }> }) =>
  wfRun.threadRuns.map((t) => `${t.number}:${t.type}:${t.status}`);

beforeAll(async () => {
  workers = await startTaskWorkers(server.colt.engine, [REFUND], pino({ level: 'silent' }), { concurrency: 2, lockMs: 5_000 });
  expectOk(await post('/externalEventDef', { name: 'shipped' }));
  expectOk(await post('/externalEventDef', { name: 'cancel', contentType: { returnType: { primitiveType: 'STR' } } }));
  const main = threadSpec(
    [entry(), { name: 'wait', body: { externalEvent: { externalEventDefId: { name: 'shipped' } } } }, exit({ returnContent: variable('note') })],
    [varDef('note', 'STR')],
  );
  const handler = threadSpec(
    [entry(), { ...task('refund', 'refund', [variable('INPUT')]), edges: [{ sinkNodeName: 'exit', variableMutations: [assign('note', output('refund'))] }] }, exit()],
    [varDef('INPUT', 'STR')],
  );
  const spec = wfSpec('order', {
    entrypoint: { ...main, interruptDefs: [{ externalEventDefId: { name: 'cancel' }, handlerSpecName: 'on-cancel' }] },
    'on-cancel': handler,
  });
  expectOk(await post('/wfSpec', spec));
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await server.close();
});

async function until(id: string, done: (wfRun: { status: string; threadRuns: Array<{ status: string }> }) => boolean) {
  return eventually(async () => {
    const res = await get(`/wfRun/${id}`);
    return done(res.body) ? res.body : undefined;
  }, 10_000, `WfRun ${id} to move on`);
}

describe('an interrupt', () => {
  it('halts the waiting run while its handler runs a task with the event content, then the run resumes and completes', async () => {
    expectOk(await post('/wfRun', { wfSpecName: 'order', id: 'o-1' }));
    const posted = await post('/wfRun/o-1/externalEvent/cancel', { content: { str: 'changed my mind' }, guid: 'c-1' });
    expectOk(posted);
    expect(posted.body).toMatchObject({ claimed: true, threadRunNumber: 0 });
    const resumed = await until('o-1', (r) => r.threadRuns[1]?.status === 'COMPLETED');
    expect(threadNumbers(resumed)).toEqual(['0:ENTRYPOINT:RUNNING', '1:INTERRUPT:COMPLETED']);
    expect(resumed.status).toBe('RUNNING');
    expect(resumed.threadRuns[1]).toMatchObject({ parentThreadId: 0, interruptTriggerId: { wfRunId: 'o-1', externalEventDefId: { name: 'cancel' }, guid: 'c-1' } });
    expect(refunded).toContain('changed my mind');
    expect((await get('/nodeRun/o-1/0/1')).body).toMatchObject({ nodeName: 'wait', status: 'RUNNING' }); // still waiting where it was
    expectOk(await post('/wfRun/o-1/externalEvent/shipped', { content: { str: 'parcel' } }));
    const done = await until('o-1', (r) => r.status !== 'RUNNING');
    expect(done.status).toBe('COMPLETED');
    expect(done.threadRuns[0].output).toEqual({ str: 'refunded: changed my mind' });
  });

  it('whose handler throws ends the run in EXCEPTION with the handler’s failure, and cannot be rescued', async () => {
    expectOk(await post('/wfRun', { wfSpecName: 'order', id: 'o-2' }));
    expectOk(await post('/wfRun/o-2/externalEvent/cancel', { content: { str: 'refuse' } }));
    const failed = await until('o-2', (r) => r.status === 'EXCEPTION');
    expect(threadNumbers(failed)).toEqual(['0:ENTRYPOINT:EXCEPTION', '1:INTERRUPT:EXCEPTION']);
    expect(failed.threadRuns[0]).toMatchObject({ errorMessage: 'not refundable', failure: { failureName: 'refund-refused' } });
    expect((await get('/nodeRun/o-2/0/1')).body).toMatchObject({ nodeName: 'wait', status: 'EXCEPTION' });
    expectError(await post('/wfRun/o-2/rescue', { threadRunNumber: 0 }), 412, 'FAILED_PRECONDITION');
  });

  it('a WfSpec interrupted by a def that does not exist is 400 naming the interruptDefs field', async () => {
    const spec = wfSpec('bad', { entrypoint: { ...threadSpec([entry(), exit()]), interruptDefs: [{ externalEventDefId: { name: 'nope' }, handlerSpecName: 'entrypoint' }] } });
    expectError(await post('/wfSpec', spec), 400, 'INVALID_ARGUMENT', 'threadSpecs.entrypoint.interruptDefs[0].externalEventDefId');
  });
});
