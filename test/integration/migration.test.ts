// MigrateWfSpec through the REST API: RUNNING WfRuns waiting on a node move to a newer WfSpec
// version by a node mapping, and go on from there along the new version's graph.
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.ts';
import { type ApiClient, expectError, expectOk, tenantClients } from '../support/api-client.ts';
import { assign, entry, exit, output, threadSpec, varDef, wfSpec, type NodeDef } from '../support/spec-builder.ts';

const server = startTestServer('migration');
afterAll(() => server.close());
const client = tenantClients(server.app, 'migrate');

const waitFor = (name: string, edges?: NodeDef['edges']): NodeDef => ({ name, body: { externalEvent: { externalEventDefId: { name: 'go' } } }, ...(edges ? { edges } : {}) });
/** 0.0: entry -> wait -> exit. */
const v0 = wfSpec('flow', { entrypoint: threadSpec([entry(), waitFor('wait'), exit()]) });
/** 0.1: entry -> waiting (renamed) -> exit, keeping the event's content in a new variable `seen`. */
const v1 = wfSpec('flow', {
  entrypoint: threadSpec([entry(), waitFor('waiting', [{ sinkNodeName: 'exit', variableMutations: [assign('seen', output('waiting'))] }]), exit()], [varDef('seen', 'STR')]),
});

async function put(api: ApiClient, path: string, body: object) {
  const res = await api.post(path, body);
  expectOk(res);
  return res.body;
}

const migrateRequest = (nodeMigrations: Record<string, { newNodeName: string }> = { wait: { newNodeName: 'waiting' } }) => ({
  oldWfSpec: { name: 'flow', majorVersion: 0, revision: 0 },
  migration: { newMajorVersion: 0, newRevision: 1, threadSpecMigrations: { entrypoint: { newThreadSpecName: 'entrypoint', nodeMigrations } } },
});

describe('MigrateWfSpec', () => {
  it('moves RUNNING runs waiting on a node to the new version; they finish along its graph', async () => {
    const api = client();
    await put(api, '/externalEventDef', { name: 'go' });
    await put(api, '/wfSpec', v0);
    for (const id of ['r1', 'r2', 'r3']) await put(api, '/wfRun', { wfSpecName: 'flow', id });
    expectOk(await api.post('/wfRun/r2/stop', {}));
    expect((await put(api, '/wfSpec', v1)).id).toEqual({ name: 'flow', majorVersion: 0, revision: 1 });

    const res = await put(api, '/wfSpec/migrate', migrateRequest());
    expect(res.wfSpec.id).toEqual({ name: 'flow', majorVersion: 0, revision: 1 });
    expect(res.migratedWfRunIds.sort()).toEqual(['r1', 'r3']);
    expect(res.notMigrated).toEqual([{ wfRunId: 'r2', reason: expect.stringContaining('HALTED') }]);

    const r1 = (await api.get('/wfRun/r1')).body;
    expect(r1).toMatchObject({ wfSpecId: { revision: 1 }, oldWfSpecVersions: [{ name: 'flow', majorVersion: 0, revision: 0 }], status: 'RUNNING' });
    expect((await api.get('/nodeRun/r1/0/1')).body).toMatchObject({ nodeName: 'waiting', status: 'RUNNING' });
    expect((await api.get('/wfRun/search?wfSpecName=flow&majorVersion=0&revision=1')).body.results.map((r: { id: string }) => r.id).sort()).toEqual(['r1', 'r3']);

    await put(api, '/wfRun/r1/externalEvent/go', { content: { str: 'done' } });
    for (let i = 0; i < 100 && (await api.get('/wfRun/r1')).body.status !== 'COMPLETED'; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await api.get('/wfRun/r1')).body.status).toBe('COMPLETED');
    expect((await api.get('/variable/r1/0/seen')).body.value).toEqual({ str: 'done' });
    expectError(await api.delete('/wfSpec/flow?majorVersion=0&revision=0'), 412, 'FAILED_PRECONDITION'); // r2 is halted on 0.0
  });

  it('refuses a mapping to a node the new version does not have, an older target, an unknown WfSpec', async () => {
    const api = client();
    await put(api, '/externalEventDef', { name: 'go' });
    await put(api, '/wfSpec', v0);
    await put(api, '/wfSpec', v1);
    expectError(await api.post('/wfSpec/migrate', migrateRequest({ wait: { newNodeName: 'nowhere' } })), 400, 'INVALID_ARGUMENT', 'migration.threadSpecMigrations.entrypoint.nodeMigrations.wait.newNodeName');
    const older = { oldWfSpec: { name: 'flow', majorVersion: 0, revision: 1 }, migration: { newMajorVersion: 0, newRevision: 0 } };
    expectError(await api.post('/wfSpec/migrate', older), 400, 'INVALID_ARGUMENT', 'migration.newMajorVersion');
    expectError(await api.post('/wfSpec/migrate', { ...migrateRequest(), oldWfSpec: { name: 'nope', majorVersion: 0, revision: 0 } }), 404, 'NOT_FOUND');
    expectError(await api.post('/wfSpec/migrate', { oldWfSpec: { name: 'flow' } }), 400, 'INVALID_ARGUMENT', 'migration');
    await put(api, '/wfRun', { wfSpecName: 'flow', majorVersion: 0, revision: 0, id: 'stays' });
    const unmapped = await put(api, '/wfSpec/migrate', migrateRequest({}));
    expect(unmapped.notMigrated).toEqual([{ wfRunId: 'stays', reason: expect.stringContaining("no externalEvent node 'wait'") }]);
  });
});
