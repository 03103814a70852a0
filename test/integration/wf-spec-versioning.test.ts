// WfSpec versioning through HTTP (LittleHorse §2.2): revisions and major versions as PutWfSpec assigns
// them, frozen variables, allowedUpdates, RunWf picking a version, and runs staying on theirs.
import { afterAll, describe, expect, it } from 'vitest';
import { expectError, expectOk, tenantClients, type ApiClient } from '../support/api-client.ts';
import { startTestServer } from '../support/server.ts';
import { entry, exit, literal, threadSpec, variable, varDef, wfSpec } from '../support/spec-builder.ts';

const server = startTestServer('wf-spec-versioning');
afterAll(() => server.close());
const client = tenantClients(server.app, 'ver');

/** entry -> wait for `approval` -> exit returning `returns`; `amount` (INT) is a required input. */
function approve(returns: object, extraVars: object[] = [], extra: Record<string, unknown> = {}) {
  const wait = { name: 'wait', body: { externalEvent: { externalEventDefId: { name: 'approval' } } } };
  const vars = [varDef('amount', 'INT', { required: true }), ...extraVars];
  return { ...wfSpec('approve', { entrypoint: threadSpec([entry(), wait, exit({ returnContent: returns })], vars) }), ...extra };
}

async function put(api: ApiClient, body: object): Promise<{ id: { majorVersion: number; revision: number } } & Record<string, unknown>> {
  const res = await api.post('/wfSpec', body);
  expectOk(res);
  return res.body;
}

const version = (spec: { id: { majorVersion: number; revision: number } }) => `${spec.id.majorVersion}.${spec.id.revision}`;

describe('PutWfSpec versions', () => {
  it('identical -> same version (whatever allowedUpdates says); compatible -> revision; breaking -> major', async () => {
    const api = client();
    expectOk(await api.post('/externalEventDef', { name: 'approval' }));
    const v00 = await put(api, approve(literal({ str: 'v0' })));
    expect(version(v00)).toBe('0.0');
    expect(await put(api, approve(literal({ str: 'v0' }), [], { allowedUpdates: 'MINOR_REVISION_UPDATES' }))).toEqual(v00);
    expect(version(await put(api, approve(literal({ str: 'v1' }))))).toBe('0.1'); // same output type
    expect(version(await put(api, approve(literal({ int: 1 }))))).toBe('1.0'); // output STR -> INT
    expect(version(await put(api, approve(literal({ int: 1 }), [varDef('shared', 'STR', { accessLevel: 'PUBLIC_VAR' })])))).toBe('2.0');
    const latest = (await api.get('/wfSpec/approve')).body;
    expect(version(latest)).toBe('2.0');
    expect(latest.frozenVariables).toEqual([
      { varDef: { name: 'amount', typeDef: { primitiveType: 'INT', masked: false } }, required: true, searchable: false, jsonIndexes: [], accessLevel: 'PRIVATE_VAR' },
      { varDef: { name: 'shared', typeDef: { primitiveType: 'STR', masked: false } }, required: false, searchable: false, jsonIndexes: [], accessLevel: 'PUBLIC_VAR' },
    ]);
  });

  it('a frozen variable (PUBLIC_VAR or required input, even of an older version) keeps its type: 400 naming thread and field', async () => {
    const api = client();
    expectOk(await api.post('/externalEventDef', { name: 'approval' }));
    await put(api, approve(literal({ str: 'x' }), [varDef('shared', 'STR', { accessLevel: 'PUBLIC_VAR' })]));
    expect(version(await put(api, approve(literal({ str: 'x' }))))).toBe('1.0'); // `shared` dropped: breaking
    const retyped = await api.post('/wfSpec', approve(literal({ str: 'x' }), [varDef('shared', 'INT')]));
    expectError(retyped, 400, 'INVALID_ARGUMENT', 'threadSpecs.entrypoint.variableDefs[1].varDef.typeDef');
    expect(retyped.body.message).toContain("variable 'shared' was STR in an earlier version");
    const amountAsStr = approve(literal({ str: 'x' }));
    (amountAsStr.threadSpecs.entrypoint as { variableDefs: Array<{ varDef: { typeDef: object } }> }).variableDefs[0]!.varDef.typeDef = { primitiveType: 'STR' };
    expectError(await api.post('/wfSpec', amountAsStr), 400, 'INVALID_ARGUMENT', 'threadSpecs.entrypoint.variableDefs[0].varDef.typeDef');
    expect(version((await api.get('/wfSpec/approve')).body)).toBe('1.0');
  });

  it('allowedUpdates: an unknown value is 400; a breaking change under MINOR_REVISION_UPDATES is 412', async () => {
    const api = client();
    expectOk(await api.post('/externalEventDef', { name: 'approval' }));
    expectError(await api.post('/wfSpec', approve(literal({ str: 'x' }), [], { allowedUpdates: 'SOMETIMES' })), 400, 'INVALID_ARGUMENT', 'allowedUpdates');
    await put(api, approve(literal({ str: 'x' })));
    const breaking = await api.post('/wfSpec', approve(variable('amount'), [], { allowedUpdates: 'MINOR_REVISION_UPDATES' }));
    expectError(breaking, 412, 'FAILED_PRECONDITION', 'approve');
    expect(breaking.body.message).toContain('output type [STR] -> [INT]');
    expect(version(await put(api, approve(literal({ str: 'y' }), [], { allowedUpdates: 'MINOR_REVISION_UPDATES' })))).toBe('0.1');
    expectError(await api.post('/wfSpec', approve(literal({ str: 'z' }), [], { allowedUpdates: 'NO_UPDATES' })), 409, 'ALREADY_EXISTS', 'approve');
  });
});

