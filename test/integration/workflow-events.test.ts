// WorkflowEventDefs and WorkflowEvents through HTTP against real Redis: defs put (idempotent, 409 on
// another type), get, list, search, delete; THROW_EVENT nodes; AwaitWorkflowEvent answering a thrown
// event at once, waiting for one thrown later, and timing out with DEADLINE_EXCEEDED; Get/List/Search.
import { afterAll, describe, expect, it } from 'vitest';
import { expectError, expectOk, tenantClients, type ApiClient } from '../support/api-client.ts';
import { eventually } from '../support/processes.ts';
import { startTestServer } from '../support/server.ts';
import { entry, exit, output, threadSpec, varDef, variable, wfSpec } from '../support/spec-builder.ts';

const server = startTestServer('workflow-events');
const client = tenantClients(server.app, 'we');

afterAll(async () => {
  await server.close();
});

/** entry -> throw `started` (the order id) -> wait for the `go` ExternalEvent -> throw `shipped` (its content) -> exit. */
async function deployShipping(api: ApiClient) {
  expectOk(await api.post('/workflowEventDef', { name: 'started', contentType: { returnType: { primitiveType: 'STR' } } }));
  expectOk(await api.post('/workflowEventDef', { name: 'shipped' }));
  expectOk(await api.post('/externalEventDef', { name: 'go' }));
  const spec = wfSpec('shipping', {
    entrypoint: threadSpec(
      [
        entry(),
        { name: 'started', body: { throwEvent: { eventDefId: { name: 'started' }, content: variable('order') } } },
        { name: 'go', body: { externalEvent: { externalEventDefId: { name: 'go' } } } },
        { name: 'shipped', body: { throwEvent: { eventDefId: { name: 'shipped' }, content: output('go') } } },
        exit(),
      ],
      [varDef('order', 'STR')],
    ),
  });
  expectOk(await api.post('/wfSpec', spec));
}

const eventId = (wfRunId: string, def: string, number: number) => ({ wfRunId, workflowEventDefId: { name: def }, number });

/** Waits until an AwaitWorkflowEvent call listens on the run's channel (so that what follows is a real wait). */
async function listening(wfRunId: string) {
  const channel = server.colt.engine.keys.workflowEventChannel('*', wfRunId).replace(/[[\]{}?]/g, '?');
  await eventually(async () => ((await server.colt.engine.redis.pubsub('CHANNELS', channel)) as string[]).length > 0 || undefined, 10_000, 'the await to listen');
}

describe('WorkflowEventDef', () => {
  it('put is idempotent; another contentType is 409; get, list, search, delete', async () => {
    const api = client();
    const put = await api.post('/workflowEventDef', { name: 'progress', contentType: { returnType: { primitiveType: 'INT' } } });
    expectOk(put);
    expect(put.body).toEqual({ id: { name: 'progress' }, createdAt: expect.any(String), contentType: { returnType: { primitiveType: 'INT', masked: false } } });
    expect((await api.post('/workflowEventDef', { name: 'progress', contentType: { returnType: { primitiveType: 'INT' } } })).body).toEqual(put.body);
    expectError(await api.post('/workflowEventDef', { name: 'progress', contentType: { returnType: { primitiveType: 'STR' } } }), 409, 'ALREADY_EXISTS', 'progress');
    expectOk(await api.post('/workflowEventDef', { name: 'done' }));
    expect((await api.get('/workflowEventDef/progress')).body).toEqual(put.body);
    expect((await api.get('/workflowEventDef')).body.results.map((d: { id: { name: string } }) => d.id.name)).toEqual(['done', 'progress']);
    expect((await api.get('/workflowEventDef/search?prefix=pro')).body).toEqual({ results: [{ name: 'progress' }] });
    const first = await api.get('/workflowEventDef/search?limit=1');
    expect(first.body.results).toEqual([{ name: 'done' }]);
    expect((await api.get(`/workflowEventDef/search?limit=1&bookmark=${first.body.bookmark}`)).body).toEqual({ results: [{ name: 'progress' }] });
    expectOk(await api.delete('/workflowEventDef/progress'));
    expectError(await api.get('/workflowEventDef/progress'), 404, 'NOT_FOUND', 'progress');
    expectError(await api.delete('/workflowEventDef/progress'), 404, 'NOT_FOUND', 'progress');
    expectError(await api.post('/workflowEventDef', { name: 'bad_name' }), 400, 'INVALID_ARGUMENT', 'name');
  });

  it('a WfSpec throwing a def that does not exist is 400 naming the node and field', async () => {
    const api = client();
    const spec = wfSpec('w', { entrypoint: threadSpec([entry(), { name: 't', body: { throwEvent: { eventDefId: { name: 'nope' } } } }, exit()]) });
    expectError(await api.post('/wfSpec', spec), 400, 'INVALID_ARGUMENT', 'threadSpecs.entrypoint.nodes.t.throwEvent.eventDefId');
  });
});

