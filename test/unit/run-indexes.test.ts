// The index writes of a commit (pure): what a run's objects are indexed under, and what a
// transition adds and removes, so that a run found under a status has that status.
import { describe, expect, it } from 'vitest';
import type { EngineContext } from '../../src/engine/commands.ts';
import { advance } from '../../src/engine/reducer.ts';
import type { NodeRun, RunState, WfSpec } from '../../src/engine/types.ts';
import { Keys } from '../../src/store/keys.ts';
import { allEntries, indexChanges, nodeTypeOf, searchableIn, valueText } from '../../src/store/redis/run-indexes.ts';
import { changesOf, toFields } from '../../src/store/redis/run-serde.ts';
import { compileSpec, littlehorseFixture, taskDef } from '../support/specs.ts';

const greet = taskDef('greet', [['name', 'STR']], 'STR');
const spec: WfSpec = compileSpec(littlehorseFixture('example-basic-wfspec.json'), [greet]);
spec.threadSpecs.entrypoint!.variableDefs[0]!.searchable = true; // input-name
const keys = new Keys('p');
const ctx = (): EngineContext => ({ now: '2026-01-01T00:00:00.000Z', spec, taskDefs: new Map([['greet', greet]]), newGuid: () => 'g0' });
const started = () => advance(null, { type: 'RunWf', wfRunId: 'r1', variables: { 'input-name': { str: 'Obi' } } }, ctx()).state;
const indexCtx = (state: RunState, s: WfSpec | undefined = spec) => ({ keys, tenant: 't', searchable: searchableIn(s, state.wfRun) });

function changes(before: RunState | null, after: RunState) {
  const stored = before ? toFields(before) : null;
  return indexChanges(indexCtx(after), changesOf(stored, after).changes);
}

describe('a new run', () => {
  it('is indexed by spec, version, status, as active, with its searchable variable, node runs and task run', () => {
    const { zadd, zrem } = changes(null, started());
    const keysAdded = zadd.map(([key]) => key);
    expect(zrem).toEqual([]);
    expect(keysAdded).toEqual(expect.arrayContaining([
      'p:t:runs', 'p:t:runs:status:RUNNING', 'p:t:runs:spec:example-basic', 'p:t:runs:spec:example-basic:status:RUNNING',
      'p:t:runs:spec:example-basic:major:0:revision:0:status:RUNNING', 'p:t:runs:active:example-basic/0/0',
      keys.variableIndex('t', 'example-basic', 'input-name', 'Obi'),
      'p:t:nodeRuns:ENTRYPOINT:status:COMPLETED', 'p:t:nodeRuns:TASK:status:RUNNING', 'p:t:taskRuns:greet:status:TASK_SCHEDULED',
    ]));
    expect(zadd.find(([key]) => key === 'p:t:nodeRuns:TASK')?.[2]).toBe(JSON.stringify(['r1', 0, 1]));
  });

  it('indexes no variable that the WfSpec does not mark searchable', () => {
    const state = started();
    const ops = indexChanges({ keys, tenant: 't', searchable: searchableIn(undefined, state.wfRun) }, changesOf(null, state).changes);
    expect(ops.zadd.some(([key]) => key.includes(':vars:'))).toBe(false);
  });
});

describe('a transition', () => {
  it('moves the run between status indexes, leaves the active set when it terminates, and moves its task run', () => {
    const before = started();
    const after = advance(structuredClone(before), { type: 'TaskReported', taskGuid: 'g0', attemptNumber: 0, status: 'TASK_SUCCESS', output: { str: 'hi' } }, ctx()).state;
    expect(after.wfRun.status).toBe('COMPLETED');
    const { zadd, zrem } = changes(before, after);
    expect(zrem).toEqual(expect.arrayContaining([
      ['p:t:runs:status:RUNNING', 'r1'], ['p:t:runs:spec:example-basic:status:RUNNING', 'r1'], ['p:t:runs:active:example-basic/0/0', 'r1'],
      ['p:t:taskRuns:greet:status:TASK_SCHEDULED', JSON.stringify(['r1', 'g0'])],
    ]));
    expect(zadd.map(([key]) => key)).toEqual(expect.arrayContaining(['p:t:runs:status:COMPLETED', 'p:t:taskRuns:greet:status:TASK_SUCCESS', 'p:t:nodeRuns:EXIT']));
    expect(zadd.map(([key]) => key)).not.toContain('p:t:runs'); // unchanged entries are not written again
    expect(zrem.map(([key]) => key)).not.toContain(keys.variableIndex('t', 'example-basic', 'input-name', 'Obi'));
  });

  it('moves a searchable variable whose value changed', () => {
    const before = started();
    const after = structuredClone(before);
    after.variables['0/input-name']!.value = { str: 'Ben' };
    const { zadd, zrem } = changes(before, after);
    expect(zrem).toEqual([[keys.variableIndex('t', 'example-basic', 'input-name', 'Obi'), JSON.stringify(['r1', 0, 'input-name'])]]);
    expect(zadd.map(([key]) => key)).toEqual([keys.variableIndex('t', 'example-basic', 'input-name', 'Ben')]);
  });

  it('every entry of a stored run can be listed, to delete them all', () => {
    const state = started();
    const entries = allEntries(indexCtx(state), toFields(state));
    expect(entries).toEqual(expect.arrayContaining(changes(null, state).zadd));
  });
});

describe('index values', () => {
  it('node types in LittleHorse spelling, values in their text form (none for JSON and NULL)', () => {
    expect(nodeTypeOf({ waitForThreads: { threads: [] } } as unknown as NodeRun)).toBe('WAIT_FOR_THREADS');
    expect(nodeTypeOf({ externalEvent: {} } as unknown as NodeRun)).toBe('EXTERNAL_EVENT');
    expect([valueText({ int: 5 }), valueText({ bool: false }), valueText({ double: 2.5 }), valueText({ wfRunId: { id: 'w' } })]).toEqual(['5', 'false', '2.5', 'w']);
    expect([valueText({}), valueText({ jsonObj: { a: 1 } })]).toEqual([undefined, undefined]);
  });
});