describe('RunWf versions', () => {
  it('latest, latest of a major, exact; a run stays on its version when newer ones arrive', async () => {
    const api = client();
    expectOk(await api.post('/externalEventDef', { name: 'approval' }));
    await put(api, approve(literal({ str: 'v0.0' })));
    expectOk(await api.post('/wfRun', { wfSpecName: 'approve', id: 'early', variables: { amount: 1 } }));
    await put(api, approve(literal({ str: 'v0.1' })));
    await put(api, approve(literal({ str: 'v1.0' }), [varDef('ref', 'STR', { required: true })]));

    expect(version((await api.get('/wfSpec/approve')).body)).toBe('1.0');
    expect(version((await api.get('/wfSpec/approve/latest')).body)).toBe('1.0');
    expect(version((await api.get('/wfSpec/approve/latest?majorVersion=0')).body)).toBe('0.1');
    expect(version((await api.get('/wfSpec/approve?majorVersion=0')).body)).toBe('0.1');
    expect(version((await api.get('/wfSpec/approve?majorVersion=0&revision=0')).body)).toBe('0.0');

    const started = async (id: string, extra: object) => {
      const res = await api.post('/wfRun', { wfSpecName: 'approve', id, variables: { amount: 1 }, ...extra });
      expectOk(res);
      return `${res.body.wfSpecId.majorVersion}.${res.body.wfSpecId.revision}`;
    };
    expectError(await api.post('/wfRun', { wfSpecName: 'approve', id: 'newest', variables: { amount: 1 } }), 400, 'INVALID_ARGUMENT', 'ref');
    expect(await started('newest', { variables: { amount: 1, ref: 'r' } })).toBe('1.0');
    expect(await started('major0', { majorVersion: 0 })).toBe('0.1');
    expect(await started('exact', { majorVersion: 0, revision: 0 })).toBe('0.0');
    expectError(await api.post('/wfRun', { wfSpecName: 'approve', id: 'none', majorVersion: 0, revision: 5 }), 404, 'NOT_FOUND', 'approve');

    for (const [id, output] of [['early', 'v0.0'], ['major0', 'v0.1'], ['newest', 'v1.0'], ['exact', 'v0.0']] as const) {
      expectOk(await api.post(`/wfRun/${id}/externalEvent/approval`, { content: { str: 'ok' } }));
      const run = (await api.get(`/wfRun/${id}`)).body;
      expect([run.status, run.threadRuns[0].output]).toEqual(['COMPLETED', { str: output }]);
      expect(run.threadRuns[0].wfSpecId).toEqual(run.wfSpecId);
    }
    expect((await api.get('/wfRun/early')).body.wfSpecId).toEqual({ name: 'approve', majorVersion: 0, revision: 0 });
  });
});
