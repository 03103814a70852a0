// WfRuns in Redis: load, commit a transition (version-checked, with its outbox and index
// changes, in one script), clear sent effects, delete, and search by the run indexes.
import type { Redis } from 'ioredis';
import type { ExternalEvent, LHStatus, RunState, WfRun, WfSpec, WfSpecId } from '../../engine/types.ts';
import type { CapturedAdd } from '../../dispatch/fused-add.ts';
import type { Keys } from '../keys.ts';
import { changesOf, fromFields, parseChanges, settle, VARIABLE, WF_EVENT, WF_RUN } from './run-serde.ts';
import { variableKey } from '../../engine/run-state.ts';
import { allEntries, indexChanges, searchableIn, type IndexContext } from './run-indexes.ts';
import { metricEvents, RedisRunMetrics } from './run-metrics.ts';
import { RecentRuns } from './recent-runs.ts';
import { callScript, withScripts, type ScriptedRedis } from './scripts.ts';

export interface LoadedRun {
  state: RunState;
  version: number;
  /** The stored fields, to write only what a transition changed. */
  fields: Map<string, string>;
  /** The status at load time (the state may be advanced in place afterwards). */
  status: LHStatus;
}

export interface OutboxEntry { jobId: string; effect: unknown }

/** A command to apply to the run later: after `delayMs` (from Redis's clock), or at `atMs`. */
export interface TimerEntry { timerId: string; delayMs?: number; atMs?: number; command: unknown }

/** An ancestor WfRun as loaded for the INHERITED_VAR variables it owns (`fields`: those stored fields). */
export interface AncestorFields { wfRunId: string; version: number; wfRun: WfRun; fields: Map<string, string> }

/** Variable fields (`[field, json, ...]`) a child's transition changed in an ancestor, whose WfSpec says what is searchable. */
export interface AncestorWrite { ancestor: AncestorFields; fields: string[]; spec: WfSpec }

/**
 * `spec`: the run's WfSpec, which says which Variables are searchable (none are indexed without it).
 * `ancestors`: inherited variables changed, committed only if each ancestor is still at its version.
 */
export interface CommitWrites { outbox?: OutboxEntry[]; timers?: TimerEntry[]; add?: CapturedAdd; spec?: WfSpec; ancestors?: AncestorWrite[] }

/** A timer's member in the timer set: `tenant|wfRunId|timerId`. */
export function timerMember(tenant: string, wfRunId: string, timerId: string): string {
  return `${tenant}|${wfRunId}|${timerId}`;
}


export class RedisRunStore {
  private readonly redis: ScriptedRedis;
  private readonly recent = new RecentRuns();
  /** The metrics windows this store counts commits into (buffered; see run-metrics.ts). */
  readonly metrics: RedisRunMetrics;

  constructor(redis: Redis, private readonly keys: Keys) {
    this.redis = withScripts(redis);
    this.metrics = new RedisRunMetrics(redis, keys);
  }

  async load(tenant: string, wfRunId: string): Promise<LoadedRun | null> {
    const raw = await this.redis.hgetall(this.keys.run(tenant, wfRunId));
    return loadedFrom(new Map(Object.entries(raw)));
  }

  /**
   * The run for a transition, which may change it in place and then commits it: the copy this process
   * committed last if the hash is still at its version, else read whole (null if there is no run).
   */
  async loadForChange(tenant: string, wfRunId: string): Promise<LoadedRun | null> {
    const known = this.recent.take(`${tenant}/${wfRunId}`);
    const reply = await callScript(this.redis, 'coltReadRunUnlessAt', [this.keys.run(tenant, wfRunId)], [known ? String(known.version) : '']);
    if (reply === 1 && known) return known;
    const flat = reply as string[];
    const fields = new Map<string, string>();
    for (let i = 0; i < flat.length; i += 2) fields.set(flat[i]!, flat[i + 1]!);
    return loadedFrom(fields);
  }

