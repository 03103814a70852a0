// The one commit path: load the run, reduce, commit state + outbox (version-checked), send the
// effects, clear the outbox. Any process may apply any command; the version check serializes them.
import { alreadyExists, ColtError, notFound } from '../errors.ts';
import type { Command } from '../engine/commands.ts';
import { advanceInPlace } from '../engine/reducer.ts';
import type { RunState, WfSpec } from '../engine/types.ts';
import { newGuid } from '../ids.ts';
import { jobIdOf, type TaskQueues } from '../dispatch/task-queues.ts';
import type { RedisRunStore } from '../store/redis/run-store.ts';
import type { Definitions } from './definitions.ts';

const MAX_CONFLICT_RETRIES = 20;

export interface ApplyDeps {
  runs: RedisRunStore;
  definitions: Definitions;
  taskQueues: TaskQueues;
  clock?: () => Date;
}

export class CommandApplier {
  private readonly clock: () => Date;

  constructor(private readonly deps: ApplyDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Starts a WfRun of `spec`; ALREADY_EXISTS if the id is taken. */
  async runWf(tenant: string, spec: WfSpec, command: Extract<Command, { type: 'RunWf' }>): Promise<RunState> {
    const state = await this.transition(tenant, null, spec, command);
    if (!state) throw alreadyExists(`WfRun ${command.wfRunId} already exists`);
    return state;
  }

  /** Applies a command to an existing WfRun, retrying on concurrent writers. */
  async apply(tenant: string, wfRunId: string, command: Exclude<Command, { type: 'RunWf' }>): Promise<RunState> {
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const loaded = await this.deps.runs.load(tenant, wfRunId);
      if (!loaded) throw notFound(`WfRun ${wfRunId} does not exist`);
      const spec = await this.deps.definitions.wfSpec(tenant, loaded.state.wfRun.wfSpecId);
      const state = await this.transition(tenant, loaded, spec, command);
      if (state) return state;
    }
    throw new ColtError('UNAVAILABLE', `WfRun ${wfRunId} is changing too fast; try again`);
  }

  /** Reduce, commit, send. Null when another writer got there first. */
  private async transition(
    tenant: string,
    loaded: Awaited<ReturnType<RedisRunStore['load']>>,
    spec: WfSpec,
    command: Command,
  ): Promise<RunState | null> {
    const taskDefs = await this.deps.definitions.taskDefsOf(tenant, spec);
    const ctx = { now: this.clock().toISOString(), spec, taskDefs, newGuid };
    const { state, effects } = advanceInPlace(loaded?.state ?? null, command, ctx);
    // One task to send (the common case): enqueue it inside the commit script. Otherwise the
    // effects ride the outbox and are sent after the commit (the sweeper re-sends after a crash).
    const [only, ...more] = effects;
    if (only && more.length === 0) {
      const add = await this.deps.taskQueues.captureSend(tenant, only);
      return (await this.deps.runs.commit(tenant, loaded, state, [], add)) ? state : null;
    }
    const outbox = effects.map((effect) => ({ jobId: jobIdOf(effect), effect }));
    if (!(await this.deps.runs.commit(tenant, loaded, state, outbox))) return null;
    if (effects.length > 0) {
      await this.deps.taskQueues.send(tenant, effects);
      await this.deps.runs.clearOutbox(tenant, state.wfRun.id, outbox.map((e) => e.jobId));
    }
    return state;
  }
}
