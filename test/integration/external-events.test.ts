// ExternalEventDefs and ExternalEvents through HTTP against real Redis: the fixture def deployed
// unchanged, events posted after the node is reached, before it, before the WfRun exists, re-posted
// guids, refusals (unknown def, content of the wrong type), a 1-second timeout firing, and the
// quickstart fixture's EXTERNAL_EVENT step with real task workers.
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTaskWorkers, type TaskDefinition, type TaskWorker } from '../../workers/sdk/index.ts';
import { expectError, expectOk, tenantClients, type ApiClient } from '../support/api-client.ts';
import { eventually } from '../support/processes.ts';
import { startTestServer } from '../support/server.ts';
import { assign, entry, exit, literal, output, threadSpec, varDef, wfSpec } from '../support/spec-builder.ts';
import { littlehorseFixture } from '../support/specs.ts';
import { advance } from '../../src/engine/reducer.ts';

const server = startTestServer('external-events');
const client = tenantClients(server.app, 'ee');
let workers: TaskWorker[] = [];

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await server.close();
});

const FIXTURE_DEF = littlehorseFixture('identity-verified-external-event-def.json');

/** entry -> [sleep first] -> wait for `def` (output into the STR `answer`) -> exit. */
function waitingSpec(name: string, def: string, { sleepFirst = 0, timeoutSeconds }: { sleepFirst?: number; timeoutSeconds?: number } = {}) {
  const wait = {
    name: 'wait',
    body: { externalEvent: { externalEventDefId: { name: def }, ...(timeoutSeconds === undefined ? {} : { timeoutSeconds: literal({ int: timeoutSeconds }) }) } },
    edges: [{ sinkNodeName: 'exit', variableMutations: [assign('answer', output('wait'))] }],
  };
  const nap = { name: 'nap', body: { sleep: { rawSeconds: literal({ int: sleepFirst }) } } };
  return wfSpec(name, { entrypoint: threadSpec([entry(), ...(sleepFirst ? [nap] : []), wait, exit()], [varDef('answer', 'STR')]) });
}

async function deployWaiting(api: ApiClient, options: Parameters<typeof waitingSpec>[2] = {}) {
  expectOk(await api.post('/externalEventDef', { name: 'approval' }));
  expectOk(await api.post('/wfSpec', waitingSpec('approve', 'approval', options)));
}

async function runUntil(api: ApiClient, id: string, done: (wfRun: { status: string }) => boolean) {
  return eventually(async () => {
    const res = await api.get(`/wfRun/${id}`);
    return done(res.body) ? res.body : undefined;
  }, 10_000, `WfRun ${id} to move on`);
}

describe('ExternalEventDef', () => {
  it('deploys the fixture unchanged; get, list, identical re-put, replace, delete', async () => {
    const api = client();
    const put = await api.post('/externalEventDef', FIXTURE_DEF);
    expectOk(put);
    expect(put.body).toEqual({
      id: { name: 'identity-verified' },
      createdAt: expect.any(String),
      retentionPolicy: {},
      typeInformation: { returnType: { primitiveType: 'BOOL', masked: false } },
      correlatedEventConfig: { deleteAfterFirstCorrelation: false },
    });
    expect((await api.get('/externalEventDef/identity-verified')).body).toEqual(put.body);
    expect((await api.post('/externalEventDef', FIXTURE_DEF)).body).toEqual(put.body);
    // The stored form can be put back as it is.
    expect((await api.post('/externalEventDef', { name: 'identity-verified', typeInformation: put.body.typeInformation, correlatedEventConfig: put.body.correlatedEventConfig })).body).toEqual(put.body);
    const replaced = await api.post('/externalEventDef', { name: 'identity-verified', retentionPolicy: { secondsAfterPut: '60' } });
    expect(replaced.body).toEqual({ id: { name: 'identity-verified' }, createdAt: expect.any(String), retentionPolicy: { secondsAfterPut: 60 } });
    expectOk(await api.post('/externalEventDef', { name: 'other' }));
    expect((await api.get('/externalEventDef')).body.results.map((d: { id: { name: string } }) => d.id.name)).toEqual(['identity-verified', 'other']);
    expectOk(await api.delete('/externalEventDef/identity-verified'));
    expectError(await api.get('/externalEventDef/identity-verified'), 404, 'NOT_FOUND', 'identity-verified');
    expectError(await api.delete('/externalEventDef/identity-verified'), 404, 'NOT_FOUND', 'identity-verified');
  });

  it('refuses bad defs naming the field', async () => {
    const api = client();
    expectError(await api.post('/externalEventDef', { name: 'bad_name' }), 400, 'INVALID_ARGUMENT', 'name');
    expectError(await api.post('/externalEventDef', {}), 400, 'INVALID_ARGUMENT', 'name');
    const badType = await api.post('/externalEventDef', { name: 'd', contentType: { returnType: { primitiveType: 'NOPE' } } });
    expectError(badType, 400, 'INVALID_ARGUMENT', 'contentType.returnType.primitiveType');
    expectError(await api.get('/externalEventDef/bad_name'), 400, 'INVALID_ARGUMENT', 'name');
  });

  it('a WfSpec waiting on a def that does not exist is 400 naming the node and field', async () => {
    const api = client();
    const res = await api.post('/wfSpec', waitingSpec('approve', 'approval'));
    expectError(res, 400, 'INVALID_ARGUMENT', 'threadSpecs.entrypoint.nodes.wait.externalEvent.externalEventDefId');
    expect(res.body.message).toContain("ExternalEventDef 'approval' does not exist");
  });
});