  /**
   * Writes `after` if the run is still at `before`'s version, with its outbox entries, timers and
   * index changes, and the inherited variables it changed in its ancestors (each still at the
   * version it was read at); with `add`, also enqueues that task job in the same atomic step.
   * Returns the run as now stored (built on `before`, whose fields it takes over); null on a
   * concurrent writer (to the run or to an ancestor written), or, creating a run, when it did not
   * take in exactly the events waiting for it (then nothing at all was written).
   */
  async commit(tenant: string, before: LoadedRun | null, after: RunState, writes: CommitWrites = {}): Promise<LoadedRun | null> {
    const wfRunId = after.wfRun.id;
    const { outbox = [], timers = [], add, ancestors = [] } = writes;
    const { fields, changes } = changesOf(before?.fields ?? null, after);
    const index = indexChanges(this.indexContext(tenant, writes.spec, after.wfRun), changes);
    for (const a of ancestors) {
      const more = indexChanges(this.indexContext(tenant, a.spec, a.ancestor.wfRun), parseChanges(a.ancestor.fields, a.fields));
      index.zadd.push(...more.zadd);
      index.zrem.push(...more.zrem);
    }
    // Keys beyond the five fixed ones, referenced from the patch by position (1 = the first of them).
    const extra: string[] = [];
    const at = (key: string) => extra.push(key);
    const patch = {
      outbox: outbox.flatMap((e) => [e.jobId, JSON.stringify(e.effect)]),
      timers: timers.map((t) => [timerMember(tenant, wfRunId, t.timerId), t.delayMs ?? -1, t.atMs ?? -1, JSON.stringify(t.command)]),
      zadd: index.zadd.map(([key, score, member]) => [at(key), score, member]),
      zrem: index.zrem.map(([key, member]) => [at(key), member]),
      // A new run holds exactly the events that waited for it (see eventsWaitingFor): check and take them.
      ...(before ? {} : { adopt: [at(this.keys.pendingEvents(tenant, wfRunId)), Object.keys(after.externalEvents ?? {}).length] }),
      // The run's own set of its timers, so that deleting the run can disarm them.
      ...(timers.length > 0 ? { timerSet: at(this.keys.runTimers(tenant, wfRunId)) } : {}),
      ...(ancestors.length > 0 ? { ancestors: ancestors.map((a) => [at(this.keys.run(tenant, a.ancestor.wfRunId)), a.ancestor.version, a.fields]) } : {}),
      ...publishedWorkflowEvents(this.keys.workflowEventChannel(tenant, wfRunId), fields),
    };
    const unchanged = fields.length + outbox.length + timers.length + extra.length === 0;
    if (before && unchanged && !add) return this.committed(tenant, before, after, fields, before.version);
    const keys = [
      this.keys.run(tenant, wfRunId),
      this.keys.outbox(tenant, wfRunId),
      this.keys.outboxIndex(),
      this.keys.timers(),
      this.keys.timerCommands(),
      ...extra,
    ];
    // The changed fields follow the patch as plain arguments: JSON inside JSON would be escaped twice.
    const args = [before?.version ?? 0, `${tenant}/${wfRunId}`, JSON.stringify(patch), ...fields];
    const result = add
      ? await callScript(this.redis, 'coltCommitRunAndAdd', [...add.keys, ...keys], [...add.args, ...args])
      : await callScript(this.redis, 'coltCommitRun', keys, args);
    if (result === -1) return null;
    // Metrics are counts, not state: buffered, and written within a second.
    this.metrics.record(tenant, metricEvents(changes));
    return this.committed(tenant, before, after, fields, (before?.version ?? 0) + 1);
  }

  /** The run as now stored (kept for its next transition, see loadForChange). */
  private committed(tenant: string, before: LoadedRun | null, after: RunState, changed: string[], version: number): LoadedRun {
    const fields = before?.fields ?? new Map<string, string>();
    for (let i = 0; i < changed.length; i += 2) fields.set(changed[i]!, changed[i + 1]!);
    settle(after, fields);
    const now = { state: after, version, fields, status: after.wfRun.status };
    this.recent.keep(`${tenant}/${after.wfRun.id}`, now);
    return now;
  }

  /** Just the WfRun object of a run (not its nodes, variables...); undefined if it does not exist. */
  async wfRunOf(tenant: string, wfRunId: string): Promise<WfRun | undefined> {
    const json = await this.redis.hget(this.keys.run(tenant, wfRunId), WF_RUN);
    return json === null ? undefined : (JSON.parse(json) as WfRun);
  }

  /**
   * Of an ancestor WfRun, what INHERITED_VAR needs in one read: its version, its WfRun and those of
   * the entrypoint thread's variables `names` that it has (stored fields). Null if it does not exist.
   */
  async loadAncestorVariables(tenant: string, wfRunId: string, names: string[]): Promise<AncestorFields | null> {
    const wanted = names.map((name) => VARIABLE + variableKey(0, name));
    const [version, wfRun, ...values] = await this.redis.hmget(this.keys.run(tenant, wfRunId), 'v', WF_RUN, ...wanted);
    if (!wfRun) return null;
    const fields = new Map<string, string>();
    values.forEach((json, i) => json !== null && fields.set(wanted[i]!, json));
    return { wfRunId, version: Number(version ?? 0), wfRun: JSON.parse(wfRun) as WfRun, fields };
  }

  /** ExternalEvents posted before the WfRun existed, oldest first; null once the WfRun exists. */
  async eventsWaitingFor(tenant: string, wfRunId: string): Promise<ExternalEvent[] | null> {
    const [[, exists], [, pending]] = (await this.redis
      .multi()
      .exists(this.keys.run(tenant, wfRunId))
      .hvals(this.keys.pendingEvents(tenant, wfRunId))
      .exec()) as [[null, number], [null, string[]]];
    if (exists) return null;
    return pending.map((json) => JSON.parse(json) as ExternalEvent).sort((a, b) => a.sequence - b.sequence);
  }

