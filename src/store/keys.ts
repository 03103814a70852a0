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

  /** Set of the members (in `timers()`) of every timer a WfRun has armed, so that deleting it disarms them. */
  runTimers(tenant: string, wfRunId: string): string {
    return `${this.runTag(tenant, wfRunId)}:timers:${wfRunId}`;
  }

  /** Pub/sub channel on which a commit announces the WorkflowEvents it stored (AwaitWorkflowEvent listens). */
  workflowEventChannel(tenant: string, wfRunId: string): string {
    return `${this.runTag(tenant, wfRunId)}:workflow-events:${wfRunId}`;
  }

  /** WorkflowEvents of one def: sorted set of `[wfRunId, defName, number]` JSON by creation time. */
  workflowEventIndex(tenant: string, workflowEventDefName: string): string {
    return `${this.prefix}:${tenant}:workflowEvents:${workflowEventDefName}`;
  }

  /** Hash of the tenant's WorkflowEventDefs: name -> WorkflowEventDef. */
  workflowEventDefs(tenant: string): string {
    return `${this.prefix}:${tenant}:workflowEventDefs`;
  }

  /** Sorted set of `tenant/wfRunId` with unsent outbox entries, scored by when they were committed. */
  outboxIndex(): string {
    return `${this.prefix}:outbox-index`;
  }

  /** Prefix of the per-tenant request counters of the rate limiter. */
  rateLimit(): string {
    return `${this.prefix}:ratelimit:`;
  }

  /** Prefix of the per-client-address counters of failed authentications. */
  authFailureLimit(): string {
    return `${this.prefix}:authfail:`;
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

  /**
   * WfRun search indexes: sorted sets of wfRunIds scored by start time. A version (majorVersion,
   * then revision) narrows a WfSpec name's index.
   */
  runIndex(tenant: string, filter: { wfSpecName?: string; majorVersion?: number; revision?: number; status?: LHStatus }): RunIndex {
    const spec = filter.wfSpecName === undefined ? '' : `:spec:${filter.wfSpecName}`;
    const major = filter.wfSpecName === undefined || filter.majorVersion === undefined ? '' : `:major:${filter.majorVersion}`;
    const revision = major === '' || filter.revision === undefined ? '' : `:revision:${filter.revision}`;
    const status = filter.status === undefined ? '' : `:status:${filter.status}`;
    return `${this.prefix}:${tenant}:runs${spec}${major}${revision}${status}`;
  }

  /** Child WfRuns of one parent WfRun (sorted set of wfRunIds by start time). */
  runsByParent(tenant: string, parentWfRunId: string): RunIndex {
    return `${this.prefix}:${tenant}:runs:parent:${parentWfRunId}`;
  }

  /**
   * Searchable Variables of a WfSpec's runs holding one value (its text form, hex-encoded as it may
   * hold any character): sorted set of `[wfRunId, threadRunNumber, name]` JSON by creation time.
   */
  variableIndex(tenant: string, wfSpecName: string, varName: string, valueText: string): string {
    return `${this.prefix}:${tenant}:vars:${wfSpecName}:${varName}:${Buffer.from(valueText, 'utf8').toString('hex')}`;
  }

  /** NodeRuns by node type (and status): sorted set of `[wfRunId, threadRunNumber, position]` JSON by arrival time. */
  nodeRunIndex(tenant: string, nodeType: string, status?: LHStatus): string {
    return `${this.prefix}:${tenant}:nodeRuns:${nodeType}${status === undefined ? '' : `:status:${status}`}`;
  }

  /** EXTERNAL_EVENT NodeRuns of one ExternalEventDef (and status), members and scores as in nodeRunIndex. */
  externalEventNodeRunIndex(tenant: string, externalEventDefName: string, status?: LHStatus): string {
    return `${this.nodeRunIndex(tenant, 'EXTERNAL_EVENT')}:def:${externalEventDefName}${status === undefined ? '' : `:status:${status}`}`;
  }

  /** TaskRuns by TaskDef (and status): sorted set of `[wfRunId, taskGuid]` JSON by schedule time. */
  taskRunIndex(tenant: string, taskDefName: string, status?: string): string {
    return `${this.prefix}:${tenant}:taskRuns:${taskDefName}${status === undefined ? '' : `:status:${status}`}`;
  }

  /** ExternalEvents by def (and claimed or not): sorted set of `[wfRunId, defName, guid]` JSON by creation time. */
  externalEventIndex(tenant: string, externalEventDefName: string, claimed?: boolean): string {
    return `${this.prefix}:${tenant}:externalEvents:${externalEventDefName}${claimed === undefined ? '' : `:claimed:${claimed}`}`;
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

  /** Hash of the tenant's code workflows (Cloudflare WorkflowEntrypoint classes): name -> workflow with its versions. */
  codeWorkflows(tenant: string): string {
    return `${this.prefix}:${tenant}:code-workflows`;
  }

  /** Sorted set of one code workflow's instance ids, scored by creation time. */
  codeInstances(tenant: string, workflow: string): string {
    return `${this.prefix}:${tenant}:code-instances:${workflow}`;
  }

  /** Sorted set of one code workflow's instances in one status, scored by creation time (ms). */
  codeInstancesInStatus(tenant: string, workflow: string, status: string): string {
    return `${this.prefix}:${tenant}:code-status:${workflow}:${status}`;
  }

  /**
   * Sorted set of one code workflow's instances owed a wake: recorded as `queued` (create, resume,
   * restart) or sent an event, scored by when (ms). An entry goes once the wake's job is queued; a
   * sweep wakes the ones left too long (their job was lost to a crash between recording and queueing).
   */
  codeQueuedInstances(tenant: string, workflow: string): string {
    return `${this.prefix}:${tenant}:code-queued:${workflow}`;
  }

  /**
   * One part of a code workflow instance, all in the instance's slot: `state` (hash), `steps` (hash of
   * step records by `<name>-<count>`), `events` (list of received events), `lease` (its executor's lock).
   */
  codeInstance(tenant: string, workflow: string, id: string, part: 'state' | 'steps' | 'events' | 'lease'): string {
    return `${this.prefix}:{${tenant}/cf/${workflow}/${id}}:code-${part}`;
  }

  /** The BullMQ queue of the Cloudflare API's terminate jobs (batch terminate and terminate-all). */
  cloudflareTerminateQueueName(): string {
    return 'cfterminate';
  }

  /** The BullMQ queue of one script's code workflow executions. */
  codeQueueName(tenant: string, scriptName: string): string {
    return `cfcode.${tenant}.${scriptName}`;
  }

  /** Hash of one UserTaskDef's versions: version -> UserTaskDef. */
  userTaskDefVersions(tenant: string, name: string): string {
    return `${this.prefix}:${tenant}:userTaskDef:${name}`;
  }

  /** Sorted set of the tenant's UserTaskDef names, scored by first creation. */
  userTaskDefNames(tenant: string): string {
    return `${this.prefix}:${tenant}:userTaskDefNames`;
  }

  /**
   * UserTaskRuns matching every given filter (userId and userGroup URI-encoded, as they may hold
   * any character): sorted sets of `[wfRunId, userTaskGuid]` JSON by scheduled time.
   */
  userTaskRunIndex(tenant: string, filter: { userTaskDefName?: string; status?: string; userId?: string; userGroup?: string }): string {
    const parts = [
      filter.userTaskDefName === undefined ? '' : `:def:${filter.userTaskDefName}`,
      filter.status === undefined ? '' : `:status:${filter.status}`,
      filter.userId === undefined ? '' : `:user:${encodeURIComponent(filter.userId)}`,
      filter.userGroup === undefined ? '' : `:group:${encodeURIComponent(filter.userGroup)}`,
    ];
    return `${this.prefix}:${tenant}:userTaskRuns${parts.join('')}`;
  }

  /** Task workers of one TaskDef: sorted set of clientIds by their latest heartbeat (ms, Redis clock). */
  taskWorkerGroup(tenant: string, taskDefName: string): string {
    return `${this.prefix}:${tenant}:taskWorkers:${taskDefName}`;
  }

  /** Hash: TaskDef name -> when a worker of it was first seen (ms), the creation of its TaskWorkerGroup. */
  taskWorkerGroupsCreated(tenant: string): string {
    return `${this.prefix}:${tenant}:taskWorkerGroups`;
  }

  /** Hash of the tenant's ScheduledWfRuns: id -> ScheduledWfRun. */
  scheduledWfRuns(tenant: string): string {
    return `${this.prefix}:${tenant}:scheduledWfRuns`;
  }

  /** SCAN pattern of every tenant's ScheduledWfRuns hash, and the tenant of one such key. */
  allScheduledWfRuns(): { pattern: string; tenantOf: (key: string) => string } {
    const suffix = ':scheduledWfRuns';
    return { pattern: `${this.prefix}:*${suffix}`, tenantOf: (key) => key.slice(this.prefix.length + 1, -suffix.length) };
  }

  /** The BullMQ queue whose job schedulers fire every tenant's ScheduledWfRuns. */
  scheduleQueueName(): string {
    return 'schedules';
  }

  /**
   * One metrics window (hash of counters and latency sums; `<key>:max`, a sorted set of latency
   * maxima) of a WfSpec version (`kind` wf, subject `name/major/revision`) or a TaskDef (`task`).
   */
  metricsWindow(tenant: string, kind: string, subject: string, windowLength: string, windowStartMs: number): string {
    return `${this.prefix}:${tenant}:metrics:${kind}:${subject}:${windowLength}:${windowStartMs}`;
  }

  /**
   * Hash of a tenant's running totals since the start (for Prometheus): counters, and cumulative
   * latency histogram buckets and sums (see run-metrics.ts for the fields).
   */
  metricsTotals(tenant: string): string {
    return `${this.prefix}:${tenant}:metricsTotals`;
  }

  /** BullMQ's key prefix for Colt's queues. */
  queuePrefix(): string {
    return `${this.prefix}:q`;
  }

  /** The BullMQ queue of one TaskDef (BullMQ forbids ':' in queue names). */
  taskQueueName(tenant: string, taskDefName: string): string {
    return `task.${tenant}.${taskDefName}`;
  }

  /**
   * Security objects, cluster-wide (not inside a tenant) and in one slot so that one script can
   * change them together: `tenants` (hash id -> Tenant), `principals` (hash id -> Principal),
   * `admins` (set of admin principal ids), `api-keys` (hash keyId -> ApiKey record with the key's hash).
   */
  security(part: 'tenants' | 'principals' | 'admins' | 'api-keys'): string {
    return `${this.prefix}:{security}:${part}`;
  }

  /** Set of the keyIds of one principal's API keys. */
  principalApiKeys(principalId: string): string {
    return `${this.prefix}:{security}:principal-keys:${principalId}`;
  }

  private runTag(tenant: string, wfRunId: string): string {
    const root = wfRunId.split('_')[0];
    return `${this.prefix}:{${tenant}/${root}}`;
  }
}