describe('PutExternalEvent', () => {
  it('completes a waiting EXTERNAL_EVENT node; the event shows as claimed by it', async () => {
    const api = client();
    await deployWaiting(api);
    expectOk(await api.post('/wfRun', { wfSpecName: 'approve', id: 'after' }));
    expect((await api.get('/nodeRun/after/0/1')).body).toMatchObject({ status: 'RUNNING', externalEvent: { externalEventDefId: { name: 'approval' } } });
    const posted = await api.post('/wfRun/after/externalEvent/approval', { content: { str: 'ok' }, guid: 'g-1' });
    expectOk(posted);
    expect(posted.body).toEqual({
      id: { wfRunId: 'after', externalEventDefId: { name: 'approval' }, guid: 'g-1' },
      createdAt: expect.any(String),
      content: { str: 'ok' },
      claimed: true,
      threadRunNumber: 0,
      nodeRunPosition: 1,
    });
    const run = (await api.get('/wfRun/after')).body;
    expect(run.status).toBe('COMPLETED');
    expect(run.threadRuns[0].status).toBe('COMPLETED');
    expect((await api.get('/wfRun/after/externalEvent/approval/g-1')).body).toEqual(posted.body);
    expect((await api.get('/nodeRun/after/0/1')).body.externalEvent).toMatchObject({ externalEventId: posted.body.id, eventTime: posted.body.createdAt, timedOut: false });
  });

  it('keeps an event posted before the node is reached, and the node claims it on arrival', async () => {
    const api = client();
    await deployWaiting(api, { sleepFirst: 1 });
    expectOk(await api.post('/wfRun', { wfSpecName: 'approve', id: 'early' }));
    const posted = await api.post('/wfRun/early/externalEvent/approval', { content: { str: 'early bird' } });
    expect(posted.body).toMatchObject({ claimed: false, id: { guid: expect.stringMatching(/^[0-9a-f]{32}$/) } });
    expect(posted.body.threadRunNumber).toBeUndefined();
    await runUntil(api, 'early', (r) => r.status === 'COMPLETED');
    const [event] = (await api.get('/wfRun/early/externalEvent')).body.results;
    expect(event).toMatchObject({ claimed: true, threadRunNumber: 0, nodeRunPosition: 2, content: { str: 'early bird' } });
  });

  it('keeps events posted before the WfRun exists; RunWf takes them in and claims the oldest', async () => {
    const api = client();
    await deployWaiting(api);
    for (const guid of ['z', 'a']) {
      expect((await api.post('/wfRun/later/externalEvent/approval', { content: { str: guid }, guid })).body).toMatchObject({ claimed: false, content: { str: guid } });
    }
    expect((await api.get('/wfRun/later/externalEvent/approval/a')).body).toMatchObject({ claimed: false, id: { wfRunId: 'later', guid: 'a' } });
    expectError(await api.get('/wfRun/later'), 404, 'NOT_FOUND');
    const run = await api.post('/wfRun', { wfSpecName: 'approve', id: 'later' });
    expect(run.body.status).toBe('COMPLETED');
    const events = (await api.get('/wfRun/later/externalEvent')).body.results;
    expect(events.map((e: { id: { guid: string }; claimed: boolean }) => [e.id.guid, e.claimed])).toEqual([['z', true], ['a', false]]);
    expect(events[0]).toMatchObject({ threadRunNumber: 0, nodeRunPosition: 1 });
    // The run's own copy is the one served now; a RunWf again is still ALREADY_EXISTS.
    expectError(await api.post('/wfRun', { wfSpecName: 'approve', id: 'later' }), 409, 'ALREADY_EXISTS');
    expect((await api.get('/wfRun/later/externalEvent/approval/z')).body.claimed).toBe(true);
    expect(await server.colt.engine.redis.keys(`${server.prefix}*pending-events:later`)).toEqual([]);
  });

  it('events posted while the WfRun starts are none of them lost: taken in by RunWf or posted to the run', async () => {
    const api = client();
    await deployWaiting(api);
    // `.then` sends each request at once; the run starts once a few events are kept, while the rest still come.
    const posts = Array.from({ length: 20 }, (_, i) => api.post('/wfRun/racing/externalEvent/approval', { content: { str: `e${i}` }, guid: `e${i}` }).then((res) => res));
    await posts[2];
    expectOk(await api.post('/wfRun', { wfSpecName: 'approve', id: 'racing' }));
    for (const res of await Promise.all(posts)) expectOk(res);
    await runUntil(api, 'racing', (r) => r.status === 'COMPLETED');
    const events = (await api.get('/wfRun/racing/externalEvent')).body.results as Array<{ id: { guid: string }; claimed: boolean }>;
    expect(events.map((e) => e.id.guid).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `e${i}`).sort());
    expect(events.filter((e) => e.claimed)).toHaveLength(1);
    expect(events[0]?.claimed).toBe(true); // the oldest
    expect(await server.colt.engine.redis.keys(`${server.prefix}*pending-events:racing`)).toEqual([]);
  });

  it('a re-posted guid returns the event first posted, before and after the WfRun exists', async () => {
    const api = client();
    await deployWaiting(api, { sleepFirst: 1 });
    const first = await api.post('/wfRun/twice/externalEvent/approval', { content: { str: 'one' }, guid: 'same' });
    const again = await api.post('/wfRun/twice/externalEvent/approval', { content: { str: 'two' }, guid: 'same' });
    expectOk(again);
    expect(again.body).toEqual(first.body);
    expectOk(await api.post('/wfRun', { wfSpecName: 'approve', id: 'twice' }));
    const inRun = await api.post('/wfRun/twice/externalEvent/approval', { content: { str: 'three' }, guid: 'same' });
    expect(inRun.body).toEqual(first.body);
    const other = await api.post('/wfRun/twice/externalEvent/approval', { content: { str: 'four' }, guid: 'other' });
    expect((await api.post('/wfRun/twice/externalEvent/approval', { content: { str: 'five' }, guid: 'other' })).body).toEqual(other.body);
    await runUntil(api, 'twice', (r) => r.status === 'COMPLETED');
    const events = (await api.get('/wfRun/twice/externalEvent')).body.results;
    expect(events.map((e: { id: { guid: string }; content: object; claimed: boolean }) => [e.id.guid, e.content, e.claimed])).toEqual([
      ['same', { str: 'one' }, true],
      ['other', { str: 'four' }, false],
    ]);
  });

  it('an unknown def is 404; content not of the def\'s type is 400 naming content', async () => {
    const api = client();
    expectError(await api.post('/wfRun/x/externalEvent/nope', { content: { str: 'x' } }), 404, 'NOT_FOUND', 'nope');
    expectOk(await api.post('/externalEventDef', FIXTURE_DEF));
    expectError(await api.post('/wfRun/x/externalEvent/identity-verified', { content: { str: 'yes' } }), 400, 'INVALID_ARGUMENT', 'content');
    expectError(await api.post('/wfRun/x/externalEvent/identity-verified', { content: true }), 400, 'INVALID_ARGUMENT', 'content');
    expectError(await api.post('/wfRun/x/externalEvent/identity-verified', { content: { bool: true, str: 'x' } }), 400, 'INVALID_ARGUMENT', 'content');
    expectError(await api.post('/wfRun/x/externalEvent/identity-verified', { content: { bool: true }, nodeRunPosition: 1 }), 400, 'INVALID_ARGUMENT', 'nodeRunPosition');
    expectError(await api.post('/wfRun/x/externalEvent/identity-verified', { content: { bool: true }, guid: 'a_b' }), 400, 'INVALID_ARGUMENT', 'guid');
    expectError(await api.post('/wfRun/x_/externalEvent/identity-verified', { content: { bool: true } }), 400, 'INVALID_ARGUMENT', 'wfRunId');
    // Nothing refused was kept.
    expect((await api.get('/wfRun/x/externalEvent')).body).toEqual({ results: [] });
    const ok = await api.post('/wfRun/x/externalEvent/identity-verified', { content: { bool: false } });
    expect(ok.body.content).toEqual({ bool: false });
    expectError(await api.get('/wfRun/x/externalEvent/identity-verified/missing'), 404, 'NOT_FOUND');
  });

  it('an event reserved for another thread is not claimed', async () => {
    const api = client();
    await deployWaiting(api);
    expectOk(await api.post('/wfRun', { wfSpecName: 'approve', id: 'reserved' }));
    expect((await api.post('/wfRun/reserved/externalEvent/approval', { content: { str: 'x' }, threadRunNumber: 3 })).body).toMatchObject({ claimed: false, threadRunNumber: 3 });
    expect((await api.get('/wfRun/reserved')).body.status).toBe('RUNNING');
    const mine = await api.post('/wfRun/reserved/externalEvent/approval', { content: { str: 'y' }, threadRunNumber: 0, nodeRunPosition: 1 });
    expect(mine.body).toMatchObject({ claimed: true, threadRunNumber: 0, nodeRunPosition: 1 });
  });
});