  async clearOutbox(tenant: string, wfRunId: string, jobIds: string[]): Promise<void> {
    if (jobIds.length === 0) return;
    const keys = [this.keys.outbox(tenant, wfRunId), this.keys.outboxIndex()];
    await callScript(this.redis, 'coltClearOutbox', keys, [`${tenant}/${wfRunId}`, ...jobIds]);
  }

  /** Redis's clock, so every process agrees on "now" for sweeps and timers. */
  async redisTimeMs(): Promise<number> {
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  /** Runs whose outbox entries were committed before `olderThanMs` (Redis time) and are still unsent. */
  async staleOutboxes(olderThanMs: number, limit: number): Promise<Array<{ tenant: string; wfRunId: string; entries: OutboxEntry[] }>> {
    const members = await this.redis.zrangebyscore(this.keys.outboxIndex(), '-inf', olderThanMs, 'LIMIT', 0, limit);
    return Promise.all(
      members.map(async (member) => {
        const [tenant, wfRunId] = member.split('/') as [string, string];
        const raw = await this.redis.hgetall(this.keys.outbox(tenant, wfRunId));
        const entries = Object.entries(raw).map(([jobId, json]) => ({ jobId, effect: JSON.parse(json) as unknown }));
        return { tenant, wfRunId, entries };
      }),
    );
  }

  /**
   * Deletes the run and every trace of it: its hash (with its events), outbox, armed timers, the
   * events kept for it, the Cloudflare API's record of it, its markers in correlation keys, and
   * every search index entry it may have (every Variable is taken as searchable: removing an absent
   * entry costs nothing). `check` sees each state about to be deleted and may refuse by throwing.
   * Returns the state deleted, or null if the run did not exist. A commit racing with the delete
   * makes it read the run again.
   */
  async delete(tenant: string, wfRun: WfRun, check: (state: RunState) => void = () => {}): Promise<RunState | null> {
    const id = wfRun.id;
    for (;;) {
      const loaded = await this.load(tenant, id);
      if (!loaded) return null;
      check(loaded.state);
      const entries = allEntries({ keys: this.keys, tenant, searchable: () => true }, loaded.fields);
      const correlations = this.correlationsAwaited(tenant, loaded.state);
      const keys = [
        this.keys.run(tenant, id), this.keys.outbox(tenant, id), this.keys.outboxIndex(),
        this.keys.runTimers(tenant, id), this.keys.timers(), this.keys.firingTimers(), this.keys.timerCommands(), this.keys.pendingEvents(tenant, id),
        this.keys.cloudflareInstance(tenant, id), ...correlations, ...entries.map(([key]) => key),
      ];
      const args = [`${tenant}/${id}`, loaded.version, id, correlations.length, ...entries.map(([, , member]) => member)];
      const deleted = (await callScript(this.redis, 'coltDeleteRun', keys, args)) as number;
      if (deleted !== -1) return deleted === 1 ? loaded.state : null;
    }
  }

  /** The correlation hashes in which the run may have left a marker (its EXTERNAL_EVENT nodes that had a correlation key). */
  private correlationsAwaited(tenant: string, state: RunState): string[] {
    const keys = new Set<string>();
    for (const { externalEvent } of Object.values(state.nodeRuns)) {
      if (externalEvent?.correlationKey) keys.add(this.keys.correlation(tenant, externalEvent.externalEventDefId.name, externalEvent.correlationKey));
    }
    return [...keys];
  }

  private indexContext(tenant: string, spec: WfSpec | undefined, wfRun: WfRun): IndexContext {
    return { keys: this.keys, tenant, searchable: searchableIn(spec, wfRun) };
  }

  async countActiveRuns(tenant: string, wfSpecId: WfSpecId): Promise<number> {
    return this.redis.zcard(this.keys.activeRunsOfVersion(tenant, wfSpecId));
  }
}

/**
 * WorkflowEvents are never changed once thrown, so a changed `wfevent:` field is a new event: the
 * commit announces them (`defName/number`, JSON list) on the run's channel for AwaitWorkflowEvent.
 */
function publishedWorkflowEvents(channel: string, fields: string[]): { publish?: [string, string] } {
  const thrown: string[] = [];
  for (let i = 0; i < fields.length; i += 2) if (fields[i]!.startsWith(WF_EVENT)) thrown.push(fields[i]!.slice(WF_EVENT.length));
  return thrown.length === 0 ? {} : { publish: [channel, JSON.stringify(thrown)] };
}

function loadedFrom(fields: Map<string, string>): LoadedRun | null {
  const parsed = fromFields(fields);
  return parsed && { ...parsed, fields, status: parsed.state.wfRun.status };
}
