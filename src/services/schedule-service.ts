// ScheduleWf, Get/Search/DeleteScheduledWfRun, and the firing of each cron tick: one WfRun per
// tick, with an id made from the schedule and the tick, so that a tick fired twice (a server died
// mid-way) still starts one WfRun.
import { CronExpressionParser } from 'cron-parser';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ColtError, alreadyExists, invalidArgument, notFound } from '../errors.ts';
import { threadSpecOf } from '../engine/spec.ts';
import { InputError, inputsFromPlain } from '../engine/thread-variables.ts';
import type { WfSpec, WfSpecId } from '../engine/types.ts';
import { checkName, newGuid } from '../ids.ts';
import type { ScheduleJobData, ScheduleQueue } from '../dispatch/schedule-queue.ts';
import type { Keys } from '../store/keys.ts';
import type { MetadataService } from './metadata-service.ts';
import type { WfRunService } from './wf-run-service.ts';

export interface ScheduleWfRequest {
  id?: string;
  wfSpecName: string;
  majorVersion?: number;
  revision?: number;
  variables?: Record<string, unknown>;
  parentWfRunId?: string;
  cronExpression: string;
}

export interface ScheduledWfRun {
  id: { id: string };
  wfSpecId: WfSpecId;
  variables: Record<string, unknown>;
  /** Each firing starts a child WfRun of this one (`<parent>_<schedule>-<tick>`). */
  parentWfRunId?: string;
  cronExpression: string;
  createdAt: string;
}

/** Leaves room in a WfRun id (128 characters) for `-<tick in ms>`. */
const MAX_SCHEDULE_ID_LENGTH = 100;

export class ScheduleService {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly queue: ScheduleQueue,
    private readonly metadata: MetadataService,
    private readonly wfRuns: WfRunService,
    private readonly log: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async scheduleWf(tenant: string, req: ScheduleWfRequest): Promise<ScheduledWfRun> {
    const id = req.id === undefined ? newGuid() : checkName('id', req.id);
    if (id.length > MAX_SCHEDULE_ID_LENGTH) throw invalidArgument(`id must be at most ${MAX_SCHEDULE_ID_LENGTH} characters`, { field: 'id' });
    checkCron(req.cronExpression);
    const spec = await this.metadata.getWfSpec(tenant, checkName('wfSpecName', req.wfSpecName), req);
    const parentWfRunId = await this.wfRuns.checkParent(tenant, spec, req.parentWfRunId);
    checkInputs(spec, req.variables ?? {});
    const schedule: ScheduledWfRun = {
      id: { id }, wfSpecId: spec.id, variables: req.variables ?? {}, ...(parentWfRunId === undefined ? {} : { parentWfRunId }),
      cronExpression: req.cronExpression, createdAt: this.clock().toISOString(),
    };
    if (!(await this.redis.hsetnx(this.keys.scheduledWfRuns(tenant), id, JSON.stringify(schedule)))) {
      throw alreadyExists(`ScheduledWfRun ${id} already exists`);
    }
    await this.queue.upsert(tenant, id, req.cronExpression);
    return schedule;
  }

  async getScheduledWfRun(tenant: string, id: string): Promise<ScheduledWfRun> {
    const json = await this.redis.hget(this.keys.scheduledWfRuns(tenant), checkName('id', id));
    if (json === null) throw notFound(`ScheduledWfRun ${id} does not exist`);
    return JSON.parse(json) as ScheduledWfRun;
  }

  /** The schedules of a WfSpec (of one major version, or one exact version), oldest first. */
  async searchScheduledWfRun(tenant: string, q: { wfSpecName: string; majorVersion?: number; revision?: number }): Promise<{ results: Array<{ id: string }> }> {
    checkName('wfSpecName', q.wfSpecName);
    if (q.revision !== undefined && q.majorVersion === undefined) throw invalidArgument('revision needs majorVersion', { field: 'revision' });
    const all = (await this.redis.hvals(this.keys.scheduledWfRuns(tenant))).map((json) => JSON.parse(json) as ScheduledWfRun);
    const matching = all.filter(({ wfSpecId: s }) =>
      s.name === q.wfSpecName && (q.majorVersion === undefined || s.majorVersion === q.majorVersion) && (q.revision === undefined || s.revision === q.revision));
    return { results: matching.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((s) => s.id) };
  }