describe('the commit that creates a WfRun', () => {
  it('is refused, writing nothing, if an event arrived after it read the waiting ones; then the run takes both', async () => {
    const tenant = 'ee-commit';
    const api = { post: (path: string, body: object) => request(server.app).post(path).set('Tenant-Id', tenant).send(body) };
    expectOk(await api.post('/externalEventDef', { name: 'approval' }));
    expectOk(await api.post('/wfSpec', waitingSpec('approve', 'approval')));
    const { runs, externalEvents, definitions } = server.colt.engine;
    const event = (guid: string) => ({ id: { wfRunId: 'r', externalEventDefId: { name: 'approval' }, guid }, createdAt: new Date().toISOString(), content: { str: guid }, claimed: false });
    expect(await externalEvents.keepForRun(tenant, event('a'))).toMatchObject({ sequence: 1 });
    const waiting = await runs.eventsWaitingFor(tenant, 'r');
    expect(waiting?.map((e) => e.id.guid)).toEqual(['a']);
    expect(await externalEvents.keepForRun(tenant, event('b'))).toMatchObject({ sequence: 2 }); // meanwhile
    const ctx = { now: new Date().toISOString(), spec: await definitions.resolveWfSpec(tenant, 'approve'), taskDefs: new Map(), newGuid: () => 'g' };
    const { state } = advance(null, { type: 'RunWf', wfRunId: 'r', variables: {}, externalEvents: waiting ?? [] }, ctx);
    expect(await runs.commit(tenant, null, state)).toBeNull();
    expect(await runs.load(tenant, 'r')).toBeNull();
    expect(await runs.eventsWaitingFor(tenant, 'r')).toHaveLength(2);
    // Through the commit path, RunWf takes both in; an event posted afterwards goes to the run.
    await server.colt.engine.applier.runWf(tenant, ctx.spec, { type: 'RunWf', wfRunId: 'r', variables: {} });
    expect(await externalEvents.keepForRun(tenant, event('c'))).toBeNull();
    expect((await externalEvents.listEvents(tenant, 'r')).map((e) => [e.id.guid, e.claimed])).toEqual([['a', true], ['b', false]]);
    expect(await runs.eventsWaitingFor(tenant, 'r')).toBeNull();
  });
});

