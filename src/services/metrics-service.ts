// GetWfSpecMetricsWindow, GetTaskDefMetricsWindow, ListWfSpecMetrics, ListTaskDefMetrics: the
// metrics windows (5 minutes, 2 hours, 1 day) counted at each commit (see store/redis/run-metrics.ts).
import { invalidArgument } from '../errors.ts';
import type { WfSpecId } from '../engine/types.ts';
import type { RedisRunMetrics, WindowLength, WindowNumbers } from '../store/redis/run-metrics.ts';
import { WINDOW_MS, windowStart } from '../store/redis/run-metrics.ts';
import type { MetadataService } from './metadata-service.ts';
import { instantOf } from './paging.ts';

export interface WindowQuery { windowStart?: string; windowLength?: WindowLength }
export interface ListQuery { lastWindowStart?: string; windowLength?: WindowLength; numWindows?: number }
export interface VersionQuery { majorVersion?: number; revision?: number }

export interface WfSpecMetrics {
  windowStart: string; type: WindowLength; wfSpecId: WfSpecId;
  totalStarted: number; totalCompleted: number; totalErrored: number; startToCompleteMax: number; startToCompleteAvg: number;
}
export interface TaskDefMetrics {
  windowStart: string; type: WindowLength; taskDefName: string;
  totalScheduled: number; totalStarted: number; totalCompleted: number; totalErrored: number;
  scheduleToStartMax: number; scheduleToStartAvg: number; startToCompleteMax: number; startToCompleteAvg: number;
}

const MAX_WINDOWS = 500;

export class MetricsService {
  constructor(private readonly metrics: RedisRunMetrics, private readonly metadata: MetadataService, private readonly clock: () => Date = () => new Date()) {}

  async getWfSpecMetricsWindow(tenant: string, name: string, q: VersionQuery & WindowQuery): Promise<WfSpecMetrics> {
    return (await this.listWfSpecMetrics(tenant, name, { ...q, ...(q.windowStart ? { lastWindowStart: q.windowStart } : {}), numWindows: 1 })).results[0]!;
  }

  async getTaskDefMetricsWindow(tenant: string, name: string, q: WindowQuery): Promise<TaskDefMetrics> {
    return (await this.listTaskDefMetrics(tenant, name, { ...q, ...(q.windowStart ? { lastWindowStart: q.windowStart } : {}), numWindows: 1 })).results[0]!;
  }

  /** `numWindows` windows (default 1) up to the one holding `lastWindowStart` (default now), oldest first. */
  async listWfSpecMetrics(tenant: string, name: string, q: VersionQuery & ListQuery): Promise<{ results: WfSpecMetrics[] }> {
    const spec = await this.metadata.getWfSpec(tenant, name, q);
    const { length, starts } = this.windows(q);
    const { majorVersion, revision } = spec.id;
    const numbers = await this.metrics.windows(tenant, 'wf', `${spec.id.name}/${majorVersion}/${revision}`, length, starts);
    return {
      results: numbers.map((n, i) => ({
        windowStart: new Date(starts[i]!).toISOString(), type: length, wfSpecId: spec.id,
        totalStarted: count(n, 'started'), totalCompleted: count(n, 'completed'), totalErrored: count(n, 'errored'),
        startToCompleteMax: n.max.startToComplete ?? 0, startToCompleteAvg: avg(n, 'startToComplete'),
      })),
    };
  }

  async listTaskDefMetrics(tenant: string, name: string, q: ListQuery): Promise<{ results: TaskDefMetrics[] }> {
    const taskDefName = (await this.metadata.getTaskDef(tenant, name)).id.name;
    const { length, starts } = this.windows(q);
    const numbers = await this.metrics.windows(tenant, 'task', taskDefName, length, starts);
    return {
      results: numbers.map((n, i) => ({
        windowStart: new Date(starts[i]!).toISOString(), type: length, taskDefName,
        totalScheduled: count(n, 'scheduled'), totalStarted: count(n, 'started'), totalCompleted: count(n, 'completed'), totalErrored: count(n, 'errored'),
        scheduleToStartMax: n.max.scheduleToStart ?? 0, scheduleToStartAvg: avg(n, 'scheduleToStart'),
        startToCompleteMax: n.max.startToComplete ?? 0, startToCompleteAvg: avg(n, 'startToComplete'),
      })),
    };
  }

  private windows(q: ListQuery): { length: WindowLength; starts: number[] } {
    const length = q.windowLength ?? 'MINUTES_5';
    const numWindows = q.numWindows ?? 1;
    if (!Number.isInteger(numWindows) || numWindows < 1 || numWindows > MAX_WINDOWS) {
      throw invalidArgument(`numWindows must be between 1 and ${MAX_WINDOWS}`, { field: 'numWindows' });
    }
    const last = windowStart(instantOf('lastWindowStart', q.lastWindowStart) ?? this.clock().getTime(), length);
    return { length, starts: Array.from({ length: numWindows }, (_, i) => last - (numWindows - 1 - i) * WINDOW_MS[length]) };
  }
}

const count = (n: WindowNumbers, counter: string) => n.counts[counter] ?? 0;

function avg(n: WindowNumbers, latency: string): number {
  const c = n.counts[`${latency}Count`] ?? 0;
  return c === 0 ? 0 : Math.round((n.counts[`${latency}Sum`] ?? 0) / c);
}
