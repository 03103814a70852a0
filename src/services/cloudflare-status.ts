// Cloudflare instance statuses of WfSpec-backed workflows: how a WfRun's status maps onto them, which
// run indexes hold each of them, and the transition table of PATCH .../status. Pure.
import type { LHStatus } from '../engine/types.ts';

export const INSTANCE_STATUSES = [
  'queued', 'running', 'paused', 'errored', 'terminated', 'complete', 'waitingForPause', 'waiting', 'rollingBack',
] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

export type StatusAction = 'pause' | 'resume' | 'terminate' | 'restart';

/** What an action does to a WfRun: a thread command, the terminate path, a restart, nothing, or a refusal. */
export type ActionPlan = 'stop' | 'resume' | 'terminate' | 'restart' | 'nothing' | 'refuse';

const FROM_LH: Record<LHStatus, InstanceStatus> = {
  STARTING: 'queued',
  RUNNING: 'running',
  HALTING: 'waitingForPause',
  HALTED: 'paused',
  COMPLETED: 'complete',
  ERROR: 'errored',
  EXCEPTION: 'errored',
};

/** A WfRun stopped through the terminate action stays HALTING/HALTED for the engine and is `terminated` here. */
export function instanceStatusOf(status: LHStatus, terminated: boolean): InstanceStatus {
  if (terminated && (status === 'HALTED' || status === 'HALTING')) return 'terminated';
  return FROM_LH[status];
}

/** Whether a terminated marker counts for a WfRun in `status` (a resumed or rescued run is no longer terminated). */
export function markerApplies(status: LHStatus): boolean {
  return status === 'HALTED' || status === 'HALTING';
}

/** The WfRun statuses whose runs may have `status`, and whether the terminated marker must be set (true) or unset (false). */
export function sourcesOf(status: InstanceStatus): { statuses: LHStatus[]; terminated?: boolean } {
  switch (status) {
    case 'queued': return { statuses: ['STARTING'] };
    case 'running': return { statuses: ['RUNNING'] };
    case 'complete': return { statuses: ['COMPLETED'] };
    case 'errored': return { statuses: ['ERROR', 'EXCEPTION'] };
    case 'paused': return { statuses: ['HALTED'], terminated: false };
    case 'waitingForPause': return { statuses: ['HALTING'], terminated: false };
    case 'terminated': return { statuses: ['HALTED', 'HALTING'], terminated: true };
    case 'waiting':
    case 'rollingBack':
      return { statuses: [] }; // never reported for WfRuns
  }
}

const FINISHED: readonly InstanceStatus[] = ['complete', 'errored', 'terminated'];

/** The transition table (reference §3): what `action` does from `current`. */
export function planAction(action: StatusAction, current: InstanceStatus): ActionPlan {
  switch (action) {
    case 'pause': return ['queued', 'running', 'waiting'].includes(current) ? 'stop' : 'nothing';
    case 'resume': return current === 'paused' || current === 'waitingForPause' ? 'resume' : 'nothing';
    case 'terminate': return FINISHED.includes(current) ? 'refuse' : 'terminate';
    case 'restart': return 'restart';
  }
}