describe('AwaitWorkflowEvent', () => {
  it('answers at once with an event already thrown, waits for one thrown later, and skips ignored ones', async () => {
    const api = client();
    await deployShipping(api);
    expectOk(await api.post('/wfRun', { wfSpecName: 'shipping', id: 's-1', variables: { order: 'order-7' } }));
    const started = await api.post('/wfRun/s-1/workflowEvent/await', { eventDefIds: [{ name: 'started' }], timeoutMs: 10_000 });
    expectOk(started);
    expect(started.body).toEqual({ id: eventId('s-1', 'started', 0), content: { str: 'order-7' }, createdAt: expect.any(String), nodeRunId: { wfRunId: 's-1', threadRunNumber: 0, position: 1 } });

    // Any def, but not the one already seen: waits until `shipped` is thrown.
    const waiting = api.post('/wfRun/s-1/workflowEvent/await', { workflowEventsToIgnore: [started.body.id], timeoutMs: 10_000 }).then((r) => r);
    await listening('s-1');
    expectOk(await api.post('/wfRun/s-1/externalEvent/go', { content: { str: 'parcel 42' } }));
    const shipped = await waiting;
    expectOk(shipped);
    expect(shipped.body).toMatchObject({ id: eventId('s-1', 'shipped', 0), content: { str: 'parcel 42' }, nodeRunId: { position: 3 } });

    expect((await api.get('/wfRun/s-1/workflowEvent/shipped/0')).body).toEqual(shipped.body);
    expect((await api.get('/wfRun/s-1/workflowEvent')).body).toEqual({ results: [started.body, shipped.body] });
    expect((await api.get('/nodeRun/s-1/0/3')).body.throwEvent).toEqual({ workflowEventId: eventId('s-1', 'shipped', 0) });
    expect((await api.get('/workflowEvent/search?workflowEventDefName=shipped')).body).toEqual({ results: [eventId('s-1', 'shipped', 0)] });
    expect((await api.get(`/workflowEvent/search?workflowEventDefName=started&earliestStart=${encodeURIComponent(started.body.createdAt)}`)).body.results).toEqual([eventId('s-1', 'started', 0)]);
    expect((await api.get('/workflowEvent/search?workflowEventDefName=started&latestStart=2000-01-01T00:00:00Z')).body).toEqual({ results: [] });
  });

  it('is DEADLINE_EXCEEDED when nothing matching is thrown before the caller’s deadline', async () => {
    const api = client();
    await deployShipping(api);
    expectOk(await api.post('/wfRun', { wfSpecName: 'shipping', id: 's-2', variables: { order: 'order-8' } }));
    expectError(await api.post('/wfRun/s-2/workflowEvent/await', { eventDefIds: [{ name: 'shipped' }], timeoutMs: 300 }), 504, 'DEADLINE_EXCEEDED');
    // The run went on waiting for `go`; nothing was thrown meanwhile.
    expect((await api.get('/wfRun/s-2/workflowEvent')).body.results.map((e: { id: { workflowEventDefId: { name: string } } }) => e.id.workflowEventDefId.name)).toEqual(['started']);
  });

  it('refusals: an unknown WfRun is 404, a deadline out of range 400, an unknown event 404', async () => {
    const api = client();
    expectError(await api.post('/wfRun/nope/workflowEvent/await', { timeoutMs: 100 }), 404, 'NOT_FOUND');
    expectError(await api.post('/wfRun/nope/workflowEvent/await', { timeoutMs: -1 }), 400, 'INVALID_ARGUMENT', 'timeoutMs');
    expectError(await api.get('/wfRun/nope/workflowEvent/started/0'), 404, 'NOT_FOUND');
    expectError(await api.get('/wfRun/nope/workflowEvent'), 404, 'NOT_FOUND');
  });
});
