// Code workflow instances: PATCH .../status as changes of the instance's records (reference §3), and
// the durations and retry delays of the step model.
import { describe, expect, it } from 'vitest';
import { planCodeStatus } from '../../src/services/cloudflare-code-status.ts';
import type { CodeInstanceState, CodeInstanceStatus, StepRecord } from '../../src/store/code-instance-records.ts';
import { durationMs, retryDelayMs } from '../../workers/cloudflare/durations.ts';

const NOW = new Date('2026-01-01T00:10:00.000Z');
const state = (status: CodeInstanceStatus, extra: Partial<CodeInstanceState> = {}): CodeInstanceState => ({
  id: 'i1', workflow: 'wf', status, generation: 3, params: '{}', versionId: 'v', scriptName: 's', trigger: 'api',
  created_on: '2026-01-01T00:00:00.000Z', modified_on: '2026-01-01T00:00:00.000Z', ...extra,
});
const base = { start: '2026-01-01T00:00:00.000Z', end: null, success: null };
const steps: Record<string, StepRecord> = {
  'step:a-1': { type: 'step', seq: 1, name: 'a', ...base, success: true, end: base.start, config: { retries: { limit: 1, delay: 1, backoff: 'constant' }, timeout: 1 }, attempts: [] },
  'sleep:nap-1': { type: 'sleep', seq: 2, name: 'nap', start: base.start, until: 1_000, finished: false },
  'step:b-1': { type: 'step', seq: 3, name: 'b', ...base, config: { retries: { limit: 1, delay: 1, backoff: 'constant' }, timeout: 1 }, attempts: [], nextAttemptAt: 2_000 },
  'waitForEvent:go-1': { type: 'waitForEvent', seq: 4, name: 'go', start: base.start, event_type: 'go', deadline: 3_000, finished: false, end: null },
};

describe('planCodeStatus', () => {
  it.each<[CodeInstanceStatus, CodeInstanceStatus | 'nothing']>([
    ['running', 'waitingForPause'], ['waiting', 'paused'], ['queued', 'paused'],
    ['paused', 'nothing'], ['waitingForPause', 'nothing'], ['complete', 'nothing'],
  ])('pause from %s: %s', (from, to) => {
    const plan = planCodeStatus('pause', state(from), {}, NOW);
    expect(plan.kind === 'change' ? plan.status : plan.kind).toBe(to);
  });

  it('resume of a paused instance queues it and pushes every pending timer later by the pause', () => {
    const plan = planCodeStatus('resume', state('paused', { pausedAt: '2026-01-01T00:09:00.000Z' }), steps, NOW);
    expect(plan).toMatchObject({ kind: 'change', status: 'queued', wake: 'resume' });
    const put = plan.kind === 'change' ? plan.change.putSteps ?? {} : {};
    expect(Object.keys(put).sort()).toEqual(['sleep:nap-1', 'step:b-1', 'waitForEvent:go-1']);
    expect([put['sleep:nap-1'], put['step:b-1'], put['waitForEvent:go-1']]).toMatchObject([
      { until: 61_000 }, { nextAttemptAt: 62_000 }, { deadline: 63_000 },
    ]);
  });

  it('resume while waitingForPause cancels the pause; from other statuses it does nothing', () => {
    expect(planCodeStatus('resume', state('waitingForPause'), {}, NOW)).toMatchObject({ kind: 'change', status: 'running' });
    expect(planCodeStatus('resume', state('running'), {}, NOW)).toEqual({ kind: 'nothing', status: 'running' });
  });

  it('terminate is refused once finished', () => {
    for (const s of ['complete', 'errored', 'terminated'] as const) expect(planCodeStatus('terminate', state(s), {}, NOW).kind).toBe('cannot-terminate');
    expect(planCodeStatus('terminate', state('waiting'), {}, NOW)).toMatchObject({ kind: 'change', status: 'terminated' });
  });

  it('restart starts a new life: all records and events wiped, or from a named step on', () => {
    const all = planCodeStatus('restart', state('complete'), steps, NOW);
    expect(all).toMatchObject({ kind: 'change', status: 'queued', wake: 'start', change: { set: { generation: 4 }, deleteEvents: true } });
    expect(all.kind === 'change' && all.change.deleteSteps?.sort()).toEqual(Object.keys(steps).sort());
    const fromNap = planCodeStatus('restart', state('errored'), steps, NOW, { name: 'nap', type: 'sleep' });
    expect(fromNap.kind === 'change' && fromNap.change.deleteSteps?.sort()).toEqual(['sleep:nap-1', 'step:b-1', 'waitForEvent:go-1']);
    expect(fromNap).toMatchObject({ change: { deleteEvents: false } });
    expect(planCodeStatus('restart', state('errored'), steps, NOW, { name: 'a', count: 2 })).toEqual({ kind: 'step-not-found' });
  });
});

describe('durations and retry delays', () => {
  it('reads milliseconds and "<n> <unit>[s]"; refuses anything else naming the field', () => {
    expect(durationMs(250, 'f')).toBe(250);
    expect(durationMs('10 seconds', 'f')).toBe(10_000);
    expect(durationMs('1 minute', 'f')).toBe(60_000);
    expect(durationMs('2 days', 'f')).toBe(172_800_000);
    expect(() => durationMs('soon', 'retries.delay')).toThrow(/retries.delay/);
    expect(() => durationMs(-1, 'f')).toThrow();
  });

  it.each([
    ['constant', [10, 10, 10, 10]], ['linear', [10, 20, 30, 40]], ['exponential', [10, 20, 40, 80]],
  ] as const)('%s backoff after attempts 1..4: %j', (backoff, delays) => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(backoff, 10, n))).toEqual(delays);
  });
});
