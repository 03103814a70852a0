// Metrics windows (LittleHorse's MINUTES_5, HOURS_2, DAYS_1): what each committed transition
// changed in a run — a WfRun or TaskRun started, finished, failed — counted into the windows of its
// WfSpec version or TaskDef, with latency sums and maxima. Counts are added up in memory and written
// once a second (and on close), one increment per field however many runs moved: a crash loses at most
// that second's counts, never doubles one.
import type { Redis } from 'ioredis';
import { TERMINAL_STATUSES, type TaskRun, type TaskStatus, type WfRun } from '../../engine/types.ts';
import type { Keys } from '../keys.ts';
import { TASK, WF_RUN, type ChangedObject } from './run-serde.ts';

export type WindowLength = 'MINUTES_5' | 'HOURS_2' | 'DAYS_1';
export const WINDOW_MS: Record<WindowLength, number> = { MINUTES_5: 300_000, HOURS_2: 7_200_000, DAYS_1: 86_400_000 };
/** How long each window is kept. */
const KEEP_MS: Record<WindowLength, number> = { MINUTES_5: 86_400_000, HOURS_2: 14 * 86_400_000, DAYS_1: 90 * 86_400_000 };

export type MetricKind = 'wf' | 'task';

/** One count (and optional latency) for a subject (`name/major/revision` of a WfSpec, or a TaskDef name). */
export interface MetricEvent { kind: MetricKind; subject: string; atMs: number; counter: string; latency?: { name: string; ms: number } }

/** A window's raw numbers: counters, latency sums and counts (`<name>Sum`, `<name>Count`), maxima. */
export interface WindowNumbers { counts: Record<string, number>; max: Record<string, number> }

const UNSTARTED: readonly TaskStatus[] = ['TASK_SCHEDULED', 'TASK_PENDING'];

/** Upper bounds (ms) of the latency histogram buckets kept in the running totals. */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 3_600_000];
const FIELD_SEPARATOR = '|';
const totalsField = (...parts: string[]) => parts.join(FIELD_SEPARATOR);

/** The metric events of a commit's changed objects. */
export function metricEvents(changes: ChangedObject[]): MetricEvent[] {
  const events: MetricEvent[] = [];
  for (const { field, before, after } of changes) {
    if (field === WF_RUN) events.push(...wfRunEvents((before ?? null) as WfRun | null, after as WfRun));
    else if (field.startsWith(TASK)) events.push(...taskRunEvents((before ?? null) as TaskRun | null, after as TaskRun));
  }
  return events;
}

function wfRunEvents(before: WfRun | null, after: WfRun): MetricEvent[] {
  const { name, majorVersion, revision } = after.wfSpecId;
  const subject = `${name}/${majorVersion}/${revision}`;
  const events: MetricEvent[] = [];
  if (before === null) events.push({ kind: 'wf', subject, atMs: Date.parse(after.startTime), counter: 'started' });
  const ended = TERMINAL_STATUSES.includes(after.status) && (before === null || !TERMINAL_STATUSES.includes(before.status));
  if (ended && after.endTime) {
    const atMs = Date.parse(after.endTime);
    const latency = { name: 'startToComplete', ms: atMs - Date.parse(after.startTime) };
    events.push({ kind: 'wf', subject, atMs, counter: after.status === 'COMPLETED' ? 'completed' : 'errored', latency });
  }
  return events;
}

function taskRunEvents(before: TaskRun | null, after: TaskRun): MetricEvent[] {
  const subject = after.taskDefId.name;
  const events: MetricEvent[] = [];
  if (before === null) events.push({ kind: 'task', subject, atMs: Date.parse(after.scheduledAt), counter: 'scheduled' });
  const attempt = after.attempts.at(-1);
  const wasStarted = before !== null && !UNSTARTED.includes(before.status);
  if (!wasStarted && !UNSTARTED.includes(after.status)) {
    const startMs = Date.parse(attempt?.startTime ?? attempt?.endTime ?? after.scheduledAt);
    events.push({ kind: 'task', subject, atMs: startMs, counter: 'started', latency: { name: 'scheduleToStart', ms: startMs - Date.parse(after.scheduledAt) } });
  }
  const done = (s: TaskStatus) => !UNSTARTED.includes(s) && s !== 'TASK_RUNNING';
  if (done(after.status) && (before === null || !done(before.status)) && attempt?.endTime) {
    const endMs = Date.parse(attempt.endTime);
    const latency = { name: 'startToComplete', ms: endMs - Date.parse(attempt.startTime ?? attempt.endTime) };
    events.push({ kind: 'task', subject, atMs: endMs, counter: after.status === 'TASK_SUCCESS' ? 'completed' : 'errored', latency });
  }
  return events;
}

export function windowStart(atMs: number, length: WindowLength): number {
  return Math.floor(atMs / WINDOW_MS[length]) * WINDOW_MS[length];
}

/** How long counts wait in memory before they are written. */
const FLUSH_MS = 1_000;

/** Increments and maxima waiting to be written, per key. */
interface PendingKey { increments: Map<string, number>; maxima: Map<string, number>; expireAt?: number }

