// ScheduleWf and ScheduledWfRuns through the REST API, with two servers on one Redis: each cron
// tick starts exactly one WfRun (id `<schedule>-<tick>`), the first at the next cron time.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/main/colt.ts';
import { ScheduleQueue } from '../../src/dispatch/schedule-queue.ts';
import { Keys } from '../../src/store/keys.ts';
import { eventually } from '../support/processes.ts';
import { startTestServer, testConfig } from '../support/server.ts';
import { testRedisUrl } from '../support/redis.ts';
import { type ApiClient, expectError, expectOk, tenantClients } from '../support/api-client.ts';
import { entry, exit, threadSpec, varDef, wfSpec } from '../support/spec-builder.ts';

const server = startTestServer('schedules');
const second = buildServer(testRedisUrl(), testConfig(server.prefix), pino({ level: 'silent' }));
second.startLoops();
afterAll(async () => {
  await second.close();
  await server.close();
});
const client = tenantClients(server.app, 'sched');

const EVERY_2_SECONDS = '*/2 * * * * *';

async function put(api: ApiClient, path: string, body: object) {
  const res = await api.post(path, body);
  expectOk(res);
  return res.body;
}

async function runIds(api: ApiClient): Promise<string[]> {
  return (await api.get('/wfRun/search?wfSpecName=nightly')).body.results.map((r: { id: string }) => r.id);
}

