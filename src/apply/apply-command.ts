// The one commit path: load the run, reduce, commit state + effects (version-checked), send the
// effects. Any process may apply any command; the version check serializes writers to one run.
import type { Logger } from 'pino';
import { alreadyExists, ColtError, notFound } from '../errors.ts';
import { MissingTaskDefError, type Command, type Effect } from '../engine/commands.ts';
import { failure } from '../engine/failures.ts';
import { checkParentWfRun } from '../engine/parent-wf-specs.ts';
import { advanceInPlace } from '../engine/reducer.ts';
import type { RunState, WfSpec } from '../engine/types.ts';
import { newGuid } from '../ids.ts';
import { jobIdOf, type TaskEffect, type TaskQueues } from '../dispatch/task-queues.ts';
import type { AncestorWrite, LoadedRun, RedisRunStore } from '../store/redis/run-store.ts';
import { changedInherited, loadInherited, type InheritedScope } from './inherited-variables.ts';
import type { Definitions } from './definitions.ts';
import type { RedisCorrelatedEventStore } from '../store/redis/correlated-event-store.ts';
import { Correlator } from './correlations.ts';
import { retentionTimers } from './retention.ts';
import { eventRetentionTimers, type ExternalEventDefsOf } from './event-retention.ts';

const MAX_ATTEMPTS = 20;

export interface ApplyDeps {
  runs: RedisRunStore;
  definitions: Definitions;
  taskQueues: TaskQueues;
  correlations: RedisCorrelatedEventStore;
  log: Logger;
  clock?: () => Date;
  /** ExternalEventDefs by name, for the retention of unclaimed events (none: events are kept). */
  externalEventDefs?: ExternalEventDefsOf;
}

type RunWf = Extract<Command, { type: 'RunWf' }>;
type TimerEffect = Extract<Effect, { type: 'ArmTimer' }>;
/** Effects sent after the commit (as opposed to timers, which the commit itself arms). */
export type SentEffect = Exclude<Effect, TimerEffect>;

export class CommandApplier {
  private readonly clock: () => Date;
  /** Hands CorrelatedEvents to the runs waiting for their key (through this commit path). */
  readonly correlator: Correlator;

  constructor(private readonly deps: ApplyDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.correlator = new Correlator(deps.correlations, (tenant, wfRunId, command) => this.apply(tenant, wfRunId, command));
  }

