// TaskDef and WfSpec routes through the REST API (real Redis, responses validated against the contract).
// Every test works in a tenant of its own (Tenant-Id header), so tests do not see each other's objects.
import { afterAll, describe, expect, it } from 'vitest';
import { littlehorseFixture } from '../support/specs.ts';
import { startTestServer } from '../support/server.ts';
import { type ApiClient, expectError, expectOk, tenantClients } from '../support/api-client.ts';

const server = startTestServer('metadata-routes');
afterAll(() => server.close());

/** A client bound to a fresh tenant. */
const client = tenantClients(server.app, 'meta');

const GREET = { name: 'greet', inputVars: [{ name: 'name', type: 'STR' }] };
const STR = { primitiveType: 'STR', masked: false };

async function putGreet(api: ApiClient): Promise<void> {
  expectOk(await api.post('/taskDef', GREET));
}

/** The example-basic fixture with a NOP node between its TASK and its EXIT (a non-breaking change). */
function withNop(): ReturnType<typeof littlehorseFixture> {
  const spec = littlehorseFixture('example-basic-wfspec.json');
  const nodes = (spec.threadSpecs.entrypoint as { nodes: Record<string, { outgoingEdges: Array<{ sinkNodeName: string }> }> }).nodes;
  nodes['1-greet-TASK']!.outgoingEdges[0]!.sinkNodeName = '2-nop-NOP';
  nodes['2-nop-NOP'] = { outgoingEdges: [{ sinkNodeName: '2-exit-EXIT', variableMutations: [] }], failureHandlers: [], nop: {} } as never;
  return spec;
}

/** The example-basic fixture with an extra variable in its entrypoint thread. */
function withVariable(name: string, required: boolean): ReturnType<typeof littlehorseFixture> {
  const spec = littlehorseFixture('example-basic-wfspec.json');
  (spec.threadSpecs.entrypoint as { variableDefs: unknown[] }).variableDefs.push({
    varDef: { name, typeDef: { primitiveType: 'INT', masked: false } },
    required,
    searchable: false,
    jsonIndexes: [],
    accessLevel: 'PRIVATE_VAR',
  });
  return spec;
}

