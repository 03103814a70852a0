// The Cloudflare status of a WfRun and the transition table of PATCH .../status (reference §3).
import { describe, expect, it } from 'vitest';
import type { LHStatus } from '../../src/engine/types.ts';
import { instanceStatusOf, planAction, sourcesOf, INSTANCE_STATUSES, type InstanceStatus } from '../../src/services/cloudflare-status.ts';

describe('instanceStatusOf', () => {
  it.each<[LHStatus, InstanceStatus]>([
    ['STARTING', 'queued'], ['RUNNING', 'running'], ['HALTING', 'waitingForPause'], ['HALTED', 'paused'],
    ['COMPLETED', 'complete'], ['ERROR', 'errored'], ['EXCEPTION', 'errored'],
  ])('%s is %s', (lh, cf) => expect(instanceStatusOf(lh, false)).toBe(cf));

  it('a halted or halting WfRun with the terminated marker is terminated; the marker means nothing otherwise', () => {
    expect(instanceStatusOf('HALTED', true)).toBe('terminated');
    expect(instanceStatusOf('HALTING', true)).toBe('terminated');
    expect(instanceStatusOf('RUNNING', true)).toBe('running');
    expect(instanceStatusOf('COMPLETED', true)).toBe('complete');
  });

  it('sourcesOf finds exactly the WfRun statuses that map to each status', () => {
    const all: LHStatus[] = ['STARTING', 'RUNNING', 'COMPLETED', 'HALTING', 'HALTED', 'ERROR', 'EXCEPTION'];
    for (const status of INSTANCE_STATUSES) {
      const { statuses, terminated } = sourcesOf(status);
      const expected = all.filter((lh) => [false, true].some((marked) => instanceStatusOf(lh, marked) === status && (terminated === undefined || terminated === marked)));
      expect(statuses.sort(), status).toEqual(expected.sort());
    }
  });
});

describe('planAction', () => {
  const table: Record<string, Partial<Record<InstanceStatus, string>>> = {
    pause: { queued: 'stop', running: 'stop', waiting: 'stop', paused: 'nothing', waitingForPause: 'nothing', complete: 'nothing', errored: 'nothing', terminated: 'nothing' },
    resume: { paused: 'resume', waitingForPause: 'resume', running: 'nothing', queued: 'nothing', complete: 'nothing', terminated: 'nothing' },
    terminate: { queued: 'terminate', running: 'terminate', paused: 'terminate', waitingForPause: 'terminate', complete: 'refuse', errored: 'refuse', terminated: 'refuse' },
    restart: { running: 'restart', paused: 'restart', complete: 'restart', errored: 'restart', terminated: 'restart' },
  };
  for (const [action, row] of Object.entries(table)) {
    for (const [from, plan] of Object.entries(row)) {
      it(`${action} from ${from}: ${plan}`, () => expect(planAction(action as never, from as InstanceStatus)).toBe(plan));
    }
  }
});
