// One execution of a code workflow instance: take the instance's lease, replay run() from its step
// records, and record how it ended: complete, errored, or waiting (with the next job queued for when it
// is due). Paused, terminated or restarted instances are left alone: their writes are refused.
import type { CodeJobData, CodeWorkflowQueues } from '../../src/dispatch/code-workflow-queues.ts';
import { codeJobId } from '../../src/dispatch/code-workflow-queues.ts';
import type { CodeInstanceState } from '../../src/store/code-instance-records.ts';
import type { Fence, RedisCodeInstanceStore } from '../../src/store/redis/code-instance-store.ts';
import type { RedisCodeWorkflowStore } from '../../src/store/redis/code-workflow-store.ts';
import { errorData } from './errors.ts';
import { ReplayStep } from './replay-step.ts';
import type { WorkflowClass, WorkflowEvent } from './workflow-entrypoint.ts';

export interface ExecutionDeps {
  instances: RedisCodeInstanceStore;
  workflows: RedisCodeWorkflowStore;
  queues: CodeWorkflowQueues;
  scriptName: string;
  classes: Record<string, WorkflowClass<any>>;
  env: unknown;
}

/** Cloudflare's default step limit. */
const DEFAULT_MAX_STEPS = 10_000;
const STARTABLE = ['queued', 'waiting', 'running'] as const;
const EXECUTING = ['running', 'waitingForPause'] as const;

type Outcome = { kind: 'complete'; output: unknown } | { kind: 'errored'; error: unknown } | { kind: 'halted' };

/** Runs the instance of `job` once; the caller holds its lease `lease`, and every write is fenced by it. */
export async function executeInstance(deps: ExecutionDeps, job: CodeJobData, jobId: string | undefined, lease: string): Promise<void> {
  const { tenant, workflow, instanceId: id } = job;
  const state = await deps.instances.load(tenant, workflow, id);
  if (!state || state.generation !== job.generation) return; // deleted, or restarted since this job was queued
  const fence = (allowed: readonly string[], boundary: boolean): Fence => ({ generation: job.generation, allowed, boundary, now: new Date().toISOString(), lease });
  const started = await deps.instances.write(tenant, workflow, id, fence(STARTABLE, true), undefined, { status: 'running', start: state.start ?? new Date().toISOString() });
  if (started !== 'ok') return;

  const definition = await deps.workflows.get(tenant, workflow);
  const className = definition?.class_name ?? '';
  const Class = deps.classes[className];
  if (!Class) {
    const error = { name: 'WorkflowClassNotFound', message: `script ${deps.scriptName} has no workflow class ${className}` };
    await deps.instances.write(tenant, workflow, id, fence(EXECUTING, false), undefined, { status: 'errored', error, end: new Date().toISOString() });
    return;
  }
  const [records, events] = await Promise.all([deps.instances.steps(tenant, workflow, id), deps.instances.events(tenant, workflow, id)]);
  const step = new ReplayStep({
    records,
    events,
    now: () => Date.now(),
    maxSteps: definition?.versions.at(-1)?.limits?.steps ?? DEFAULT_MAX_STEPS,
    write: (key, record, boundary) => deps.instances.write(tenant, workflow, id, fence(EXECUTING, boundary), { key, record }),
  });
  const outcome = await runOnce(new Class(undefined, deps.env), eventOf(state), step);
  const end = new Date().toISOString();
  if (outcome.kind === 'complete') {
    const output = outcome.output === undefined ? undefined : JSON.stringify(outcome.output);
    await deps.instances.write(tenant, workflow, id, fence(EXECUTING, false), undefined, { status: 'complete', end, ...(output === undefined ? {} : { output }) });
  } else if (outcome.kind === 'errored') {
    await deps.instances.write(tenant, workflow, id, fence(EXECUTING, false), undefined, { status: 'errored', error: errorData(outcome.error), end });
  } else {
    await step.settled();
    await suspend(deps, job, jobId, step.wakeAt ?? Infinity, fence(EXECUTING, true));
  }
}

/** run() until it returns, throws, or halts at a step that has to wait. */
async function runOnce(instance: { run: (e: WorkflowEvent, s: ReplayStep) => Promise<unknown> }, event: WorkflowEvent, step: ReplayStep): Promise<Outcome> {
  const finished = Promise.resolve()
    .then(() => instance.run(event, step))
    .then((output): Outcome => ({ kind: 'complete', output }), (error: unknown): Outcome => ({ kind: 'errored', error }));
  return Promise.race([finished, step.halted.then((): Outcome => ({ kind: 'halted' }))]);
}

/** The next job first, then the waiting status: a crash in between leaves a job that finds the instance running and replays it. */
async function suspend(deps: ExecutionDeps, job: CodeJobData, jobId: string | undefined, wakeAt: number, fence: Fence): Promise<void> {
  if (wakeAt === Infinity) return; // paused, terminated or restarted meanwhile
  const reason = `t${wakeAt}`;
  const id = codeJobId(job, reason) === jobId ? codeJobId(job, `${reason}-${Date.now()}`) : undefined;
  await deps.queues.wake(deps.scriptName, job, { reason, at: wakeAt }, id);
  await deps.instances.write(job.tenant, job.workflow, job.instanceId, fence, undefined, { status: 'waiting', wakeAt });
}

function eventOf(state: CodeInstanceState): WorkflowEvent {
  return {
    payload: JSON.parse(state.params) as Readonly<unknown>,
    timestamp: new Date(state.created_on),
    instanceId: state.id,
    workflowName: state.workflow,
  };
}
