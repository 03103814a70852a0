// The `steps` log of a WfSpec-backed instance, built from its node runs: TASK nodes are `step`s (with
// their attempts), SLEEP nodes `sleep`s, EXTERNAL_EVENT nodes `waitForEvent`s, each named
// `<node name>-<n>` for the n-th visit of that node; a terminated instance ends with a `termination`. Pure.
import { nodeOutput } from '../engine/run-state.ts';
import type { NodeRun, RunState, TaskAttempt, TaskRun } from '../engine/types.ts';
import { toPlain } from '../engine/values.ts';
import { maskTaskRun } from './masking.ts';

export interface CfStepError { name: string; message: string }

export interface CfAttempt { start: string; end: string | null; success: boolean | null; error: CfStepError | null }

export type CfStep =
  | {
      type: 'step';
      name: string;
      start: string;
      end: string | null;
      success: boolean | null;
      output: unknown;
      config: { retries: { limit: number; delay: number; backoff: 'constant' | 'exponential' }; timeout: number };
      attempts: CfAttempt[];
    }
  | { type: 'sleep'; name: string; start: string; end: string; finished: boolean; error: null }
  | { type: 'waitForEvent'; name: string; start: string; end: string | null; finished: boolean; error: CfStepError | null; event_type: string; output?: unknown }
  | { type: 'termination'; trigger: { source: 'api' } };

/** The steps in arrival order. */
export function stepsOf(state: RunState, terminated: boolean): CfStep[] {
  const visits = new Map<string, number>();
  const steps: CfStep[] = [];
  for (const nodeRun of Object.values(state.nodeRuns).sort(byArrival)) {
    if (!nodeRun.task && !nodeRun.sleep && !nodeRun.externalEvent) continue;
    const visit = (visits.get(nodeRun.nodeName) ?? 0) + 1;
    visits.set(nodeRun.nodeName, visit);
    const step = stepOf(state, nodeRun, `${nodeRun.nodeName}-${visit}`);
    if (step) steps.push(step);
  }
  if (terminated) steps.push({ type: 'termination', trigger: { source: 'api' } });
  return steps;
}

function stepOf(state: RunState, nodeRun: NodeRun, name: string): CfStep | null {
  const start = nodeRun.arrivalTime;
  const finished = nodeRun.status === 'COMPLETED';
  if (nodeRun.sleep) {
    return { type: 'sleep', name, start, end: nodeRun.sleep.maturationTime, finished: nodeRun.sleep.matured, error: null };
  }
  if (nodeRun.externalEvent) {
    const e = nodeRun.externalEvent;
    const error = e.timedOut ? { name: 'WorkflowTimeoutError', message: `no ${e.externalEventDefId.name} event arrived in time` } : null;
    const output = finished ? toPlain(nodeOutput(state, nodeRun) ?? {}) : undefined;
    return {
      type: 'waitForEvent', name, start, end: nodeRun.endTime ?? null, finished, error, event_type: e.externalEventDefId.name,
      ...(output === undefined ? {} : { output }),
    };
  }
  const guid = nodeRun.task?.taskRunId?.taskGuid;
  const taskRun = guid === undefined ? undefined : state.taskRuns[guid];
  if (!taskRun) return null;
  return taskStep(maskTaskRun(taskRun), nodeRun, name);
}

function taskStep(taskRun: TaskRun, nodeRun: NodeRun, name: string): CfStep {
  const success = nodeRun.status === 'COMPLETED' ? true : nodeRun.status === 'ERROR' || nodeRun.status === 'EXCEPTION' ? false : null;
  const output = success ? taskRun.attempts.findLast((a) => a.status === 'TASK_SUCCESS')?.output : undefined;
  const backoff = taskRun.exponentialBackoff;
  return {
    type: 'step',
    name,
    start: nodeRun.arrivalTime,
    end: nodeRun.endTime ?? null,
    success,
    output: output === undefined ? null : toPlain(output),
    config: {
      retries: { limit: Math.max(0, taskRun.totalAttempts - 1), delay: backoff?.baseIntervalMs ?? 0, backoff: backoff ? 'exponential' : 'constant' },
      timeout: taskRun.timeoutSeconds * 1000,
    },
    attempts: taskRun.attempts.map((a) => attemptOf(a, nodeRun.arrivalTime)),
  };
}

function attemptOf(a: TaskAttempt, fallbackStart: string): CfAttempt {
  const done = !['TASK_SCHEDULED', 'TASK_RUNNING', 'TASK_PENDING'].includes(a.status);
  const success = a.status === 'TASK_SUCCESS' ? true : done ? false : null;
  let error: CfStepError | null = null;
  if (a.exception) error = { name: a.exception.name, message: a.exception.message };
  else if (a.error) error = { name: a.error.type, message: a.error.message };
  else if (success === false) error = { name: a.status === 'TASK_TIMEOUT' ? 'WorkflowTimeoutError' : a.status, message: a.status };
  return { start: a.startTime ?? a.scheduleTime ?? fallbackStart, end: a.endTime ?? null, success, error };
}

function byArrival(a: NodeRun, b: NodeRun): number {
  return a.arrivalTime.localeCompare(b.arrivalTime) || a.id.threadRunNumber - b.id.threadRunNumber || a.id.position - b.id.position;
}
