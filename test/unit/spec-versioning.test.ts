// PutWfSpec versioning (LittleHorse §2.2): identical, revision, major; frozen variables; allowedUpdates.
import { describe, expect, it } from 'vitest';
import { ColtError } from '../../src/errors.ts';
import { normalizeWfSpec } from '../../src/engine/spec-validation.ts';
import { allowedUpdatesOf, decideVersion, specInterface, type VersionDecision } from '../../src/engine/spec-versioning.ts';
import type { WfSpec } from '../../src/engine/types.ts';
import { entry, exit, literal, nop, output, task, threadSpec, variable, varDef, wfSpec } from '../support/spec-builder.ts';
import { taskDef } from '../support/specs.ts';

type Var = object;

/** A canonical one-thread body: entry -> [nop] -> exit (returning `returns` when given). */
function body(vars: Var[], { returns, withNop = false, allowedUpdates }: { returns?: object; withNop?: boolean; allowedUpdates?: string } = {}) {
  const nodes = [entry(), ...(withNop ? [nop('step')] : []), exit(returns ? { returnContent: returns } : {})];
  return normalizeWfSpec({ ...wfSpec('pay', { entrypoint: threadSpec(nodes, vars) }), ...(allowedUpdates ? { allowedUpdates } : {}) }, new Map());
}

function stored(b: ReturnType<typeof body>, majorVersion: number, revision: number, frozen?: WfSpec['frozenVariables']): WfSpec {
  return { id: { name: 'pay', majorVersion, revision }, createdAt: '2026-01-01T00:00:00.000Z', status: 'ACTIVE', ...b, ...(frozen ? { frozenVariables: frozen } : {}) };
}

function versionOf(d: VersionDecision): string {
  return d.kind === 'identical' ? `identical ${d.spec.id.majorVersion}.${d.spec.id.revision}` : `${d.kind} ${d.id.majorVersion}.${d.id.revision}`;
}

function errorOf(fn: () => unknown): { code: string; message: string; details: unknown } {
  try {
    fn();
  } catch (err) {
    if (err instanceof ColtError) return { code: err.code, message: err.message, details: err.details };
    throw err;
  }
  throw new Error('no error');
}

const amount = (extra: Record<string, unknown> = {}) => varDef('amount', 'INT', { required: true, ...extra });
const note = (extra: Record<string, unknown> = {}) => varDef('note', 'STR', extra);
const shared = (type = 'STR') => varDef('shared', type, { accessLevel: 'PUBLIC_VAR' });