describe('PutTaskDef / GetTaskDef / ListTaskDefs / DeleteTaskDef', () => {
  it('accepts the legacy `type` form and returns the canonical TaskDef', async () => {
    const api = client();
    const res = await api.post('/taskDef', GREET);
    expectOk(res);
    expect(res.body).toEqual({
      id: { name: 'greet' },
      inputVars: [{ name: 'name', typeDef: STR }],
      createdAt: expect.any(String),
    });
    expect(Number.isNaN(Date.parse(res.body.createdAt))).toBe(false);
    const got = await api.get('/taskDef/greet');
    expectOk(got);
    expect(got.body).toEqual(res.body);
  });

  it('accepts the `typeDef.primitiveType` form and a returnType', async () => {
    const api = client();
    const res = await api.post('/taskDef', {
      name: 'add-one',
      inputVars: [{ name: 'n', typeDef: { primitiveType: 'INT', masked: true } }, { name: 'label', typeDef: { primitiveType: 'STR' } }],
      returnType: { returnType: { primitiveType: 'DOUBLE' } },
      description: 'adds one',
    });
    expectOk(res);
    expect(res.body).toEqual({
      id: { name: 'add-one' },
      inputVars: [
        { name: 'n', typeDef: { primitiveType: 'INT', masked: true } },
        { name: 'label', typeDef: STR },
      ],
      returnType: { returnType: { primitiveType: 'DOUBLE', masked: false } },
      description: 'adds one',
      createdAt: expect.any(String),
    });
    // A void return type: returnType present, returnType.returnType unset.
    const voidDef = await api.post('/taskDef', { name: 'fire-and-forget', returnType: {} });
    expectOk(voidDef);
    expect(voidDef.body).toEqual({ id: { name: 'fire-and-forget' }, inputVars: [], returnType: {}, createdAt: expect.any(String) });
  });

  it('an identical re-put returns the stored object, createdAt included; both typing forms are the same TaskDef', async () => {
    const api = client();
    const first = await api.post('/taskDef', GREET);
    expectOk(first);
    await new Promise((r) => setTimeout(r, 5)); // a later clock, so that a new createdAt would show
    const again = await api.post('/taskDef', GREET);
    expectOk(again);
    expect(again.body).toEqual(first.body);
    const otherForm = await api.post('/taskDef', { name: 'greet', inputVars: [{ name: 'name', typeDef: { primitiveType: 'STR' } }] });
    expectOk(otherForm);
    expect(otherForm.body).toEqual(first.body);
  });

  it('a different definition under a taken name is 409 ALREADY_EXISTS and leaves the stored one', async () => {
    const api = client();
    const first = await api.post('/taskDef', GREET);
    expectOk(first);
    const changed = await api.post('/taskDef', { name: 'greet', inputVars: [{ name: 'name', type: 'INT' }] });
    expectError(changed, 409, 'ALREADY_EXISTS', 'greet');
    const renamedArg = await api.post('/taskDef', { name: 'greet', inputVars: [{ name: 'who', type: 'STR' }] });
    expectError(renamedArg, 409, 'ALREADY_EXISTS');
    expect((await api.get('/taskDef/greet')).body).toEqual(first.body);
  });

  it.each(['bad_name', 'search', '-lead', 'trail-', 'has space', '', 'x'.repeat(129)])(
    'an invalid name %j is 400 naming `name` and nothing is stored',
    async (name) => {
      const api = client();
      const res = await api.post('/taskDef', { name, inputVars: [] });
      expectError(res, 400, 'INVALID_ARGUMENT', 'name');
      const list = await api.get('/taskDef');
      expectOk(list);
      expect(list.body.results).toEqual([]);
    },
  );

  it('rejects bad input variables with a message naming them', async () => {
    const api = client();
    expectError(await api.post('/taskDef', { name: 'a', inputVars: [{ name: 'x', type: 'STRING' }] }), 400, 'INVALID_ARGUMENT', 'inputVars[0]');
    expectError(await api.post('/taskDef', { name: 'a', inputVars: [{ name: 'x' }] }), 400, 'INVALID_ARGUMENT', 'inputVars[0].typeDef');
    expectError(await api.post('/taskDef', { name: 'a', inputVars: [{ type: 'STR' }] }), 400, 'INVALID_ARGUMENT', 'inputVars[0].name');
    expectError(
      await api.post('/taskDef', { name: 'a', inputVars: [{ name: 'x', type: 'STR' }, { name: 'x', type: 'INT' }] }),
      400,
      'INVALID_ARGUMENT',
      "'x'",
    );
    expectError(await api.post('/taskDef', { inputVars: [] }), 400, 'INVALID_ARGUMENT', 'name');
    expectError(await api.post('/taskDef', { name: 'a', returnType: 'STR' }), 400, 'INVALID_ARGUMENT', 'returnType');
    expect((await api.get('/taskDef')).body.results).toEqual([]);
  });

  it('GetTaskDef of an unknown name is 404 NOT_FOUND; of an invalid name 400', async () => {
    const api = client();
    expectError(await api.get('/taskDef/nope'), 404, 'NOT_FOUND', 'nope');
    expectError(await api.get('/taskDef/bad_name'), 400, 'INVALID_ARGUMENT', 'name');
  });

  it('lists the tenant\'s TaskDefs, and only those', async () => {
    const api = client();
    await putGreet(api);
    expectOk(await api.post('/taskDef', { name: 'other', inputVars: [] }));
    expectOk(await client().post('/taskDef', { name: 'elsewhere', inputVars: [] }));
    const list = await api.get('/taskDef');
    expectOk(list);
    expect(list.body.results.map((d: { id: { name: string } }) => d.id.name).sort()).toEqual(['greet', 'other']);
    expect(list.body.results.find((d: { id: { name: string } }) => d.id.name === 'greet')).toEqual((await api.get('/taskDef/greet')).body);
  });

  it('DeleteTaskDef removes it (then 404); deleting again is 404', async () => {
    const api = client();
    await putGreet(api);
    const del = await api.delete('/taskDef/greet');
    expectOk(del);
    expectError(await api.get('/taskDef/greet'), 404, 'NOT_FOUND');
    expect((await api.get('/taskDef')).body.results).toEqual([]);
    expectError(await api.delete('/taskDef/greet'), 404, 'NOT_FOUND', 'greet');
    // The name is free again, for any definition.
    const redefined = await api.post('/taskDef', { name: 'greet', inputVars: [{ name: 'n', type: 'INT' }] });
    expectOk(redefined);
    expect(redefined.body.inputVars).toEqual([{ name: 'n', typeDef: { primitiveType: 'INT', masked: false } }]);
  });
  it('deleting a TaskDef a WfSpec uses is allowed; new runs of the WfSpec then fail with TASK_ERROR', async () => {
    const api = client();
    await putGreet(api);
    expectOk(await api.post('/wfSpec', littlehorseFixture('example-basic-wfspec.json')));
    expectOk(await api.delete('/taskDef/greet'));
    const run = await api.post('/wfRun', { wfSpecName: 'example-basic', id: 'orphan', variables: { 'input-name': 'Obi' } });
    expectOk(run);
    expect(run.body.status).toBe('ERROR');
    const node = await api.get('/nodeRun/orphan/0/1');
    expect(node.body.status).toBe('ERROR');
    expect(node.body.failures[0]).toMatchObject({ failureName: 'TASK_ERROR', message: expect.stringContaining("'greet'") });
  });
});