describe('EXTERNAL_EVENT timeout', () => {
  it('a 1-second timeout with no event fails the node with TIMEOUT and the WfRun with ERROR', async () => {
    const api = client();
    await deployWaiting(api, { timeoutSeconds: 1 });
    expectOk(await api.post('/wfRun', { wfSpecName: 'approve', id: 'too-slow' }));
    const run = await runUntil(api, 'too-slow', (r) => r.status !== 'RUNNING');
    expect(run.status).toBe('ERROR');
    const node = (await api.get('/nodeRun/too-slow/0/1')).body;
    expect(node).toMatchObject({ status: 'ERROR', externalEvent: { timedOut: true } });
    expect(node.failures.map((f: { failureName: string }) => f.failureName)).toEqual(['TIMEOUT']);
    // A late event is kept, unclaimed; the run stays failed.
    expect((await api.post('/wfRun/too-slow/externalEvent/approval', { content: {} })).body.claimed).toBe(false);
    expect((await api.get('/wfRun/too-slow')).body.status).toBe('ERROR');
  });

  it('an event in time wins over the timeout', async () => {
    const api = client();
    await deployWaiting(api, { timeoutSeconds: 1 });
    expectOk(await api.post('/wfRun', { wfSpecName: 'approve', id: 'in-time' }));
    expectOk(await api.post('/wfRun/in-time/externalEvent/approval', { content: { str: 'in time' } }));
    await new Promise((resolve) => setTimeout(resolve, 1_300)); // the timer fires meanwhile, stale
    expect((await api.get('/wfRun/in-time')).body.status).toBe('COMPLETED');
    expect((await api.get('/nodeRun/in-time/0/1')).body).toMatchObject({ status: 'COMPLETED', externalEvent: { timedOut: false } });
  });
});

