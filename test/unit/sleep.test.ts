// SLEEP through the pure reducer: the timer it arms, waking, and stale timers.
import { describe, expect, it } from 'vitest';
import { advance } from '../../src/engine/reducer.ts';
import { context, Driver } from '../support/engine-driver.ts';
import { entry, exit, literal, threadSpec, varDef, variable, wfSpec } from '../support/spec-builder.ts';
import { compileSpec } from '../support/specs.ts';

const sleepFor = (body: object, vars: object[] = []) =>
  compileSpec(wfSpec('nap', { entrypoint: threadSpec([entry(), { name: 'nap', body: { sleep: body } }, exit()], vars) }), []);

describe('SLEEP', () => {
  it.each([
    ['rawSeconds', { rawSeconds: literal({ int: 30 }) }, { delayMs: 30_000 }, '2026-01-01T00:00:30.000Z'],
    ['timestamp', { timestamp: literal({ int: Date.parse('2026-02-01T00:00:00Z') }) }, { atMs: Date.parse('2026-02-01T00:00:00Z') }, '2026-02-01T00:00:00.000Z'],
    ['isoDate', { isoDate: literal({ str: '2026-03-01T12:00:00+01:00' }) }, { atMs: Date.parse('2026-03-01T11:00:00Z') }, '2026-03-01T11:00:00.000Z'],
  ])('by %s arms a timer and waits', (_kind, body, wake, maturationTime) => {
    const { state, effects } = advance(null, { type: 'RunWf', wfRunId: 'r', variables: {} }, context(sleepFor(body), []));
    expect(effects).toEqual([{ type: 'ArmTimer', timerId: 'sleep.0.1', ...wake, command: { type: 'SleepMatured', threadRunNumber: 0, position: 1 } }]);
    expect(state.nodeRuns['0/1']).toMatchObject({ status: 'RUNNING', sleep: { maturationTime, matured: false } });
  });

  it('completes when its timer fires, and a second firing changes nothing', () => {
    const d = new Driver({ nap: sleepFor({ rawSeconds: variable('s') }, [varDef('s', 'INT')]) }, []);
    d.start('nap', 'r', { s: { int: 5 } });
    const [timer] = d.timers;
    d.fireTimers();
    expect(d.run('r').nodeRuns['0/1']).toMatchObject({ status: 'COMPLETED', sleep: { matured: true } });
    expect(d.run('r').wfRun.status).toBe('COMPLETED');
    const before = structuredClone(d.run('r'));
    d.apply('r', timer!.command);
    expect(d.run('r')).toEqual(before);
  });

  it.each([
    ['a negative number of seconds', { rawSeconds: literal({ int: -1 }) }],
    ['a timestamp that is not an INT', { timestamp: literal({ str: 'soon' }) }],
    ['an isoDate that is not a date', { isoDate: literal({ str: 'tomorrow-ish' }) }],
  ])('fails with VAR_SUB_ERROR on %s', (_case, body) => {
    const { state } = advance(null, { type: 'RunWf', wfRunId: 'r', variables: {} }, context(sleepFor(body), []));
    expect(state.nodeRuns['0/1']?.failures[0]?.failureName).toBe('VAR_SUB_ERROR');
    expect(state.wfRun.status).toBe('ERROR');
  });

  it('refuses a SLEEP node without exactly one way to say when at PutWfSpec', () => {
    expect(() => sleepFor({})).toThrow(/nodes\.nap\.sleep: needs exactly one of rawSeconds, timestamp, isoDate/);
    expect(() => sleepFor({ rawSeconds: literal({ int: 1 }), isoDate: literal({ str: 'x' }) })).toThrow(/exactly one/);
  });
});