describe('PutWfSpec', () => {
  it('deploys example-basic unchanged once its TaskDef exists', async () => {
    const api = client();
    await putGreet(api);
    const res = await api.post('/wfSpec', littlehorseFixture('example-basic-wfspec.json'));
    expectOk(res);
    const spec = res.body;
    expect(spec.id).toEqual({ name: 'example-basic', majorVersion: 0, revision: 0 });
    expect(spec.status).toBe('ACTIVE');
    expect(Number.isNaN(Date.parse(spec.createdAt))).toBe(false);
    expect(spec.entrypointThreadName).toBe('entrypoint');
    const thread = spec.threadSpecs.entrypoint;
    expect(Object.keys(thread.nodes).sort()).toEqual(['0-entrypoint-ENTRYPOINT', '1-greet-TASK', '2-exit-EXIT']);
    expect(thread.nodes['1-greet-TASK'].task).toMatchObject({ taskDefId: { name: 'greet' }, retries: 0, variables: [{ variableName: 'input-name' }] });
    expect(thread.variableDefs).toEqual([
      { varDef: { name: 'input-name', typeDef: STR }, required: false, searchable: true, jsonIndexes: [], accessLevel: 'PRIVATE_VAR' },
    ]);
    expect((await api.get('/wfSpec/example-basic')).body).toEqual(spec);
  });

  it('returns the canonical typeDef for a variable declared with the legacy `type`', async () => {
    const api = client();
    await putGreet(api);
    const req = littlehorseFixture('example-basic-wfspec.json');
    const thread = req.threadSpecs.entrypoint as { variableDefs: Array<{ varDef: Record<string, unknown> }> };
    thread.variableDefs[0]!.varDef = { name: 'input-name', type: 'STR' };
    const res = await api.post('/wfSpec', req);
    expectOk(res);
    expect(res.body.threadSpecs.entrypoint.variableDefs[0].varDef).toEqual({ name: 'input-name', typeDef: STR });
  });

  it('without its TaskDef is 400 naming the TaskDef, and nothing is stored', async () => {
    const api = client();
    const res = await api.post('/wfSpec', littlehorseFixture('example-basic-wfspec.json'));
    expectError(res, 400, 'INVALID_ARGUMENT', "TaskDef 'greet'");
    expect(res.body.message).toContain('1-greet-TASK');
    expectError(await api.get('/wfSpec/example-basic'), 404, 'NOT_FOUND');
    expect((await api.get('/wfSpec')).body.results).toEqual([]);
  });

  it('a TASK node passing the wrong number of arguments is 400', async () => {
    const api = client();
    expectOk(await api.post('/taskDef', { name: 'greet', inputVars: [{ name: 'a', type: 'STR' }, { name: 'b', type: 'STR' }] }));
    const res = await api.post('/wfSpec', littlehorseFixture('example-basic-wfspec.json'));
    expectError(res, 400, 'INVALID_ARGUMENT', 'variables');
    expect(res.body.message).toContain("TaskDef 'greet' takes 2 arguments");
  });

  it('an identical re-put returns the same version, createdAt included', async () => {
    const api = client();
    await putGreet(api);
    const first = await api.post('/wfSpec', littlehorseFixture('example-basic-wfspec.json'));
    expectOk(first);
    const again = await api.post('/wfSpec', littlehorseFixture('example-basic-wfspec.json'));
    expectOk(again);
    expect(again.body).toEqual(first.body);
    expect((await api.get('/wfSpec')).body.results).toHaveLength(1);
  });

  it('a non-breaking change (a NOP node, a non-required private variable) is a new revision', async () => {
    const api = client();
    await putGreet(api);
    expectOk(await api.post('/wfSpec', littlehorseFixture('example-basic-wfspec.json')));
    const nop = await api.post('/wfSpec', withNop());
    expectOk(nop);
    expect(nop.body.id).toEqual({ name: 'example-basic', majorVersion: 0, revision: 1 });
    expect(nop.body.threadSpecs.entrypoint.nodes['2-nop-NOP']).toEqual({
      outgoingEdges: [{ sinkNodeName: '2-exit-EXIT', variableMutations: [] }],
      failureHandlers: [],
      nop: {},
    });
    const optional = await api.post('/wfSpec', withVariable('age', false));
    expectOk(optional);
    expect(optional.body.id).toEqual({ name: 'example-basic', majorVersion: 0, revision: 2 });
    // Re-putting an older body is a change from the latest, so it is a new revision too.
    const back = await api.post('/wfSpec', littlehorseFixture('example-basic-wfspec.json'));
    expectOk(back);
    expect(back.body.id).toEqual({ name: 'example-basic', majorVersion: 0, revision: 3 });
  });

  it('a breaking change (a new required input variable) is a new major version', async () => {
    const api = client();
    await putGreet(api);
    expectOk(await api.post('/wfSpec', littlehorseFixture('example-basic-wfspec.json')));
    const breaking = await api.post('/wfSpec', withVariable('age', true));
    expectOk(breaking);
    expect(breaking.body.id).toEqual({ name: 'example-basic', majorVersion: 1, revision: 0 });
    expect(breaking.body.threadSpecs.entrypoint.variableDefs[1]).toEqual({
      varDef: { name: 'age', typeDef: { primitiveType: 'INT', masked: false } },
      required: true,
      searchable: false,
      jsonIndexes: [],
      accessLevel: 'PRIVATE_VAR',
    });
    // A new PUBLIC variable is breaking as well.
    const req = littlehorseFixture('example-basic-wfspec.json');
    (req.threadSpecs.entrypoint as { variableDefs: unknown[] }).variableDefs.push({
      varDef: { name: 'age', typeDef: { primitiveType: 'INT' } }, required: true, accessLevel: 'PUBLIC_VAR',
    });
    const pub = await api.post('/wfSpec', req);
    expectOk(pub);
    expect(pub.body.id).toEqual({ name: 'example-basic', majorVersion: 2, revision: 0 });
  });

  it('allowedUpdates: MINOR_REVISION_UPDATES takes non-breaking changes, NO_UPDATES takes identical re-puts', async () => {
    const api = client();
    await putGreet(api);
    const minor = { ...littlehorseFixture('example-basic-wfspec.json'), allowedUpdates: 'MINOR_REVISION_UPDATES' };
    const v0 = await api.post('/wfSpec', minor);
    expectOk(v0);
    expect(v0.body.allowedUpdates).toBe('MINOR_REVISION_UPDATES');
    const v1 = await api.post('/wfSpec', { ...withNop(), allowedUpdates: 'MINOR_REVISION_UPDATES' });
    expectOk(v1);
    expect(v1.body.id).toEqual({ name: 'example-basic', majorVersion: 0, revision: 1 });

    const frozen = { ...littlehorseFixture('example-basic-wfspec.json'), name: 'frozen', allowedUpdates: 'NO_UPDATES' };
    const f0 = await api.post('/wfSpec', frozen);
    expectOk(f0);
    const again = await api.post('/wfSpec', frozen);
    expectOk(again);
    expect(again.body).toEqual(f0.body);
  });

  it('allowedUpdates refusals: a breaking change under MINOR_REVISION_UPDATES is 412, any change under NO_UPDATES 409', async () => {
    const api = client();
    await putGreet(api);
    expectOk(await api.post('/wfSpec', { ...littlehorseFixture('example-basic-wfspec.json'), allowedUpdates: 'MINOR_REVISION_UPDATES' }));
    const breaking = await api.post('/wfSpec', { ...withVariable('age', true), allowedUpdates: 'MINOR_REVISION_UPDATES' });
    expectError(breaking, 412, 'FAILED_PRECONDITION', 'example-basic');
    const frozen = { ...littlehorseFixture('example-basic-wfspec.json'), name: 'frozen', allowedUpdates: 'NO_UPDATES' };
    expectOk(await api.post('/wfSpec', frozen));
    const changed = await api.post('/wfSpec', { ...withNop(), name: 'frozen', allowedUpdates: 'NO_UPDATES' });
    expectError(changed, 409, 'ALREADY_EXISTS', 'frozen');
    expect((await api.get('/wfSpec')).body.results).toHaveLength(2);
  });

  it('quickstart without its ExternalEventDef is 400 naming the EXTERNAL_EVENT node', async () => {
    const api = client();
    const str = (name: string) => ({ name, typeDef: { primitiveType: 'STR' } });
    expectOk(await api.post('/taskDef', { name: 'verify-identity', inputVars: [str('full-name'), str('email'), { name: 'ssn', typeDef: { primitiveType: 'INT' } }] }));
    for (const name of ['notify-customer-verified', 'notify-customer-not-verified']) {
      expectOk(await api.post('/taskDef', { name, inputVars: [str('full-name'), str('email')] }));
    }
    const res = await api.post('/wfSpec', littlehorseFixture('quickstart-wfspec.json'));
    expectError(res, 400, 'INVALID_ARGUMENT', '2-identity-verified-EXTERNAL_EVENT');
    expect(res.body.message).toMatch(/externalEventDefId: ExternalEventDef 'identity-verified' does not exist/);
    expectError(await api.get('/wfSpec/quickstart'), 404, 'NOT_FOUND');
  });

  it('issue-parking-ticket (StructDef types) is a clear 400', async () => {
    const api = client();
    for (const name of ['get-car-owner', 'mail-ticket']) expectOk(await api.post('/taskDef', { name, inputVars: [] }));
    const res = await api.post('/wfSpec', littlehorseFixture('issue-parking-ticket-wfspec.json'));
    expectError(res, 400, 'INVALID_ARGUMENT', 'StructDef');
    expect(res.body.message).toMatch(/not supported/);
    expectError(await api.get('/wfSpec/issue-parking-ticket'), 404, 'NOT_FOUND');
  });

  it('rejects invalid specs with a 400 naming what is wrong', async () => {
    const api = client();
    await putGreet(api);
    const base = () => littlehorseFixture('example-basic-wfspec.json');
    expectError(await api.post('/wfSpec', { ...base(), name: 'bad_name' }), 400, 'INVALID_ARGUMENT', 'name');
    expectError(await api.post('/wfSpec', { ...base(), name: 'search' }), 400, 'INVALID_ARGUMENT', 'name');
    expectError(await api.post('/wfSpec', { ...base(), entrypointThreadName: 'nope' }), 400, 'INVALID_ARGUMENT', 'entrypointThreadName');
    const { threadSpecs: _t, ...noThreads } = base();
    expectError(await api.post('/wfSpec', noThreads), 400, 'INVALID_ARGUMENT', 'threadSpecs');
    const danglingEdge = base();
    const nodes = (danglingEdge.threadSpecs.entrypoint as { nodes: Record<string, { outgoingEdges: Array<{ sinkNodeName: string }> }> }).nodes;
    nodes['1-greet-TASK']!.outgoingEdges[0]!.sinkNodeName = '9-nowhere-EXIT';
    const res = await api.post('/wfSpec', danglingEdge);
    expectError(res, 400, 'INVALID_ARGUMENT', '9-nowhere-EXIT');
    const undeclared = base();
    (undeclared.threadSpecs.entrypoint as { variableDefs: unknown[] }).variableDefs = [];
    expectError(await api.post('/wfSpec', undeclared), 400, 'INVALID_ARGUMENT', "'input-name'");
    expect((await api.get('/wfSpec')).body.results).toEqual([]);
  });
});