describe('ScheduleWf', () => {
  it('starts one WfRun per tick with two servers running, from the next tick on, until deleted', async () => {
    const api = client();
    await put(api, '/wfSpec', wfSpec('nightly', { entrypoint: threadSpec([entry(), exit()], [varDef('region', 'STR', { required: true })]) }));
    const schedule = await put(api, '/scheduledWfRun', { id: 'report', wfSpecName: 'nightly', variables: { region: 'eu' }, cronExpression: EVERY_2_SECONDS });
    expect(schedule).toMatchObject({ id: { id: 'report' }, wfSpecId: { name: 'nightly', majorVersion: 0, revision: 0 }, variables: { region: 'eu' }, cronExpression: EVERY_2_SECONDS });
    expect((await api.get('/scheduledWfRun/report')).body).toEqual(schedule);
    expect((await api.get('/scheduledWfRun/search?wfSpecName=nightly')).body).toEqual({ results: [{ id: 'report' }] });

    let ids: string[] = [];
    for (let i = 0; i < 200 && ids.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      ids = await runIds(api);
    }
    const ticks = ids.map((id) => Number(/^report-(\d+)$/.exec(id)?.[1]));
    expect(ticks.every((t) => t % 2000 === 0)).toBe(true);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(Math.min(...ticks)).toBeGreaterThan(Date.parse(schedule.createdAt));
    for (const id of ids) {
      const run = (await api.get(`/wfRun/${id}`)).body;
      expect(run.status).toBe('COMPLETED');
      expect(Date.parse(run.startTime)).toBeGreaterThanOrEqual(Number(id.split('-')[1]));
      expect((await api.get(`/variable/${id}/0/region`)).body.value).toEqual({ str: 'eu' });
    }

    expectOk(await api.delete('/scheduledWfRun/report'));
    expectError(await api.get('/scheduledWfRun/report'), 404, 'NOT_FOUND');
    const afterDelete = (await runIds(api)).length;
    await new Promise((r) => setTimeout(r, 4_500));
    expect((await runIds(api)).length).toBeLessThanOrEqual(afterDelete + 1); // at most a tick already under way
  });

  it('with parentWfRunId, each tick starts a child WfRun of that run (which may write the parent\'s variables)', async () => {
    const api = client();
    const ticks = varDef('ticks', 'INT', { accessLevel: 'PUBLIC_VAR', defaultValue: { int: 0 } });
    await put(api, '/externalEventDef', { name: 'close' });
    await put(api, '/wfSpec', wfSpec('ledger', { entrypoint: threadSpec([entry(), { name: 'wait', body: { externalEvent: { externalEventDefId: { name: 'close' } } } }, exit()], [ticks]) }));
    const count = { name: 'count', body: { nop: {} }, edges: [{ sinkNodeName: 'exit', variableMutations: [{ lhsName: 'ticks', operation: 'ADD', rhsAssignment: { literalValue: { int: 1 } } }] }] };
    const inherited = varDef('ticks', 'INT', { accessLevel: 'INHERITED_VAR' });
    await put(api, '/wfSpec', { ...wfSpec('tick', { entrypoint: threadSpec([entry(), count, exit()], [inherited]) }), parentWfSpec: { wfSpecName: 'ledger' } });
    await put(api, '/wfRun', { wfSpecName: 'ledger', id: 'books' });
    expectError(await api.post('/scheduledWfRun', { id: 'orphan', wfSpecName: 'tick', cronExpression: EVERY_2_SECONDS, parentWfRunId: 'nope' }), 412, 'FAILED_PRECONDITION');
    const schedule = await put(api, '/scheduledWfRun', { id: 'ticker', wfSpecName: 'tick', cronExpression: EVERY_2_SECONDS, parentWfRunId: 'books' });
    expect(schedule.parentWfRunId).toBe('books');
    const children = await eventually(async () => {
      const ids = (await api.get('/wfRun/search?wfSpecName=tick&parentWfRunId=books')).body.results.map((r: { id: string }) => r.id);
      return ids.length >= 2 ? ids as string[] : undefined;
    }, 10_000, 'two ticks to start child WfRuns');
    expectOk(await api.delete('/scheduledWfRun/ticker'));
    expect(children.every((id) => /^books_ticker-\d+$/.test(id))).toBe(true);
    const settled = await eventually(async () => {
      const ids = (await api.get('/wfRun/search?wfSpecName=tick&parentWfRunId=books&status=COMPLETED')).body.results;
      const total = (await api.get('/variable/books/0/ticks')).body.value.int as number;
      return total === ids.length ? total : undefined;
    }, 10_000, 'the parent to count every completed child');
    expect(settled).toBeGreaterThanOrEqual(2);
  });

  it('gives a stored schedule whose scheduler was lost (a crash in between) its scheduler back when a server starts', async () => {
    const api = client();
    await put(api, '/wfSpec', wfSpec('nightly', { entrypoint: threadSpec([entry(), exit()], [varDef('region', 'STR', { required: true })]) }));
    await put(api, '/scheduledWfRun', { id: 'lost', wfSpecName: 'nightly', variables: { region: 'us' }, cronExpression: EVERY_2_SECONDS });
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const queue = new ScheduleQueue(connection, new Keys(server.prefix));
    const tenant = api.tenant;
    await queue.remove(tenant, 'lost'); // as if the server died between the record and the scheduler
    expect(await queue.has(tenant, 'lost')).toBe(false);

    const third = buildServer(testRedisUrl(), testConfig(server.prefix), pino({ level: 'silent' }));
    third.startLoops();
    try {
      await eventually(async () => ((await queue.has(tenant, 'lost')) ? true : undefined), 10_000, 'the scheduler to be restored');
      await eventually(async () => ((await runIds(api)).some((id) => id.startsWith('lost-')) ? true : undefined), 10_000, 'a restored tick to start a WfRun');
    } finally {
      expectOk(await api.delete('/scheduledWfRun/lost'));
      expect(await queue.has(tenant, 'lost')).toBe(false);
      await third.close();
      await queue.close();
      await connection.quit();
    }
  });

  it('refuses a bad cron expression, missing inputs, unknown WfSpecs and a taken id', async () => {
    const api = client();
    await put(api, '/wfSpec', wfSpec('nightly', { entrypoint: threadSpec([entry(), exit()], [varDef('region', 'STR', { required: true })]) }));
    const ok = { wfSpecName: 'nightly', variables: { region: 'eu' }, cronExpression: '0 3 * * *' };
    expectError(await api.post('/scheduledWfRun', { ...ok, cronExpression: 'every night' }), 400, 'INVALID_ARGUMENT', 'cronExpression');
    expectError(await api.post('/scheduledWfRun', { ...ok, cronExpression: '61 3 * * *' }), 400, 'INVALID_ARGUMENT', 'cronExpression');
    expectError(await api.post('/scheduledWfRun', { ...ok, variables: {} }), 400, 'INVALID_ARGUMENT', 'variables.region');
    expectError(await api.post('/scheduledWfRun', { ...ok, variables: { region: 'eu', extra: 1 } }), 400, 'INVALID_ARGUMENT', 'variables.extra');
    expectError(await api.post('/scheduledWfRun', { ...ok, wfSpecName: 'nope' }), 404, 'NOT_FOUND');
    expectError(await api.post('/scheduledWfRun', { wfSpecName: 'nightly' }), 400, 'INVALID_ARGUMENT', 'cronExpression');
    await put(api, '/scheduledWfRun', { ...ok, id: 'nightly-eu' });
    expectError(await api.post('/scheduledWfRun', { ...ok, id: 'nightly-eu' }), 409, 'ALREADY_EXISTS');
    expect((await api.get('/scheduledWfRun/search?wfSpecName=nightly&majorVersion=1')).body).toEqual({ results: [] });
    expectOk(await api.delete('/scheduledWfRun/nightly-eu'));
    expectError(await api.delete('/scheduledWfRun/nightly-eu'), 404, 'NOT_FOUND');
  });
});