  /** Stops future firings (a firing already under way still starts its WfRun). */
  async deleteScheduledWfRun(tenant: string, id: string): Promise<void> {
    await this.getScheduledWfRun(tenant, id);
    // The record goes first: a scheduler outliving it (a crash in between) fires into nothing.
    await this.redis.hdel(this.keys.scheduledWfRuns(tenant), id);
    await this.queue.remove(tenant, id);
  }

  /** Starts this server's share of the firings, and gives back its scheduler to any schedule that lost it. */
  start(): void {
    this.queue.start((data, tickMs) => this.fire(data, tickMs));
    this.restoreSchedulers().catch((err: unknown) => this.log.warn({ err }, 'could not check the schedulers of ScheduledWfRuns'));
  }

  /** A crash between storing a schedule and registering its scheduler leaves one that never fires. */
  async restoreSchedulers(): Promise<void> {
    const { pattern, tenantOf } = this.keys.allScheduledWfRuns();
    for await (const batch of this.redis.scanStream({ match: pattern, count: 500 }) as AsyncIterable<string[]>) {
      for (const key of batch) {
        for (const json of await this.redis.hvals(key)) {
          const schedule = JSON.parse(json) as ScheduledWfRun;
          if (await this.queue.has(tenantOf(key), schedule.id.id)) continue;
          await this.queue.upsert(tenantOf(key), schedule.id.id, schedule.cronExpression);
          this.log.info({ tenant: tenantOf(key), scheduledWfRun: schedule.id.id }, 'restored the scheduler of a ScheduledWfRun');
        }
      }
    }
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  private async fire({ tenant, id }: ScheduleJobData, tickMs: number): Promise<void> {
    const json = await this.redis.hget(this.keys.scheduledWfRuns(tenant), id);
    if (json === null) return; // deleted
    const schedule = JSON.parse(json) as ScheduledWfRun;
    const { name, majorVersion, revision } = schedule.wfSpecId;
    try {
      const { variables, parentWfRunId } = schedule;
      await this.wfRuns.runWf(tenant, { wfSpecName: name, majorVersion, revision, id: `${id}-${tickMs}`, variables, ...(parentWfRunId === undefined ? {} : { parentWfRunId }) });
    } catch (err) {
      if (err instanceof ColtError && err.code === 'ALREADY_EXISTS') return; // this tick was fired before
      if (err instanceof ColtError && err.code !== 'UNAVAILABLE') {
        this.log.warn({ err, tenant, scheduledWfRun: id }, 'a scheduled WfRun could not start');
        return;
      }
      throw err; // BullMQ keeps the failed job; the next tick still fires
    }
  }
}

/** UNIX cron: 5 fields (a leading 6th, seconds, is accepted too). */
function checkCron(expression: unknown): void {
  const fields = typeof expression === 'string' ? expression.trim().split(/\s+/).length : 0;
  if (fields !== 5 && fields !== 6) throw invalidArgument('cronExpression must have 5 fields (minute hour day-of-month month day-of-week)', { field: 'cronExpression' });
  try {
    CronExpressionParser.parse(expression as string);
  } catch (err) {
    throw invalidArgument(`cronExpression: ${(err as Error).message}`, { field: 'cronExpression' });
  }
}

/** The inputs a firing will pass, checked now: known names, right types, required ones given. */
function checkInputs(spec: WfSpec, variables: Record<string, unknown>): void {
  const defs = threadSpecOf(spec, spec.entrypointThreadName).variableDefs;
  try {
    inputsFromPlain(defs, variables);
  } catch (err) {
    if (err instanceof InputError) throw invalidArgument(err.message, { field: err.field });
    throw err;
  }
  for (const name of Object.keys(variables)) {
    if (!defs.some((d) => d.varDef.name === name)) throw invalidArgument(`variables.${name} is not an input variable of the WfSpec`, { field: `variables.${name}` });
  }
  const missing = defs.find((d) => d.required && variables[d.varDef.name] === undefined);
  if (missing) throw invalidArgument(`variables.${missing.varDef.name} is required`, { field: `variables.${missing.varDef.name}` });
}
