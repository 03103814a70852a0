// Every Redis key Colt uses is built here, under one prefix, with the tenant in it.
// A WfRun's own keys share the hash tag of its root run, so one commit touches one Cluster slot.
import type { LHStatus, WfSpecId } from '../engine/types.ts';

export type RunIndex = string;

export class Keys {
  constructor(readonly prefix: string) {}

  /** The hash holding one WfRun and everything under it (node runs, variables, task runs, version). */
  run(tenant: string, wfRunId: string): string {
    return `${this.runTag(tenant, wfRunId)}:run:${wfRunId}`;
  }

  /** Effects committed with the run but not yet sent (jobId -> effect). */
  outbox(tenant: string, wfRunId: string): string {
    return `${this.runTag(tenant, wfRunId)}:outbox:${wfRunId}`;
  }

  /**
   * ExternalEvents posted to a WfRun that does not exist yet (`defName/guid` -> event), in the run's
   * slot: RunWf takes them into the run and deletes this hash in the same commit.
   */
  pendingEvents(tenant: string, wfRunId: string): string {
    return `${this.runTag(tenant, wfRunId)}:pending-events:${wfRunId}`;
  }

  /** Sorted set of `tenant/wfRunId` with unsent outbox entries, scored by when they were committed. */
  outboxIndex(): string {
    return `${this.prefix}:outbox-index`;
  }

  /** Sorted set of armed timers (`tenant|wfRunId|timerId`), scored by due time on Redis's clock. */
  timers(): string {
    return `${this.prefix}:timers`;
  }

  /** Timers being fired, scored by when their lease runs out (then another server fires them). */
  firingTimers(): string {
    return `${this.prefix}:timers-firing`;
  }

  /** Hash of each armed timer's command. */
  timerCommands(): string {
    return `${this.prefix}:timer-commands`;
  }

  taskDefs(tenant: string): string {
    return `${this.prefix}:${tenant}:taskDefs`;
  }

  /** Hash of the tenant's ExternalEventDefs: name -> ExternalEventDef. */
  externalEventDefs(tenant: string): string {
    return `${this.prefix}:${tenant}:externalEventDefs`;
  }

  /**
   * One correlation key of an ExternalEventDef (the key hex-encoded, as it may hold any character):
   * the CorrelatedEvent put under it, and markers of the WfRuns waiting for it (see correlated-event-store.ts).
   */
  correlation(tenant: string, externalEventDefName: string, key: string): string {
    return `${this.prefix}:${tenant}:correlation:${externalEventDefName}:${Buffer.from(key, 'utf8').toString('hex')}`;
  }

  /** Hash of one WfSpec's versions: `major/revision` -> WfSpec. */
  wfSpecVersions(tenant: string, name: string): string {
    return `${this.prefix}:${tenant}:wfSpec:${name}`;
  }

  /** Sorted set of WfSpec names, scored by first creation. */
  wfSpecNames(tenant: string): string {
    return `${this.prefix}:${tenant}:wfSpecNames`;
  }

  /** WfRun search indexes: sorted sets of wfRunIds scored by start time. */
  runIndex(tenant: string, filter: { wfSpecName?: string; status?: LHStatus }): RunIndex {
    const spec = filter.wfSpecName === undefined ? '' : `:spec:${filter.wfSpecName}`;
    const status = filter.status === undefined ? '' : `:status:${filter.status}`;
    return `${this.prefix}:${tenant}:runs${spec}${status}`;
  }

  /** WfRuns of one exact WfSpec version that have not terminated (guards DeleteWfSpec). */
  activeRunsOfVersion(tenant: string, id: WfSpecId): RunIndex {
    return `${this.prefix}:${tenant}:runs:active:${id.name}/${id.majorVersion}/${id.revision}`;
  }

  /**
   * Hash of what the Cloudflare-compatible API knows of a WfRun it serves as an instance (params as
   * given, the terminated marker), in the run's slot; `startTime` ties it to one life of that WfRun id.
   */
  cloudflareInstance(tenant: string, wfRunId: string): string {
    return `${this.runTag(tenant, wfRunId)}:cf-instance:${wfRunId}`;
  }

  /** BullMQ's key prefix for Colt's queues. */
  queuePrefix(): string {
    return `${this.prefix}:q`;
  }

  /** The BullMQ queue of one TaskDef (BullMQ forbids ':' in queue names). */
  taskQueueName(tenant: string, taskDefName: string): string {
    return `task.${tenant}.${taskDefName}`;
  }

  private runTag(tenant: string, wfRunId: string): string {
    const root = wfRunId.split('_')[0];
    return `${this.prefix}:{${tenant}/${root}}`;
  }
}
