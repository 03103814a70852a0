// PATCH .../status for code workflow instances, as changes of the instance's records (reference §3):
// pause (running -> waitingForPause, else paused), resume (pending timers pushed later by the pause),
// terminate (refused once finished), restart (a new life: records wiped, all or from a named step). Pure.
import {
  FINISHED_CODE_STATUSES, type CodeInstanceState, type CodeInstanceStatus, type StepRecord,
} from '../store/code-instance-records.ts';
import type { InstanceChange } from '../store/redis/code-instance-store.ts';
import type { StatusAction } from './cloudflare-status.ts';

export interface RestartFrom { name: string; count?: number; type?: 'do' | 'sleep' | 'waitForEvent' }

export type CodeStatusPlan =
  | { kind: 'change'; change: InstanceChange; status: CodeInstanceStatus; wake?: 'resume' | 'start' }
  | { kind: 'nothing'; status: CodeInstanceStatus }
  | { kind: 'cannot-terminate'; status: CodeInstanceStatus }
  | { kind: 'step-not-found' };

export function planCodeStatus(
  action: StatusAction, state: CodeInstanceState, steps: Record<string, StepRecord>, now: Date, from?: RestartFrom,
): CodeStatusPlan {
  const at = now.toISOString();
  switch (action) {
    case 'pause':
      if (state.status === 'running') return changed('waitingForPause', { set: { status: 'waitingForPause', modified_on: at } });
      if (state.status === 'queued' || state.status === 'waiting') {
        return changed('paused', { set: { status: 'paused', pausedAt: at, modified_on: at } });
      }
      return { kind: 'nothing', status: state.status };
    case 'resume':
      if (state.status === 'waitingForPause') return changed('running', { set: { status: 'running', modified_on: at } });
      if (state.status !== 'paused') return { kind: 'nothing', status: state.status };
      return {
        ...changed('queued', {
          set: { status: 'queued', modified_on: at },
          unset: ['pausedAt', 'wakeAt'],
          putSteps: shiftedTimers(steps, now.getTime() - Date.parse(state.pausedAt ?? at)),
        }),
        wake: 'resume',
      };
    case 'terminate':
      if (FINISHED_CODE_STATUSES.includes(state.status)) return { kind: 'cannot-terminate', status: state.status };
      return changed('terminated', { set: { status: 'terminated', end: at, modified_on: at }, unset: ['pausedAt', 'wakeAt'] });
    case 'restart':
      return restartPlan(state, steps, at, from);
  }
}

function changed(status: CodeInstanceStatus, change: InstanceChange): Extract<CodeStatusPlan, { kind: 'change' }> {
  return { kind: 'change', change, status };
}

/** Timers frozen while paused: each pending sleep, retry delay and event timeout moves later by `pausedMs`. */
function shiftedTimers(steps: Record<string, StepRecord>, pausedMs: number): Record<string, StepRecord> {
  const shifted: Record<string, StepRecord> = {};
  if (pausedMs <= 0) return shifted;
  for (const [key, r] of Object.entries(steps)) {
    if (r.type === 'sleep' && !r.finished) shifted[key] = { ...r, until: r.until + pausedMs };
    if (r.type === 'waitForEvent' && !r.finished) shifted[key] = { ...r, deadline: r.deadline + pausedMs };
    if (r.type === 'step' && r.nextAttemptAt !== undefined) shifted[key] = { ...r, nextAttemptAt: r.nextAttemptAt + pausedMs };
  }
  return shifted;
}

/**
 * A new life under the same id and params. A full restart wipes every step record and received event;
 * a restart from a step wipes that step's record and every later one, and the waits that run again
 * take the events their wiped records had taken, in order.
 */
function restartPlan(state: CodeInstanceState, steps: Record<string, StepRecord>, at: string, from?: RestartFrom): CodeStatusPlan {
  let wiped = Object.keys(steps);
  if (from) {
    const first = findStep(steps, from);
    if (!first) return { kind: 'step-not-found' };
    wiped = Object.entries(steps).filter(([, r]) => r.seq >= first.seq).map(([k]) => k);
  }
  return {
    ...changed('queued', {
      set: { status: 'queued', generation: state.generation + 1, modified_on: at },
      unset: ['start', 'end', 'output', 'error', 'pausedAt', 'wakeAt'],
      deleteSteps: wiped,
      deleteEvents: from === undefined,
    }),
    wake: 'start',
  };
}

const KIND_OF = { do: 'step', sleep: 'sleep', waitForEvent: 'waitForEvent' } as const;

function findStep(steps: Record<string, StepRecord>, from: RestartFrom): StepRecord | undefined {
  const kinds = from.type ? [KIND_OF[from.type]] : (['step', 'sleep', 'waitForEvent'] as const);
  return kinds.map((k) => steps[`${k}:${from.name}-${from.count ?? 1}`]).find((r) => r !== undefined);
}
