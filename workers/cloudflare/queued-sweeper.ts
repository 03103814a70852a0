// Re-queues code workflow executions lost to a crash. Recording an intent (an instance created,
// resumed or restarted as `queued`, an event sent to it) and queueing the execution that acts on it
// are two writes; a crash between them leaves an instance owed a wake with no job to run it. Each
// workflow worker process sweeps the owed set of its script's workflows: an entry older than
// `graceMs` gets its execution queued again (a duplicate only costs a replay under the lease) and
// leaves the set; so does one whose instance is paused (resume wakes it), finished or gone.
import type { Logger } from 'pino';
import { FINISHED_CODE_STATUSES } from '../../src/store/code-instance-records.ts';
import type { CodeWorkflowQueues } from '../../src/dispatch/code-workflow-queues.ts';
import type { RedisCodeInstanceStore } from '../../src/store/redis/code-instance-store.ts';
import type { RedisCodeWorkflowStore } from '../../src/store/redis/code-workflow-store.ts';

export interface SweepDeps {
  instances: RedisCodeInstanceStore;
  workflows: RedisCodeWorkflowStore;
  queues: CodeWorkflowQueues;
  tenant: string;
  scriptName: string;
  log: Logger;
}

const BATCH = 200;

/** One sweep; returns how many executions it queued again. */
export async function sweepQueued(deps: SweepDeps, graceMs: number, now = Date.now()): Promise<number> {
  let requeued = 0;
  for (const workflow of await deps.workflows.list(deps.tenant)) {
    if (workflow.script_name !== deps.scriptName) continue;
    const seen = await deps.instances.queuedSince(deps.tenant, workflow.name, now - graceMs, BATCH);
    const states = await deps.instances.loadMany(deps.tenant, workflow.name, seen.map((m) => m.id));
    for (const [i, { id, score }] of seen.entries()) {
      const state = states[i];
      if (state && state.status !== 'paused' && !FINISHED_CODE_STATUSES.includes(state.status)) {
        const data = { tenant: deps.tenant, workflow: workflow.name, instanceId: id, generation: state.generation };
        await deps.queues.wake(deps.scriptName, data, { reason: `sweep-${score}` });
        requeued++;
      }
      await deps.instances.forgetQueued(deps.tenant, workflow.name, id, score);
    }
  }
  if (requeued > 0) deps.log.info({ script: deps.scriptName, requeued }, 'queued code workflow instances re-queued');
  return requeued;
}

/** Sweeps every `everyMs` until stopped; a failed sweep is logged and tried again next time. */
export function startQueuedSweeper(deps: SweepDeps, everyMs: number, graceMs: number): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= sweepQueued(deps, graceMs)
      .catch((err: unknown) => deps.log.warn({ err }, 'sweep of queued code workflow instances failed'))
      .finally(() => { running = undefined; });
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
