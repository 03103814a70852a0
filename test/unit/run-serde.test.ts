// A stored run's fields <-> its RunState: in a long run objects are parsed when first read, the maps
// behave as plain objects to every reader, and a commit looks only at what was read or added since loading.
import { describe, expect, it } from 'vitest';
import { changesOf, fromFields, settle, toFields } from '../../src/store/redis/run-serde.ts';
import type { NodeRun, RunState } from '../../src/engine/types.ts';

const nodeRun = (position: number, status = 'COMPLETED') =>
  ({ id: { wfRunId: 'r', threadRunNumber: 0, position }, status, nodeName: `n${position}`, failures: [] }) as unknown as NodeRun;

function stored(n: number): Map<string, string> {
  const state = { wfRun: { id: 'r', status: 'RUNNING' }, nodeRuns: {}, variables: {}, taskRuns: {} } as unknown as RunState;
  for (let i = 0; i < n; i++) state.nodeRuns[`0/${i}`] = nodeRun(i);
  return toFields(state);
}

function load(fields: Map<string, string>): RunState {
  const parsed = fromFields(fields);
  if (!parsed) throw new Error('no run');
  return parsed.state;
}

describe('a loaded run', () => {
  it('reads like plain objects: keys, values, entries, spread, JSON, `in`', () => {
    const fields = stored(40);
    const state = load(fields);
    const keys = Array.from({ length: 40 }, (_, i) => `0/${i}`);
    expect(Object.keys(state.nodeRuns)).toEqual(keys);
    expect(Object.values(state.nodeRuns).map((n) => n.nodeName)).toEqual(keys.map((_, i) => `n${i}`));
    expect(Object.entries({ ...state.nodeRuns }).map(([k, n]) => `${k}=${n.id.position}`)).toEqual(keys.map((k, i) => `${k}=${i}`));
    expect('0/1' in state.nodeRuns && !('0/99' in state.nodeRuns)).toBe(true);
    expect(JSON.parse(JSON.stringify(load(fields)))).toEqual(JSON.parse(JSON.stringify(state)));
    expect(state.externalEvents).toBeUndefined();
  });

  it('commits only what changed among the objects read or added; unread ones are not looked at', () => {
    const fields = stored(1000);
    const state = load(fields);
    state.wfRun.status = 'COMPLETED';
    (state.nodeRuns['0/998'] as NodeRun).status = 'ERROR'; // read and changed
    void state.nodeRuns['0/5']; // read, unchanged
    state.nodeRuns['0/1000'] = nodeRun(1000, 'RUNNING'); // added
    const { fields: changed, changes } = changesOf(fields, state);
    expect(changes.map((c) => c.field)).toEqual(['wfRun', 'node:0/998', 'node:0/1000']);
    expect(changes[1]).toMatchObject({ before: { status: 'COMPLETED' }, after: { status: 'ERROR' } });
    expect(changes[2]?.before).toBeUndefined();
    expect(changed.filter((_, i) => i % 2 === 0)).toEqual(['wfRun', 'node:0/998', 'node:0/1000']);
  });

  it('an object replaced whole counts as read', () => {
    const fields = stored(100);
    const state = load(fields);
    state.nodeRuns['0/1'] = nodeRun(1, 'HALTED');
    expect(changesOf(fields, state).changes.map((c) => c.field)).toEqual(['node:0/1']);
  });

  it('once settled after a commit, the same state is checked again only for what is read next', () => {
    const fields = stored(100);
    const state = load(fields);
    (state.nodeRuns['0/50'] as NodeRun).status = 'ERROR';
    const first = changesOf(fields, state);
    for (let i = 0; i < first.fields.length; i += 2) fields.set(first.fields[i]!, first.fields[i + 1]!);
    settle(state, fields);
    expect(changesOf(fields, state).changes).toEqual([]);
    expect(state.nodeRuns['0/50']?.status).toBe('ERROR'); // read again from what was committed
    (state.nodeRuns['0/7'] as NodeRun).status = 'HALTED';
    expect(changesOf(fields, state).changes.map((c) => c.field)).toEqual(['node:0/7']);
  });

  it('a plain map that grew large becomes lazy when settled', () => {
    const fields = stored(2);
    const state = load(fields);
    for (let i = 2; i < 60; i++) state.nodeRuns[`0/${i}`] = nodeRun(i);
    const all = changesOf(fields, state);
    expect(all.changes).toHaveLength(58);
    for (let i = 0; i < all.fields.length; i += 2) fields.set(all.fields[i]!, all.fields[i + 1]!);
    settle(state, fields);
    expect(changesOf(fields, state).changes).toEqual([]);
    expect(Object.keys(state.nodeRuns)).toHaveLength(60);
    expect(state.nodeRuns['0/59']?.nodeName).toBe('n59');
  });
});