export class RedisRunMetrics {
  private pending = new Map<string, PendingKey>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  /** Adds a commit's events to the counts; they reach Redis within FLUSH_MS. */
  record(tenant: string, events: MetricEvent[]): void {
    if (events.length === 0) return;
    for (const e of events) {
      for (const length of Object.keys(WINDOW_MS) as WindowLength[]) {
        const start = windowStart(e.atMs, length);
        const window = this.pendingKey(this.keys.metricsWindow(tenant, e.kind, e.subject, length, start));
        window.expireAt = Math.ceil((start + WINDOW_MS[length] + KEEP_MS[length]) / 1000);
        increment(window, e.counter, 1);
        if (e.latency) {
          const ms = Math.max(0, Math.round(e.latency.ms));
          increment(window, `${e.latency.name}Sum`, ms);
          increment(window, `${e.latency.name}Count`, 1);
          window.maxima.set(e.latency.name, Math.max(ms, window.maxima.get(e.latency.name) ?? 0));
        }
      }
      this.addToTotals(tenant, e);
    }
    this.flushTimer ??= setTimeout(() => void this.flush().catch(() => undefined), FLUSH_MS).unref();
  }

  /** Writes what has been counted so far. */
  async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.size === 0) return;
    const pending = this.pending;
    this.pending = new Map();
    const pipeline = this.redis.pipeline();
    for (const [key, { increments, maxima, expireAt }] of pending) {
      for (const [field, by] of increments) pipeline.hincrby(key, field, by);
      for (const [name, ms] of maxima) pipeline.zadd(`${key}:max`, 'GT', ms, name);
      if (expireAt !== undefined) {
        pipeline.expireat(key, expireAt);
        if (maxima.size > 0) pipeline.expireat(`${key}:max`, expireAt);
      }
    }
    await pipeline.exec();
  }

  private pendingKey(key: string): PendingKey {
    let entry = this.pending.get(key);
    if (!entry) this.pending.set(key, (entry = { increments: new Map(), maxima: new Map() }));
    return entry;
  }

  /** Running totals: `c|kind|subject|counter`; latencies `h|kind|subject|name|<le>` (cumulative) and `s|kind|subject|name`. */
  private addToTotals(tenant: string, e: MetricEvent): void {
    const totals = this.pendingKey(this.keys.metricsTotals(tenant));
    increment(totals, totalsField('c', e.kind, e.subject, e.counter), 1);
    if (!e.latency) return;
    const ms = Math.max(0, Math.round(e.latency.ms));
    for (const le of [...LATENCY_BUCKETS_MS.filter((b) => ms <= b), '+Inf']) increment(totals, totalsField('h', e.kind, e.subject, e.latency.name, String(le)), 1);
    increment(totals, totalsField('s', e.kind, e.subject, e.latency.name), ms);
  }

  /** Every tenant's running totals, parsed. */
  async totals(): Promise<Array<{ tenant: string; kind: string; subject: string; type: 'c' | 'h' | 's'; name: string; le?: string; value: number }>> {
    await this.flush();
    // keys.metricsTotals(tenant) is `<prefix>:<tenant>:metricsTotals`; tenants hold no ':'.
    const prefix = `${this.keys.prefix}:`;
    const suffix = this.keys.metricsTotals('').slice(prefix.length); // ':metricsTotals'
    const found = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${prefix}*${suffix}`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const tenant = key.slice(prefix.length, -suffix.length);
        for (const [field, value] of Object.entries(await this.redis.hgetall(key))) {
          const [type, kind = '', subject = '', name = '', le] = field.split(FIELD_SEPARATOR) as ['c' | 'h' | 's', string?, string?, string?, string?];
          found.push({ tenant, kind, subject, type, name, ...(le === undefined ? {} : { le }), value: Number(value) });
        }
      }
    } while (cursor !== '0');
    return found;
  }

  /** The numbers of windows (oldest first); empty ones included. */
  async windows(tenant: string, kind: MetricKind, subject: string, length: WindowLength, starts: number[]): Promise<WindowNumbers[]> {
    await this.flush();
    const pipeline = this.redis.pipeline();
    for (const start of starts) {
      const key = this.keys.metricsWindow(tenant, kind, subject, length, start);
      pipeline.hgetall(key).zrange(`${key}:max`, 0, -1, 'WITHSCORES');
    }
    const replies = ((await pipeline.exec()) ?? []).map(([, r]) => r);
    return starts.map((_, i) => {
      const hash = (replies[2 * i] ?? {}) as Record<string, string>;
      const maxFlat = (replies[2 * i + 1] ?? []) as string[];
      const max: Record<string, number> = {};
      for (let j = 0; j < maxFlat.length; j += 2) max[maxFlat[j]!] = Number(maxFlat[j + 1]);
      return { counts: Object.fromEntries(Object.entries(hash).map(([k, v]) => [k, Number(v)])), max };
    });
  }
}

function increment(entry: PendingKey, field: string, by: number): void {
  entry.increments.set(field, (entry.increments.get(field) ?? 0) + by);
}
