// LittleHorse's quickstart WfSpec and its ExternalEventDef, deployed unchanged, driven through HTTP
// with the example task workers (workers/examples/quickstart.ts). The verified and not-verified
// branches by WfRun id are in external-events.test.ts; here: verified by a CorrelatedEvent on the
// customer's email, and the 300-second EXTERNAL_EVENT timeout into its handler thread's failure.
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICKSTART_TASKS } from '../../workers/examples/quickstart.ts';
import { startTaskWorkers, type TaskWorker } from '../../workers/sdk/index.ts';
import { expectOk } from '../support/api-client.ts';
import { eventually } from '../support/processes.ts';
import { startTestServer } from '../support/server.ts';
import { littlehorseFixture } from '../support/specs.ts';

const server = startTestServer('quickstart');
// The example workers serve the default tenant, so these requests carry no Tenant-Id.
const get = (path: string) => request(server.app).get(path);
const post = (path: string, body: object) => request(server.app).post(path).send(body);
let workers: TaskWorker[] = [];

beforeAll(async () => {
  workers = await startTaskWorkers(server.colt.engine, QUICKSTART_TASKS, pino({ level: 'silent' }), { concurrency: 5, lockMs: 5_000 });
  expectOk(await post('/externalEventDef', littlehorseFixture('identity-verified-external-event-def.json')));
  expectOk(await post('/wfSpec', littlehorseFixture('quickstart-wfspec.json')));
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await server.close();
});

const WAIT_NODE = '2-identity-verified-EXTERNAL_EVENT';

async function startAndReachWait(id: string, name: string, email: string) {
  expectOk(await post('/wfRun', { wfSpecName: 'quickstart', id, variables: { 'full-name': name, email, ssn: 123456789 } }));
  return eventually(async () => {
    const res = await get(`/nodeRun/${id}/0/2`);
    return res.body.status === 'RUNNING' ? res.body : undefined;
  }, 10_000, `${id} to reach ${WAIT_NODE}`);
}

async function ended(id: string) {
  return eventually(async () => {
    const res = await get(`/wfRun/${id}`);
    return ['COMPLETED', 'ERROR', 'EXCEPTION'].includes(res.body.status) ? res.body : undefined;
  }, 10_000, `${id} to end`);
}

/** What a TASK node's last attempt returned. */
async function taskOutput(id: string, thread: number, position: number) {
  const nodeRun = (await get(`/nodeRun/${id}/${thread}/${position}`)).body;
  const taskRun = (await get(`/taskRun/${id}/${nodeRun.task.taskRunId.taskGuid}`)).body;
  return taskRun.attempts.at(-1).output;
}

describe('the quickstart fixture', () => {
  it('verified by a CorrelatedEvent on the email: the verified branch runs and the WfRun completes', async () => {
    const waiting = await startAndReachWait('qs-corr', 'Ada Lovelace', 'ada@example.com');
    expect(waiting.externalEvent).toMatchObject({ correlationKey: 'ada@example.com', timedOut: false });
    expect(await taskOutput('qs-corr', 0, 1)).toEqual({ str: 'Requested verification of Ada Lovelace' });
    const put = await post('/correlatedEvent', { key: 'ada@example.com', externalEventDefId: { name: 'identity-verified' }, content: { bool: true } });
    expectOk(put);
    expect(put.body.externalEvents).toEqual([expect.objectContaining({ wfRunId: 'qs-corr', externalEventDefId: { name: 'identity-verified' } })]);
    const run = await ended('qs-corr');
    expect(run.status).toBe('COMPLETED');
    expect((await get('/nodeRun/qs-corr/0/4')).body).toMatchObject({ nodeName: '4-notify-customer-verified-TASK', status: 'COMPLETED' });
    expect(await taskOutput('qs-corr', 0, 4)).toEqual({ str: 'Told ada@example.com that their identity is verified' });
  });

  it('times out into the TIMEOUT handler, which notifies the customer and fails the WfRun with customer-not-verified', async () => {
    await startAndReachWait('qs-late', 'Grace Hopper', 'grace@example.com');
    // Nobody answers. Time passes: the timeout timer (300 s, due by Redis's clock) is made due now,
    // and the server's own timer loop fires it.
    const member = `default|qs-late|external-event.0.2`;
    expect(await server.colt.engine.redis.zscore(server.colt.engine.keys.timers(), member)).not.toBeNull();
    await server.colt.engine.redis.zadd(server.colt.engine.keys.timers(), 'XX', 0, member);

    const run = await ended('qs-late');
    expect(run.status).toBe('EXCEPTION');
    expect(run.threadRuns.map((t: { number: number; type: string; status: string }) => `${t.number}:${t.type}:${t.status}`)).toEqual([
      '0:ENTRYPOINT:EXCEPTION', '1:FAILURE_HANDLER:EXCEPTION',
    ]);
    expect(run.threadRuns[0]).toMatchObject({ errorMessage: 'Unable to verify customer identity in time.', failure: { failureName: 'customer-not-verified' } });
    const waited = (await get('/nodeRun/qs-late/0/2')).body;
    expect(waited).toMatchObject({
      status: 'ERROR', failureHandlerIds: [1], externalEvent: { timedOut: true },
      failures: [{ failureName: 'TIMEOUT', wasProperlyHandled: false, failureHandlerThreadRunId: 1 }],
    });
    expect(await taskOutput('qs-late', 1, 1)).toEqual({ str: 'Told grace@example.com that their identity could not be verified' });
    expect((await get('/nodeRun/qs-late/1/2')).body).toMatchObject({ nodeName: '2-customer-not-verified-EXIT', status: 'EXCEPTION' });
    // An answer after the timeout changes nothing.
    expectOk(await post('/wfRun/qs-late/externalEvent/identity-verified', { content: { bool: true } }));
    expect((await get('/wfRun/qs-late')).body.status).toBe('EXCEPTION');
  });
});