describe('GetWfSpec / ListWfSpecs', () => {
  /** Three versions of example-basic: 0.0, 0.1 (NOP node), 1.0 (a required input). */
  async function threeVersions(api: ApiClient) {
    await putGreet(api);
    const v00 = await api.post('/wfSpec', littlehorseFixture('example-basic-wfspec.json'));
    const v01 = await api.post('/wfSpec', withNop());
    const v10 = await api.post('/wfSpec', withVariable('age', true));
    for (const r of [v00, v01, v10]) expectOk(r);
    expect([v00, v01, v10].map((r) => [r.body.id.majorVersion, r.body.id.revision])).toEqual([[0, 0], [0, 1], [1, 0]]);
    return { v00: v00.body, v01: v01.body, v10: v10.body };
  }

  it('gets the latest, the latest of a major version, or an exact version', async () => {
    const api = client();
    const { v00, v01, v10 } = await threeVersions(api);
    expect((await api.get('/wfSpec/example-basic')).body).toEqual(v10);
    expect((await api.get('/wfSpec/example-basic?majorVersion=0')).body).toEqual(v01);
    expect((await api.get('/wfSpec/example-basic?majorVersion=1')).body).toEqual(v10);
    expect((await api.get('/wfSpec/example-basic?majorVersion=0&revision=0')).body).toEqual(v00);
    expect((await api.get('/wfSpec/example-basic?majorVersion=0&revision=1')).body).toEqual(v01);
  });

  it('is 404 for an unknown name or version, 400 for revision without majorVersion or a bad query', async () => {
    const api = client();
    await threeVersions(api);
    expectError(await api.get('/wfSpec/nope'), 404, 'NOT_FOUND', 'nope');
    expectError(await api.get('/wfSpec/example-basic?majorVersion=2'), 404, 'NOT_FOUND', 'example-basic');
    expectError(await api.get('/wfSpec/example-basic?majorVersion=0&revision=7'), 404, 'NOT_FOUND');
    expectError(await api.get('/wfSpec/example-basic?revision=0'), 400, 'INVALID_ARGUMENT', 'revision');
    expectError(await api.get('/wfSpec/example-basic?majorVersion=one'), 400, 'INVALID_ARGUMENT', 'majorVersion');
    expectError(await api.get('/wfSpec/example-basic?version=1'), 400, 'INVALID_ARGUMENT', 'version');
    expectError(await api.get('/wfSpec/bad_name'), 400, 'INVALID_ARGUMENT', 'name');
  });

  it('lists every version of every WfSpec of the tenant', async () => {
    const api = client();
    const { v00, v01, v10 } = await threeVersions(api);
    const list = await api.get('/wfSpec');
    expectOk(list);
    expect(list.body.results).toEqual([v00, v01, v10]);
    expect((await client().get('/wfSpec')).body).toEqual({ results: [] });
  });
});