describe('CorrelatedEvent', () => {
  /** entry -> wait for `approval` with correlationKey = the STR `key` -> exit. */
  const correlatedSpec = (mask = false) =>
    wfSpec('correlated', {
      entrypoint: threadSpec(
        [
          entry(),
          {
            name: 'wait',
            body: { externalEvent: { externalEventDefId: { name: 'approval' }, correlationKey: { variableName: 'key' }, maskCorrelationKey: mask } },
            edges: [{ sinkNodeName: 'exit', variableMutations: [assign('answer', output('wait'))] }],
          },
          exit(),
        ],
        [varDef('key', 'STR'), varDef('answer', 'STR')],
      ),
    });

  async function deployCorrelated(api: ApiClient, config: object = { deleteAfterFirstCorrelation: false }, mask = false) {
    expectOk(await api.post('/externalEventDef', { name: 'approval', contentType: { returnType: { primitiveType: 'STR' } }, correlatedEventConfig: config }));
    expectOk(await api.post('/wfSpec', correlatedSpec(mask)));
  }
  const start = (api: ApiClient, id: string, key: string) => api.post('/wfRun', { wfSpecName: 'correlated', id, variables: { key } });
  const put = (api: ApiClient, key: string, content: object = { str: 'ok' }) => api.post('/correlatedEvent', { key, externalEventDefId: { name: 'approval' }, content });

  it('reaches the runs already waiting with its key, and those that start waiting later', async () => {
    const api = client();
    await deployCorrelated(api);
    for (const id of ['w1', 'w2']) expectOk(await start(api, id, 'ada@example.com'));
    expectOk(await start(api, 'other', 'bob@example.com'));
    const res = await put(api, 'ada@example.com', { str: 'verified' });
    expectOk(res);
    expect(res.body).toMatchObject({ id: { key: 'ada@example.com', externalEventDefId: { name: 'approval' } }, content: { str: 'verified' } });
    expect(res.body.externalEvents.map((e: { wfRunId: string }) => e.wfRunId).sort()).toEqual(['w1', 'w2']);
    for (const id of ['w1', 'w2']) await runUntil(api, id, (r) => r.status === 'COMPLETED');
    expectOk(await start(api, 'w3', 'ada@example.com'));
    await runUntil(api, 'w3', (r) => r.status === 'COMPLETED');
    const [event] = (await api.get('/wfRun/w3/externalEvent')).body.results;
    expect(event).toMatchObject({ claimed: true, content: { str: 'verified' }, threadRunNumber: 0, nodeRunPosition: 1 });
    const stored = (await api.get(`/correlatedEvent/approval/${encodeURIComponent('ada@example.com')}`)).body;
    expect(stored.externalEvents.map((e: { wfRunId: string }) => e.wfRunId).sort()).toEqual(['w1', 'w2', 'w3']);
    expect((await api.get('/wfRun/other')).body.status).toBe('RUNNING');
    expect((await api.get('/wfRun/other/externalEvent')).body.results).toEqual([]);
  });

  it('with deleteAfterFirstCorrelation goes to one run only and is then gone', async () => {
    const api = client();
    await deployCorrelated(api, { deleteAfterFirstCorrelation: true });
    for (const id of ['o1', 'o2']) expectOk(await start(api, id, 'k'));
    const res = await put(api, 'k');
    expect(res.body.externalEvents).toHaveLength(1);
    const winner = res.body.externalEvents[0].wfRunId as string;
    const loser = winner === 'o1' ? 'o2' : 'o1';
    await runUntil(api, winner, (r) => r.status === 'COMPLETED');
    expectError(await api.get('/correlatedEvent/approval/k'), 404, 'NOT_FOUND');
    expect((await api.get(`/wfRun/${loser}`)).body.status).toBe('RUNNING');
    // The loser still waits for the key: the next event of it goes there.
    expect((await put(api, 'k')).body.externalEvents.map((e: { wfRunId: string }) => e.wfRunId)).toEqual([loser]);
    await runUntil(api, loser, (r) => r.status === 'COMPLETED');
    // Put before anyone waits, it is kept, and taken by the first run that waits.
    expect((await put(api, 'later')).body.externalEvents).toEqual([]);
    expectOk(await start(api, 'o3', 'later'));
    await runUntil(api, 'o3', (r) => r.status === 'COMPLETED');
    expectError(await api.get('/correlatedEvent/approval/later'), 404, 'NOT_FOUND');
  });

  it('is forgotten after its ttlSeconds, and can be deleted', async () => {
    const api = client();
    await deployCorrelated(api, { ttlSeconds: 1, deleteAfterFirstCorrelation: false });
    expectOk(await put(api, 'brief'));
    expectOk(await api.get('/correlatedEvent/approval/brief'));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expectError(await api.get('/correlatedEvent/approval/brief'), 404, 'NOT_FOUND');
    expectOk(await start(api, 't1', 'brief'));
    expect((await api.get('/wfRun/t1')).body.status).toBe('RUNNING');
    expectOk(await put(api, 'gone'));
    expectOk(await api.delete('/correlatedEvent/approval/gone'));
    expectError(await api.get('/correlatedEvent/approval/gone'), 404, 'NOT_FOUND');
    expectError(await api.delete('/correlatedEvent/approval/gone'), 404, 'NOT_FOUND');
  });

  it('refusals: a def without correlatedEventConfig is 412, an unknown def 404, content of the wrong type 400', async () => {
    const api = client();
    expectOk(await api.post('/externalEventDef', { name: 'plain' }));
    expectError(await api.post('/correlatedEvent', { key: 'k', externalEventDefId: { name: 'plain' }, content: {} }), 412, 'FAILED_PRECONDITION', 'plain');
    expectError(await api.post('/correlatedEvent', { key: 'k', externalEventDefId: { name: 'nope' }, content: {} }), 404, 'NOT_FOUND', 'nope');
    await deployCorrelated(api);
    expectError(await put(api, 'k', { int: 1 }), 400, 'INVALID_ARGUMENT', 'content');
    expectError(await api.post('/correlatedEvent', { key: '', externalEventDefId: { name: 'approval' } }), 400, 'INVALID_ARGUMENT');
  });

  it('a masked correlation key is not shown on the node run', async () => {
    const api = client();
    await deployCorrelated(api, { deleteAfterFirstCorrelation: false }, true);
    expectOk(await start(api, 'masked', 'secret@example.com'));
    expect((await api.get('/nodeRun/masked/0/1')).body.externalEvent).toMatchObject({ correlationKey: '*****', maskCorrelationKey: true });
  });
});

