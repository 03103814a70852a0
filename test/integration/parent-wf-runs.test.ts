// Parent WfSpecs and child WfRuns started by RunWf, through HTTP (LittleHorse §2.2 parent_wf_spec,
// §6.2 RunWf parent rules): the reference is checked and kept, child ids are `<parent>_<id>`,
// INHERITED_VAR declarations are checked against the parent (inherited-variables.test.ts runs them).
import { afterAll, describe, expect, it } from 'vitest';
import { expectError, expectOk, tenantClients, type ApiClient } from '../support/api-client.ts';
import { startTestServer } from '../support/server.ts';
import { entry, exit, threadSpec, varDef, wfSpec } from '../support/spec-builder.ts';

const server = startTestServer('parent-wf-runs');
afterAll(() => server.close());
const client = tenantClients(server.app, 'parent');

/** `order` waits for an `approval` event; `total` is PUBLIC_VAR, `secret` PRIVATE_VAR. */
async function deployOrder(api: ApiClient): Promise<void> {
  expectOk(await api.post('/externalEventDef', { name: 'approval' }));
  const wait = { name: 'wait', body: { externalEvent: { externalEventDefId: { name: 'approval' } } } };
  const vars = [varDef('total', 'INT', { accessLevel: 'PUBLIC_VAR' }), varDef('secret', 'STR')];
  expectOk(await api.post('/wfSpec', wfSpec('order', { entrypoint: threadSpec([entry(), wait, exit()], vars) })));
}

function audit(vars: object[] = [], parentWfSpec: object | null = { wfSpecName: 'order' }) {
  return { ...wfSpec('audit', { entrypoint: threadSpec([entry(), exit()], vars) }), ...(parentWfSpec ? { parentWfSpec } : {}) };
}

describe('PutWfSpec with parentWfSpec', () => {
  it('keeps the reference; a parent that does not exist is 400 naming the field', async () => {
    const api = client();
    expectError(await api.post('/wfSpec', audit()), 400, 'INVALID_ARGUMENT', 'parentWfSpec.wfSpecName');
    await deployOrder(api);
    expectError(await api.post('/wfSpec', audit([], { wfSpecName: 'order', wfSpecMajorVersion: 1 })), 400, 'INVALID_ARGUMENT', 'parentWfSpec.wfSpecName');
    expectError(await api.post('/wfSpec', audit([], { wfSpecName: 'order', wfSpecMajorVersion: 'one' })), 400, 'INVALID_ARGUMENT', 'parentWfSpec.wfSpecMajorVersion');
    const put = await api.post('/wfSpec', audit());
    expectOk(put);
    expect(put.body.parentWfSpec).toEqual({ wfSpecName: 'order', wfSpecMajorVersion: 0 });
    expect((await api.get('/wfSpec/audit')).body).toEqual(put.body);
    expect((await api.post('/wfSpec', audit())).body).toEqual(put.body);
  });

  it('INHERITED_VAR: checked against the parent (400 naming thread and field)', async () => {
    const api = client();
    const inherit = (name: string, type = 'INT') => varDef(name, type, { accessLevel: 'INHERITED_VAR' });
    await deployOrder(api);
    const noParent = await api.post('/wfSpec', audit([inherit('total')], null));
    expectError(noParent, 400, 'INVALID_ARGUMENT', 'threadSpecs.entrypoint.variableDefs[0].accessLevel');
    expect(noParent.body.message).toContain('needs parentWfSpec');
    const privateVar = await api.post('/wfSpec', audit([inherit('secret', 'STR')]));
    expectError(privateVar, 400, 'INVALID_ARGUMENT', 'threadSpecs.entrypoint.variableDefs[0].varDef.name');
    expect(privateVar.body.message).toContain("INHERITED_VAR 'secret' is PRIVATE_VAR in the parent WfSpec order 0.0");
    expectError(await api.get('/wfSpec/audit'), 404, 'NOT_FOUND');
    const valid = await api.post('/wfSpec', audit([inherit('total')]));
    expectOk(valid);
    expect(valid.body.threadSpecs.entrypoint.variableDefs[0].accessLevel).toBe('INHERITED_VAR');
  });

  it('accepts searchable variables and keeps the flag', async () => {
    const api = client();
    const spec = wfSpec('indexed', { entrypoint: threadSpec([entry(), exit()], [
      varDef('customer', 'STR', { searchable: true, accessLevel: 'PUBLIC_VAR' }),
      varDef('amount', 'INT', { searchable: true }),
    ]) });
    const put = await api.post('/wfSpec', spec);
    expectOk(put);
    expect(put.body.threadSpecs.entrypoint.variableDefs.map((d: { searchable: boolean }) => d.searchable)).toEqual([true, true]);
  });
});