describe('DeleteWfSpec', () => {
  it('is refused with 412 while a RUNNING WfRun of that version exists, and allowed once it is deleted', async () => {
    const api = client();
    await putGreet(api);
    expectOk(await api.post('/wfSpec', littlehorseFixture('example-basic-wfspec.json')));
    const v01 = await api.post('/wfSpec', withNop());
    expectOk(v01);
    const run = await api.post('/wfRun', { wfSpecName: 'example-basic', majorVersion: 0, revision: 0, id: 'blocker', variables: { 'input-name': 'Obi' } });
    expectOk(run);
    expect(run.body.status).toBe('RUNNING');

    const refused = await api.delete('/wfSpec/example-basic?majorVersion=0&revision=0');
    expectError(refused, 412, 'FAILED_PRECONDITION', 'example-basic');
    expect((await api.get('/wfSpec/example-basic?majorVersion=0&revision=0')).status).toBe(200);

    // Another version without runs can go.
    expectOk(await api.delete('/wfSpec/example-basic?majorVersion=0&revision=1'));
    expectError(await api.get('/wfSpec/example-basic?majorVersion=0&revision=1'), 404, 'NOT_FOUND');

    expectOk(await api.post('/wfRun/blocker/stop', {})); // a RUNNING WfRun cannot be deleted
    expectOk(await api.delete('/wfRun/blocker'));
    expectOk(await api.delete('/wfSpec/example-basic?majorVersion=0&revision=0'));
    expectError(await api.get('/wfSpec/example-basic?majorVersion=0&revision=0'), 404, 'NOT_FOUND');
    expectError(await api.get('/wfSpec/example-basic'), 404, 'NOT_FOUND');
    expect((await api.get('/wfSpec')).body.results).toEqual([]);
    expectError(await api.delete('/wfSpec/example-basic?majorVersion=0&revision=0'), 404, 'NOT_FOUND');
  });

  it('needs both majorVersion and revision (400), and is 404 for an unknown version', async () => {
    const api = client();
    await putGreet(api);
    expectOk(await api.post('/wfSpec', littlehorseFixture('example-basic-wfspec.json')));
    expectError(await api.delete('/wfSpec/example-basic'), 400, 'INVALID_ARGUMENT', 'majorVersion');
    expectError(await api.delete('/wfSpec/example-basic?majorVersion=0'), 400, 'INVALID_ARGUMENT', 'revision');
    expectError(await api.delete('/wfSpec/example-basic?revision=0'), 400, 'INVALID_ARGUMENT', 'majorVersion');
    expectError(await api.delete('/wfSpec/example-basic?majorVersion=x&revision=0'), 400, 'INVALID_ARGUMENT', 'majorVersion');
    expectError(await api.delete('/wfSpec/example-basic?majorVersion=3&revision=0'), 404, 'NOT_FOUND');
    expectError(await api.delete('/wfSpec/nope?majorVersion=0&revision=0'), 404, 'NOT_FOUND');
    expect((await api.get('/wfSpec/example-basic')).body.id).toEqual({ name: 'example-basic', majorVersion: 0, revision: 0 });
  });
});