  /**
   * Starts a WfRun of `spec`; ALREADY_EXISTS if the id is taken. Events posted before the run
   * existed are taken in by the same commit: the first try assumes there are none (the common
   * case costs nothing); a commit refused because some wait loads them and tries again.
   */
  async runWf(tenant: string, spec: WfSpec, command: RunWf): Promise<RunState> {
    const extraTaskDefs = new Set<string>();
    let withEvents = command;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const inherited = await loadInherited(this.deps.runs, tenant, command.parentWfRunId, spec);
      const run = inherited ? { ...withEvents, inherited: inherited.variables } : withEvents;
      const outcome = await this.transition(tenant, null, spec, run, extraTaskDefs, inherited);
      if (outcome === 'conflict') {
        const waiting = await this.deps.runs.eventsWaitingFor(tenant, command.wfRunId);
        if (waiting === null) throw alreadyExists(`WfRun ${command.wfRunId} already exists`);
        withEvents = { ...command, externalEvents: waiting };
      } else if (outcome !== 'retry') return outcome;
    }
    throw new ColtError('UNAVAILABLE', `WfRun ${command.wfRunId} could not be started; try again`);
  }

  /** Applies a command to an existing WfRun, retrying on concurrent writers. */
  async apply(tenant: string, wfRunId: string, command: Exclude<Command, RunWf>): Promise<RunState> {
    const extraTaskDefs = new Set<string>();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const loaded = await this.deps.runs.loadForChange(tenant, wfRunId);
      if (!loaded) throw notFound(`WfRun ${wfRunId} does not exist`);
      const spec = await this.deps.definitions.wfSpec(tenant, loaded.state.wfRun.wfSpecId);
      const inherited = await loadInherited(this.deps.runs, tenant, loaded.state.wfRun.parentWfRunId, spec);
      if (inherited) loaded.state.inherited = inherited.variables;
      const outcome = await this.transition(tenant, loaded, spec, command, extraTaskDefs, inherited);
      if (typeof outcome === 'object') return outcome;
    }
    throw new ColtError('UNAVAILABLE', `WfRun ${wfRunId} is changing too fast; try again`);
  }

  /** Sends effects that were committed: task attempts to their queues, commands to other runs. */
  async send(tenant: string, effects: SentEffect[]): Promise<void> {
    await this.deps.taskQueues.send(tenant, effects.filter((e): e is TaskEffect => e.type === 'DispatchTask'));
    for (const effect of effects) {
      switch (effect.type) {
        case 'StartChildWfRun':
          await this.startChild(tenant, effect);
          break;
        case 'NotifyParentWfRun':
          await this.tell(tenant, effect.parentWfRunId, { type: 'ChildWfRunEnded', childWfRunId: effect.childWfRunId, result: effect.result });
          break;
        case 'NotifyVariablesChanged':
          await this.tell(tenant, effect.wfRunId, { type: 'VariablesChangedByChild', childWfRunId: effect.childWfRunId });
          break;
        case 'AwaitCorrelatedEvent':
          await this.correlator.awaitEvent(tenant, effect);
          break;
      }
    }
  }

  /**
   * Reduce, commit, send. 'conflict' when another writer got there first; 'retry' when the reducer
   * asked for a TaskDef it did not have (now added to `extraTaskDefs`).
   */
  private async transition(
    tenant: string, loaded: LoadedRun | null, spec: WfSpec, command: Command, extraTaskDefs: Set<string>, inherited?: InheritedScope,
  ): Promise<RunState | 'conflict' | 'retry'> {
    const taskDefs = await this.deps.definitions.taskDefsOf(tenant, spec, extraTaskDefs);
    let transition;
    try {
      transition = advanceInPlace(loaded?.state ?? null, command, { now: this.clock().toISOString(), spec, taskDefs, newGuid });
    } catch (err) {
      if (!(err instanceof MissingTaskDefError) || extraTaskDefs.has(err.taskDefName)) throw err;
      extraTaskDefs.add(err.taskDefName);
      return 'retry';
    }
    const { state } = transition;
    const timers = [
      ...transition.effects.filter((e): e is TimerEffect => e.type === 'ArmTimer'),
      ...retentionTimers(spec, loaded?.status ?? null, state.wfRun),
      ...(await eventRetentionTimers(tenant, loaded, state, this.deps.externalEventDefs)),
    ];
    const ancestors = inherited ? await this.ancestorWrites(tenant, inherited, state) : [];
    const effects = [
      ...transition.effects.filter((e): e is SentEffect => e.type !== 'ArmTimer'),
      // An ancestor whose variables changed looks at its WAIT_FOR_CONDITION nodes again.
      ...ancestors.map(({ ancestor }): SentEffect => ({ type: 'NotifyVariablesChanged', wfRunId: ancestor.wfRunId, childWfRunId: state.wfRun.id })),
    ];
    // Timers are armed by the commit itself. One task to send (the common case): enqueue it inside
    // the commit script. Otherwise effects ride the outbox and are sent after the commit (the
    // sweeper re-sends what a crash left unsent).
    const [only, ...more] = effects;
    if (only?.type === 'DispatchTask' && more.length === 0) {
      const add = await this.deps.taskQueues.captureSend(tenant, only);
      return (await this.deps.runs.commit(tenant, loaded, state, { timers, add, spec, ancestors })) ? state : 'conflict';
    }
    const outbox = effects.map((effect) => ({ jobId: effectId(effect), effect }));
    if (!(await this.deps.runs.commit(tenant, loaded, state, { outbox, timers, spec, ancestors }))) return 'conflict';
    if (effects.length > 0) await this.sendCommitted(tenant, state.wfRun.id, outbox);
    return state;
  }

  /** The inherited variables the transition changed, with the WfSpec of each ancestor written (for its indexes). */
  private async ancestorWrites(tenant: string, inherited: InheritedScope, state: RunState): Promise<AncestorWrite[]> {
    return Promise.all(changedInherited(inherited, state).map(async (write) => (
      { ...write, spec: await this.deps.definitions.wfSpec(tenant, write.ancestor.wfRun.wfSpecId) }
    )));
  }

  /** The command is committed whatever happens here: what cannot be sent now, the sweeper sends later. */
  private async sendCommitted(tenant: string, wfRunId: string, outbox: Array<{ jobId: string; effect: SentEffect }>): Promise<void> {
    try {
      await this.send(tenant, outbox.map((e) => e.effect));
      await this.deps.runs.clearOutbox(tenant, wfRunId, outbox.map((e) => e.jobId));
    } catch (err) {
      this.deps.log.warn({ err, wfRunId }, 'effects committed but not sent yet; the outbox sweeper will send them');
    }
  }

  /**
   * Creates the child WfRun; a child that cannot start (unknown WfSpec, bad inputs, a WfSpec whose
   * parentWfSpec is another) fails its parent's wait.
   */
  private async startChild(tenant: string, e: Extract<Effect, { type: 'StartChildWfRun' }>): Promise<void> {
    try {
      const spec = await this.deps.definitions.resolveWfSpec(tenant, e.wfSpecName, e.majorVersion === undefined ? {} : { majorVersion: e.majorVersion });
      // A WfSpec that names a parent WfSpec runs only as the child of a run of that one.
      if (spec.parentWfSpec) checkParentWfRun(spec, e.parentWfRunId, await this.deps.runs.wfRunOf(tenant, e.parentWfRunId));
      await this.runWf(tenant, spec, { type: 'RunWf', wfRunId: e.childWfRunId, variables: e.variables, parentWfRunId: e.parentWfRunId });
    } catch (err) {
      if (err instanceof ColtError && err.code === 'ALREADY_EXISTS') return; // sent before
      if (!(err instanceof ColtError) || !['NOT_FOUND', 'INVALID_ARGUMENT', 'FAILED_PRECONDITION'].includes(err.code)) throw err;
      const result = { status: 'ERROR' as const, failure: failure('VAR_SUB_ERROR', `child WfRun could not start: ${err.message}`) };
      await this.tell(tenant, e.parentWfRunId, { type: 'ChildWfRunEnded', childWfRunId: e.childWfRunId, result });
    }
  }

  /** News for another run, which may have been deleted meanwhile (then it needs none). */
  private async tell(tenant: string, wfRunId: string, command: Extract<Command, { type: 'ChildWfRunEnded' | 'VariablesChangedByChild' }>): Promise<void> {
    try {
      await this.apply(tenant, wfRunId, command);
    } catch (err) {
      if (!(err instanceof ColtError && err.code === 'NOT_FOUND')) throw err;
    }
  }
}

/** Deterministic ids, so that sending an effect twice does nothing the second time. */
function effectId(effect: SentEffect): string {
  switch (effect.type) {
    case 'DispatchTask': return jobIdOf(effect);
    case 'StartChildWfRun': return `start.${effect.childWfRunId}`;
    case 'NotifyParentWfRun': return `notify.${effect.childWfRunId}`;
    case 'NotifyVariablesChanged': return `variables.${effect.wfRunId}.${effect.childWfRunId}`;
    case 'AwaitCorrelatedEvent': return `correlate.${effect.externalEventDefName}.${effect.correlationKey}`;
  }
}
