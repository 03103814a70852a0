// Parent WfSpecs (LittleHorse §2.2 parent_wf_spec, §6.2 RunWf parent rules), INHERITED_VAR checks, and
// inherited variables read and written through the pure reducer.
import { describe, expect, it } from 'vitest';
import { ColtError } from '../../src/errors.ts';
import { checkInheritedVariables, checkParentWfRun, normalizeParentWfSpec } from '../../src/engine/parent-wf-specs.ts';
import { normalizeWfSpec } from '../../src/engine/spec-validation.ts';
import { advance } from '../../src/engine/reducer.ts';
import type { Variable, WfRun, WfSpec } from '../../src/engine/types.ts';
import { context } from '../support/engine-driver.ts';
import { assign, entry, exit, literal, nop, threadSpec, varDef, variable, wfSpec } from '../support/spec-builder.ts';

function spec(name: string, threads: Record<string, object[]>, parentWfSpec?: object): WfSpec {
  const threadSpecs = Object.fromEntries(Object.entries(threads).map(([t, vars]) => [t, threadSpec([entry(), exit()], vars)]));
  const body = normalizeWfSpec({ ...wfSpec(name, threadSpecs), ...(parentWfSpec ? { parentWfSpec } : {}) }, new Map());
  return { id: { name, majorVersion: 1, revision: 2 }, createdAt: '2026-01-01T00:00:00.000Z', status: 'ACTIVE', ...body };
}

function errorOf(fn: () => unknown): { code: string; message: string; field: unknown } {
  try {
    fn();
  } catch (err) {
    if (err instanceof ColtError) return { code: err.code, message: err.message, field: (err.details as { field?: string } | undefined)?.field };
    throw err;
  }
  throw new Error('no error');
}

const parent = spec('order', { entrypoint: [varDef('total', 'INT', { accessLevel: 'PUBLIC_VAR' }), varDef('secret', 'STR')], other: [varDef('elsewhere', 'STR', { accessLevel: 'PUBLIC_VAR' })] });
const inherit = (name: string, type = 'INT', extra: Record<string, unknown> = {}) => varDef(name, type, { accessLevel: 'INHERITED_VAR', ...extra });

describe('normalizeParentWfSpec', () => {
  it('reads the reference (major version in either JSON form, default 0) and names a bad field', () => {
    expect(normalizeParentWfSpec({ wfSpecName: 'order', wfSpecMajorVersion: 2 })).toEqual({ wfSpecName: 'order', wfSpecMajorVersion: 2 });
    expect(normalizeParentWfSpec({ wfSpecName: 'order', wfSpecMajorVersion: '3' })).toEqual({ wfSpecName: 'order', wfSpecMajorVersion: 3 });
    expect(normalizeParentWfSpec({ wfSpecName: 'order' })).toEqual({ wfSpecName: 'order', wfSpecMajorVersion: 0 });
    expect(errorOf(() => normalizeParentWfSpec('order')).field).toBe('parentWfSpec');
    expect(errorOf(() => normalizeParentWfSpec({ wfSpecName: 'bad_name' })).field).toBe('parentWfSpec.wfSpecName');
    expect(errorOf(() => normalizeParentWfSpec({ wfSpecName: 'order', wfSpecMajorVersion: -1 })).field).toBe('parentWfSpec.wfSpecMajorVersion');
  });

  it('is kept on the normalized body', () => {
    expect(spec('child', { entrypoint: [] }, { wfSpecName: 'order' }).parentWfSpec).toEqual({ wfSpecName: 'order', wfSpecMajorVersion: 0 });
    expect('parentWfSpec' in spec('plain', { entrypoint: [] })).toBe(false);
  });
});

describe('checkInheritedVariables', () => {
  it('accepts a WfSpec without INHERITED_VAR, with or without a parent, and a valid INHERITED_VAR', () => {
    expect(() => checkInheritedVariables(spec('child', { entrypoint: [varDef('x', 'STR')] }), parent)).not.toThrow();
    expect(() => checkInheritedVariables(spec('child', { entrypoint: [varDef('x', 'STR')] }), undefined)).not.toThrow();
    expect(() => checkInheritedVariables(spec('child', { entrypoint: [inherit('total')] }), parent)).not.toThrow();
  });

  it.each<[string, Record<string, object[]>, WfSpec | undefined, string, string]>([
    ['without a parent WfSpec', { entrypoint: [inherit('total')] }, undefined, 'threadSpecs.entrypoint.variableDefs[0].accessLevel', 'needs parentWfSpec'],
    ['outside the entrypoint thread', { entrypoint: [], other: [inherit('total')] }, parent, 'threadSpecs.other.variableDefs[0].accessLevel', "must be declared in the entrypoint thread 'entrypoint'"],
    ['required', { entrypoint: [inherit('total', 'INT', { required: true })] }, parent, 'threadSpecs.entrypoint.variableDefs[0].required', 'cannot be a required input'],
    ['unknown to the parent', { entrypoint: [inherit('nope')] }, parent, 'threadSpecs.entrypoint.variableDefs[0].varDef.name', 'is not a variable of the entrypoint thread of the parent WfSpec order 1.2'],
    ['outside the parent\'s entrypoint thread', { entrypoint: [inherit('elsewhere', 'STR')] }, parent, 'threadSpecs.entrypoint.variableDefs[0].varDef.name', 'is not a variable of the entrypoint thread of the parent WfSpec order 1.2'],
    ['PRIVATE_VAR in the parent', { entrypoint: [inherit('secret', 'STR')] }, parent, 'threadSpecs.entrypoint.variableDefs[0].varDef.name', 'is PRIVATE_VAR in the parent WfSpec order 1.2'],
    ['of another type', { entrypoint: [inherit('total', 'STR')] }, parent, 'threadSpecs.entrypoint.variableDefs[0].varDef.typeDef', 'is STR here but INT in the parent WfSpec order 1.2'],
  ])('INHERITED_VAR %s is a 400 naming thread and field', (_what, threads, parentSpec, field, problem) => {
    const e = errorOf(() => checkInheritedVariables(spec('child', threads), parentSpec));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.field).toBe(field);
    expect(e.message).toContain(`${field}: INHERITED_VAR`);
    expect(e.message).toContain(problem);
  });
});