describe('RunWf with parentWfRunId', () => {
  it('starts `<parent>_<id>` as a child of a run of the parent WfSpec', async () => {
    const api = client();
    await deployOrder(api);
    expectOk(await api.post('/wfSpec', audit()));
    expectOk(await api.post('/wfRun', { wfSpecName: 'order', id: 'o1' }));
    const child = await api.post('/wfRun', { wfSpecName: 'audit', id: 'a1', parentWfRunId: 'o1' });
    expectOk(child);
    expect(child.body).toMatchObject({ id: 'o1_a1', parentWfRunId: 'o1', status: 'COMPLETED', wfSpecId: { name: 'audit', majorVersion: 0, revision: 0 } });
    expect((await api.get('/wfRun/o1_a1')).body).toEqual(child.body);
    const search = await api.get('/wfRun/search?wfSpecName=audit&parentWfRunId=o1');
    expectOk(search);
    expect(search.body.results).toEqual([{ id: 'o1_a1' }]);
    // Without id: a guid under the parent.
    const unnamed = await api.post('/wfRun', { wfSpecName: 'audit', parentWfRunId: 'o1' });
    expectOk(unnamed);
    expect(unnamed.body.id).toMatch(/^o1_[0-9a-f]{32}$/);
    expectError(await api.post('/wfRun', { wfSpecName: 'audit', id: 'a1', parentWfRunId: 'o1' }), 409, 'ALREADY_EXISTS', 'o1_a1');
    expect((await api.get('/wfRun/o1')).body.status).toBe('RUNNING');
  });

  it('refuses a child without parent (400), a missing parent (412), a parent of another WfSpec (400), a parent for a plain WfSpec (400)', async () => {
    const api = client();
    await deployOrder(api);
    expectOk(await api.post('/wfSpec', audit()));
    expectOk(await api.post('/wfRun', { wfSpecName: 'order', id: 'o1' }));
    expectError(await api.post('/wfRun', { wfSpecName: 'audit', id: 'a1' }), 400, 'INVALID_ARGUMENT', 'parentWfRunId');
    expectError(await api.post('/wfRun', { wfSpecName: 'audit', id: 'a1', parentWfRunId: 'nope' }), 412, 'FAILED_PRECONDITION', 'parentWfRunId');
    expectError(await api.post('/wfRun', { wfSpecName: 'audit', id: 'a1', parentWfRunId: 'bad_$' }), 400, 'INVALID_ARGUMENT', 'parentWfRunId');
    expectOk(await api.post('/wfSpec', { ...audit([], null), name: 'plain' }));
    expectOk(await api.post('/wfRun', { wfSpecName: 'plain', id: 'p1' }));
    expectError(await api.post('/wfRun', { wfSpecName: 'audit', id: 'a1', parentWfRunId: 'p1' }), 400, 'INVALID_ARGUMENT', 'parentWfRunId');
    expectError(await api.post('/wfRun', { wfSpecName: 'plain', id: 'p2', parentWfRunId: 'o1' }), 400, 'INVALID_ARGUMENT', 'parentWfRunId');
    expectError(await api.get('/wfRun/o1_a1'), 404, 'NOT_FOUND');
  });

  it('a WfSpec with a parentWfSpec cannot be scheduled (its runs need a parent): 400', async () => {
    const api = client();
    await deployOrder(api);
    expectOk(await api.post('/wfSpec', audit()));
    const res = await api.post('/scheduledWfRun', { id: 'nightly-audit', wfSpecName: 'audit', cronExpression: '0 0 * * *' });
    expectError(res, 400, 'INVALID_ARGUMENT', 'parentWfRunId');
    expectError(await api.get('/scheduledWfRun/nightly-audit'), 404, 'NOT_FOUND');
  });
});
