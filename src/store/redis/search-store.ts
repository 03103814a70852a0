// Searches over the run object indexes (see run-indexes.ts): one index drives the page, in
// (score, member) order; other filters are checked per candidate with pipelined ZSCOREs.
import type { Redis } from 'ioredis';
import type { LHStatus, WfSpecId } from '../../engine/types.ts';
import type { Keys } from '../keys.ts';
import { readFilteredPage, type FilteredPageRequest, type Page, type PageRequest } from './sorted-set-pages.ts';

/** A creation-time window in ms (inclusive). */
export interface TimeWindow { min?: number; max?: number }

export interface WfRunQuery extends TimeWindow {
  wfSpecName?: string;
  majorVersion?: number;
  revision?: number;
  status?: LHStatus;
  parentWfRunId?: string;
  /** Thread-0 Variables that must hold these values (text form); needs wfSpecName. */
  variables: Array<{ name: string; valueText: string }>;
}

export interface VariableQuery { wfSpecName: string; varName: string; valueText: string; majorVersion?: number; revision?: number }

export class RedisSearchStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  /** WfRuns (members: wfRunIds, or `[wfRunId, 0, name]` of the first variable filter). */
  async wfRuns(tenant: string, q: WfRunQuery, page: PageRequest): Promise<Page & { ids: string[] }> {
    const runIndex = this.keys.runIndex(tenant, q);
    const window = { ...(q.min === undefined ? {} : { min: q.min }), ...(q.max === undefined ? {} : { max: q.max }) };
    const [first, ...others] = q.variables;
    if (first && q.wfSpecName !== undefined) {
      const specName = q.wfSpecName;
      const driving = this.keys.variableIndex(tenant, specName, first.name, first.valueText);
      const result = await readFilteredPage(this.redis, driving, {
        ...page,
        accept: async (candidates) => {
          const runs = candidates.map(([member]) => JSON.parse(member) as [string, number, string]);
          const checks = this.redis.pipeline();
          for (const [wfRunId] of runs) {
            checks.zscore(runIndex, wfRunId);
            if (q.parentWfRunId !== undefined) checks.zscore(this.keys.runsByParent(tenant, q.parentWfRunId), wfRunId);
            for (const v of others) checks.zscore(this.keys.variableIndex(tenant, specName, v.name, v.valueText), JSON.stringify([wfRunId, 0, v.name]));
          }
          const scores = ((await checks.exec()) ?? []).map(([, s]) => s as string | null);
          const perRun = scores.length / Math.max(runs.length, 1);
          return runs.map(([, thread], i) => {
            const mine = scores.slice(i * perRun, (i + 1) * perRun);
            const start = Number(mine[0]);
            return thread === 0 && mine.every((s) => s !== null) && inWindow(start, window);
          });
        },
      });
      return { ...result, ids: result.members.map((m) => (JSON.parse(m) as [string])[0]) };
    }
    const result =
      q.parentWfRunId === undefined
        ? await readFilteredPage(this.redis, runIndex, { ...page, ...window })
        : await readFilteredPage(this.redis, this.keys.runsByParent(tenant, q.parentWfRunId), { ...page, ...window, accept: this.memberOf(runIndex) });
    return { ...result, ids: result.members };
  }

  /** Variables (members: `[wfRunId, threadRunNumber, name]`) holding one value. */
  variables(tenant: string, q: VariableQuery, page: PageRequest): Promise<Page> {
    const driving = this.keys.variableIndex(tenant, q.wfSpecName, q.varName, q.valueText);
    if (q.majorVersion === undefined) return readFilteredPage(this.redis, driving, page);
    const versionIndex = this.keys.runIndex(tenant, { wfSpecName: q.wfSpecName, majorVersion: q.majorVersion, ...(q.revision === undefined ? {} : { revision: q.revision }) });
    const inVersion = this.memberOf(versionIndex);
    return readFilteredPage(this.redis, driving, { ...page, accept: (c) => inVersion(c.map(([m, s]) => [(JSON.parse(m) as [string])[0], s])) });
  }

  /** Any index of run objects (node runs, task runs, external events), within a time window. */
  objects(key: string, window: TimeWindow, page: PageRequest): Promise<Page> {
    return readFilteredPage(this.redis, key, { ...page, ...window });
  }

  /** The WfRuns of one WfSpec version that have not terminated. */
  activeRunsOfVersion(tenant: string, id: WfSpecId): Promise<string[]> {
    return this.redis.zrange(this.keys.activeRunsOfVersion(tenant, id), 0, -1);
  }

  /** Accepts the candidates that are members of `key`. */
  private memberOf(key: string): NonNullable<FilteredPageRequest['accept']> {
    return async (candidates) => {
      const checks = this.redis.pipeline();
      for (const [member] of candidates) checks.zscore(key, member);
      return ((await checks.exec()) ?? []).map(([, s]) => s !== null);
    };
  }
}

function inWindow(score: number, { min, max }: TimeWindow): boolean {
  return (min === undefined || score >= min) && (max === undefined || score <= max);
}