describe('checkParentWfRun', () => {
  const child = spec('child', { entrypoint: [] }, { wfSpecName: 'order', wfSpecMajorVersion: 1 });
  const plain = spec('plain', { entrypoint: [] });
  const run = (wfSpecName: string) => ({ id: 'p1', wfSpecId: { name: wfSpecName, majorVersion: 1, revision: 0 } }) as WfRun;

  it('accepts a child of a run of the parent WfSpec, and a plain run without parent', () => {
    expect(() => checkParentWfRun(child, 'p1', run('order'))).not.toThrow();
    expect(() => checkParentWfRun(plain, undefined, undefined)).not.toThrow();
  });

  it.each<[string, WfSpec, string | undefined, WfRun | undefined, string, string]>([
    ['a child WfSpec without parentWfRunId', child, undefined, undefined, 'INVALID_ARGUMENT', 'parentWfRunId: WfSpec child needs a parent WfRun of WfSpec order'],
    ['parentWfRunId for a WfSpec without parent', plain, 'p1', run('order'), 'INVALID_ARGUMENT', 'parentWfRunId: WfSpec plain does not refer to a parent WfSpec'],
    ['a parent WfRun that does not exist', child, 'p1', undefined, 'FAILED_PRECONDITION', 'parentWfRunId: parent WfRun p1 of WfSpec order does not exist'],
    ['a parent WfRun of another WfSpec', child, 'p1', run('invoice'), 'INVALID_ARGUMENT', 'parentWfRunId: WfRun p1 is a run of invoice, not of order'],
  ])('refuses %s', (_what, s, parentWfRunId, parentRun, code, message) => {
    expect(errorOf(() => checkParentWfRun(s, parentWfRunId, parentRun))).toMatchObject({ code, message });
  });
});

describe('inherited variables in the reducer', () => {
  const NOW = '2026-01-01T00:00:00.000Z';
  const parentTotal = (value: number): Variable => ({
    id: { wfRunId: 'p', threadRunNumber: 0, name: 'total' }, value: { int: value }, createdAt: NOW, wfSpecId: parent.id, masked: false,
  });
  /** `bump` adds 5 to the parent's total and records it in its own `note`; then EXIT returns the total. */
  function child(mutations: object[]): WfSpec {
    const nodes = [entry(), nop('bump', [{ sinkNodeName: 'exit', variableMutations: mutations }]), exit({ returnContent: variable('total') })];
    const threadSpecs = { entrypoint: threadSpec(nodes, [inherit('total'), varDef('note', 'STR')]) };
    const body = normalizeWfSpec({ ...wfSpec('audit', threadSpecs), parentWfSpec: { wfSpecName: 'order' } }, new Map());
    return { id: { name: 'audit', majorVersion: 0, revision: 0 }, createdAt: NOW, status: 'ACTIVE', ...body };
  }
  const start = (s: WfSpec, inherited: Record<string, Variable> | undefined, variables = {}) =>
    advance(null, { type: 'RunWf', wfRunId: 'p_c', parentWfRunId: 'p', variables, ...(inherited ? { inherited } : {}) }, context(s, []));

  it('reads and writes the parent\'s variable, which is never created in the child', () => {
    const s = child([assign('total', literal({ int: 5 }), 'ADD'), assign('note', { formatString: { format: literal({ str: 'total {0}' }), args: [variable('total')] } })]);
    const { state } = start(s, { total: parentTotal(10) });
    expect(state.wfRun.status).toBe('COMPLETED');
    expect(state.inherited?.total).toEqual(parentTotal(15));
    expect(state.wfRun.threadRuns[0]?.output).toEqual({ int: 15 });
    expect(Object.keys(state.variables)).toEqual(['0/note']);
    expect(state.variables['0/note']?.value).toEqual({ str: 'total 15' });
  });

  it('leaves it as it was when another mutation of the edge fails', () => {
    const { state } = start(child([assign('total', literal({ int: 5 }), 'ADD'), assign('note', literal({ int: 2 }), 'DIVIDE')]), { total: parentTotal(10) });
    expect(state.nodeRuns['0/1']?.failures[0]?.failureName).toBe('VAR_SUB_ERROR');
    expect(state.inherited?.total?.value).toEqual({ int: 10 });
  });

  it('is not in scope when no ancestor has it: VAR_SUB_ERROR where it is used', () => {
    const { state } = start(child([assign('total', literal({ int: 5 }), 'ADD')]), undefined);
    expect(state.wfRun.status).toBe('ERROR');
    expect(state.nodeRuns['0/1']?.failures[0]).toMatchObject({ failureName: 'VAR_SUB_ERROR', message: expect.stringContaining("'total' failed: the variable is not in scope") });
  });

  it('cannot be given as an input (400 naming it)', () => {
    const e = errorOf(() => start(child([]), { total: parentTotal(1) }, { total: { int: 3 } }));
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'variables.total', message: 'variables.total is inherited from the parent WfRun and cannot be given' });
  });
});