describe('the quickstart fixture', () => {
  // Task workers serve the default tenant, so these requests carry no Tenant-Id.
  const api = {
    get: (path: string) => request(server.app).get(path),
    post: (path: string, body: object) => request(server.app).post(path).send(body),
  };
  const str = (name: string) => ({ name, typeDef: { primitiveType: 'STR' as const } });
  const notified: string[] = [];
  const TASKS: TaskDefinition[] = [
    { taskDef: { name: 'verify-identity', inputVars: [str('full-name'), str('email'), { name: 'ssn', typeDef: { primitiveType: 'INT', masked: true } }] }, handler: () => null },
    { taskDef: { name: 'notify-customer-verified', inputVars: [str('full-name'), str('email')] }, handler: ({ email }) => void notified.push(`verified ${String(email)}`) },
    { taskDef: { name: 'notify-customer-not-verified', inputVars: [str('full-name'), str('email')] }, handler: ({ email }) => void notified.push(`not verified ${String(email)}`) },
  ];

  beforeAll(async () => {
    workers = await startTaskWorkers(server.colt.engine, TASKS, pino({ level: 'silent' }), { concurrency: 5, lockMs: 5_000 });
    expectOk(await api.post('/externalEventDef', FIXTURE_DEF));
  });

  it('a copy without a failure handler on its EXTERNAL_EVENT node deploys, and a BOOL event picks the branch', async () => {
    const spec = littlehorseFixture('quickstart-wfspec.json');
    const nodes = (spec.threadSpecs.entrypoint as { nodes: Record<string, { failureHandlers: unknown[] }> }).nodes;
    nodes['2-identity-verified-EXTERNAL_EVENT']!.failureHandlers = [];
    expectOk(await api.post('/wfSpec', spec));
    const variables = { 'full-name': 'Ada Lovelace', email: 'ada@example.com', ssn: 123456789 };
    expectOk(await api.post('/wfRun', { wfSpecName: 'quickstart', id: 'qs-yes', variables }));
    const waiting = await eventually(async () => {
      const res = await api.get('/nodeRun/qs-yes/0/2');
      return res.body.status === 'RUNNING' ? res.body : undefined;
    }, 10_000, 'the EXTERNAL_EVENT node to be reached');
    expect(waiting.externalEvent).toMatchObject({ externalEventDefId: { name: 'identity-verified' }, correlationKey: 'ada@example.com', timedOut: false });
    expectOk(await api.post('/wfRun/qs-yes/externalEvent/identity-verified', { content: { bool: true } }));
    const run = await eventually(async () => {
      const res = await api.get('/wfRun/qs-yes');
      return res.body.status === 'RUNNING' ? undefined : res.body;
    }, 10_000, 'the quickstart run to end');
    expect(run.status).toBe('COMPLETED');
    expect(notified).toEqual(['verified ada@example.com']);
  });

  it('deploys unchanged (with its TIMEOUT handler), and a false event takes the other branch', async () => {
    expectOk(await api.post('/wfSpec', littlehorseFixture('quickstart-wfspec.json')));
    const variables = { 'full-name': 'Grace Hopper', email: 'grace@example.com', ssn: 987654321 };
    // Posted before the run exists: claimed as soon as the node is reached.
    expectOk(await api.post('/wfRun/qs-no/externalEvent/identity-verified', { content: { bool: false } }));
    expectOk(await api.post('/wfRun', { wfSpecName: 'quickstart', id: 'qs-no', variables }));
    const run = await eventually(async () => {
      const res = await api.get('/wfRun/qs-no');
      return res.body.status === 'RUNNING' ? undefined : res.body;
    }, 10_000, 'the quickstart run to end');
    expect(run.status).toBe('COMPLETED');
    expect(notified).toContain('not verified grace@example.com');
  });
});