describe('decideVersion', () => {
  const base = stored(body([amount(), note()]), 2, 3);

  it('the first version is 0.0 and freezes the required inputs and PUBLIC_VARs', () => {
    const d = decideVersion('pay', undefined, body([amount(), note(), shared()]));
    expect(d).toEqual({
      kind: 'major',
      id: { name: 'pay', majorVersion: 0, revision: 0 },
      frozenVariables: [
        { varDef: { name: 'amount', typeDef: { primitiveType: 'INT', masked: false } }, required: true, searchable: false, jsonIndexes: [], accessLevel: 'PRIVATE_VAR' },
        { varDef: { name: 'shared', typeDef: { primitiveType: 'STR', masked: false } }, required: false, searchable: false, jsonIndexes: [], accessLevel: 'PUBLIC_VAR' },
      ],
    });
  });

  it.each<[string, ReturnType<typeof body>, string]>([
    ['the same body', body([amount(), note()]), 'identical 2.3'],
    ['the same body under another allowedUpdates', body([amount(), note()], { allowedUpdates: 'MINOR_REVISION_UPDATES' }), 'identical 2.3'],
    ['a new node', body([amount(), note()], { withNop: true }), 'revision 2.4'],
    ['a new optional private variable', body([amount(), note(), varDef('extra', 'BOOL')]), 'revision 2.4'],
    ['a private variable removed', body([amount()]), 'revision 2.4'],
    ['a private variable made searchable', body([amount(), note({ searchable: true })]), 'revision 2.4'],
    ['a new required input', body([amount(), note({ required: true })]), 'major 3.0'],
    ['a required input made optional', body([amount({ required: false }), note()]), 'major 3.0'],
    ['a new PUBLIC_VAR', body([amount(), note(), shared()]), 'major 3.0'],
    ['a private variable made PUBLIC_VAR', body([amount(), note({ accessLevel: 'PUBLIC_VAR' })]), 'major 3.0'],
    ['an output where there was none', body([amount(), note()], { returns: variable('amount') }), 'major 3.0'],
  ])('%s: %s', (_what, next, expected) => {
    expect(versionOf(decideVersion('pay', base, next))).toBe(expected);
  });

  it('the output type is the static type of what EXIT returns', () => {
    const returning = (returns: object) => stored(body([amount(), note()], { returns }), 0, 0);
    expect(specInterface(returning(variable('amount'))).outputTypes).toEqual(['INT']);
    expect(specInterface(returning(literal({ str: 'x' }))).outputTypes).toEqual(['STR']);
    expect(specInterface(returning({ variableName: 'amount', targetType: { primitiveType: 'STR' } })).outputTypes).toEqual(['STR']);
    expect(specInterface(base).outputTypes).toEqual(['VOID']);
    // INT -> STR is breaking; INT -> INT from a literal is not.
    expect(versionOf(decideVersion('pay', returning(variable('amount')), body([amount(), note()], { returns: variable('note') })))).toBe('major 1.0');
    expect(versionOf(decideVersion('pay', returning(variable('amount')), body([amount(), note()], { returns: literal({ int: 1 }) })))).toBe('revision 0.1');
  });

  it('a task output returned is typed by its TaskDef: a task of another return type is breaking', () => {
    const defs = [taskDef('quote', [], 'INT'), taskDef('quote-again', [], 'INT'), taskDef('describe', [], 'STR')];
    const byName = new Map(defs.map((d) => [d.id.name, d]));
    const returningTask = (taskDefName: string) => {
      const nodes = [entry(), task('price', taskDefName), exit({ returnContent: output('price') })];
      return normalizeWfSpec(wfSpec('pay', { entrypoint: threadSpec(nodes, [amount()]) }), byName);
    };
    const v0 = stored(returningTask('quote'), 0, 0);
    expect(specInterface(v0, byName).outputTypes).toEqual(['INT']);
    expect(specInterface(v0).outputTypes).toEqual(['ANY']); // TaskDef not given: unknown
    expect(versionOf(decideVersion('pay', v0, returningTask('quote-again'), byName))).toBe('revision 0.1');
    expect(versionOf(decideVersion('pay', v0, returningTask('describe'), byName))).toBe('major 1.0');
  });

  it('a PUBLIC_VAR whose type changes is breaking, and refused once frozen', () => {
    const v0 = stored(body([amount(), shared('STR')]), 0, 0);
    const e = errorOf(() => decideVersion('pay', v0, body([amount(), shared('INT')])));
    expect(e).toEqual({
      code: 'INVALID_ARGUMENT',
      message: "threadSpecs.entrypoint.variableDefs[1].varDef.typeDef: variable 'shared' was STR in an earlier version (a required input or PUBLIC_VAR); its type may not change, it is INT now",
      details: { field: 'threadSpecs.entrypoint.variableDefs[1].varDef.typeDef' },
    });
  });

  it('frozen variables are carried forward: a dropped PUBLIC_VAR may not come back with another type', () => {
    const v0 = stored(body([amount(), shared('STR')]), 0, 0);
    const dropped = decideVersion('pay', v0, body([amount()]));
    expect(versionOf(dropped)).toBe('major 1.0');
    if (dropped.kind === 'identical') throw new Error('unexpected');
    expect(dropped.frozenVariables.map((f) => f.varDef.name)).toEqual(['amount', 'shared']);
    const v1 = stored(body([amount()]), 1, 0, dropped.frozenVariables);
    expect(errorOf(() => decideVersion('pay', v1, body([amount(), varDef('shared', 'INT')]))).code).toBe('INVALID_ARGUMENT');
    expect(versionOf(decideVersion('pay', v1, body([amount(), varDef('shared', 'STR')])))).toBe('revision 1.1');
  });

  it('allowedUpdates: MINOR_REVISION_UPDATES refuses a breaking change (412), NO_UPDATES any change (409)', () => {
    const minor = (vars: Var[]) => body(vars, { allowedUpdates: 'MINOR_REVISION_UPDATES' });
    expect(versionOf(decideVersion('pay', base, { ...minor([amount(), note()]), threadSpecs: body([amount(), note()], { withNop: true }).threadSpecs }))).toBe('revision 2.4');
    const breaking = errorOf(() => decideVersion('pay', base, minor([amount(), note(), shared()])));
    expect(breaking.code).toBe('FAILED_PRECONDITION');
    expect(breaking.message).toBe('WfSpec pay: this change is breaking (public variables [] -> [shared:STR]) and allowedUpdates is MINOR_REVISION_UPDATES');
    const none = body([amount(), note()], { withNop: true, allowedUpdates: 'NO_UPDATES' });
    expect(errorOf(() => decideVersion('pay', base, none))).toEqual({ code: 'ALREADY_EXISTS', message: 'WfSpec pay exists and allowedUpdates is NO_UPDATES', details: undefined });
    expect(versionOf(decideVersion('pay', base, body([amount(), note()], { allowedUpdates: 'NO_UPDATES' })))).toBe('identical 2.3');
  });
});

describe('allowedUpdatesOf', () => {
  it('defaults to ALL_UPDATES and refuses an unknown value naming the field', () => {
    expect(allowedUpdatesOf(undefined)).toBe('ALL_UPDATES');
    expect(allowedUpdatesOf('NO_UPDATES')).toBe('NO_UPDATES');
    expect(errorOf(() => allowedUpdatesOf('SOME'))).toEqual({
      code: 'INVALID_ARGUMENT',
      message: 'allowedUpdates: must be one of ALL_UPDATES, MINOR_REVISION_UPDATES, NO_UPDATES',
      details: { field: 'allowedUpdates' },
    });
  });
});
