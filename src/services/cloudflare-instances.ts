// Cloudflare instances of WfSpec-backed workflows: an instance is a WfRun of the WfSpec, its id the
// WfRun id, its params the entrypoint's input variables. Create (one or a batch), list, get.
// Status changes are in cloudflare-instance-status.ts.
import { checkBatchPayloads, checkPayloadSize } from './cloudflare-limits.ts';
import { randomUUID } from 'node:crypto';
import { ColtError } from '../errors.ts';
import { threadSpecOf } from '../engine/spec.ts';
import { InputError, inputsFromPlain } from '../engine/thread-variables.ts';
import type { RunState, WfRun, WfSpec } from '../engine/types.ts';
import { isPlainObject, toPlain } from '../engine/values.ts';
import { isValidName } from '../ids.ts';
import type { Bookmarks } from '../store/bookmarks.ts';
import type { CloudflareInstanceRecord, IndexMember, IndexRange, RedisCloudflareStore } from '../store/redis/cloudflare-store.ts';
import type { RedisRunStore } from '../store/redis/run-store.ts';
import type { WfRunService } from './wf-run-service.ts';
import type { CloudflareCode } from './cloudflare-services.ts';
import { type CloudflareCatalog, versionIdOf, workflowIdOf } from './cloudflare-catalog.ts';
import { CF_CODE, CloudflareApiError, instanceAlreadyExists, instanceNotFound } from './cloudflare-errors.ts';
import { resultInfoOf, type CfList, type PageQuery } from './cloudflare-pages.ts';
import { instanceStatusOf, markerApplies, sourcesOf, type InstanceStatus } from './cloudflare-status.ts';
import { stepDetailOf, type CfStepDetail, type StepQuery } from './cloudflare-step-detail.ts';
import { stepsOf, type CfStep } from './cloudflare-steps.ts';
import { MASK } from './masking.ts';

export interface InstanceCreate { instance_id?: string; params?: unknown }

export interface CfInstanceCreated { id: string; status: InstanceStatus; version_id: string; workflow_id: string; trigger_source: string }

export interface CfInstanceSummary {
  id: string;
  created_on: string;
  modified_on: string;
  started_on: string | null;
  ended_on: string | null;
  status: InstanceStatus;
  version_id: string;
  workflow_id: string;
  trigger_source: string;
}

export interface CfInstanceDetails {
  status: InstanceStatus;
  params: unknown;
  trigger: { source: string };
  versionId: string;
  queued: string;
  start: string | null;
  end: string | null;
  success: boolean | null;
  error: { name: string; message: string } | null;
  output: unknown;
  step_count: number;
  steps?: CfStep[];
  rollback: null;
}

export type CfCodeInstanceDetails = Awaited<ReturnType<CloudflareCode['instances']['get']>>;

export interface InstanceListQuery extends PageQuery {
  cursor?: string;
  direction?: 'asc' | 'desc';
  status?: InstanceStatus;
  dateStart?: string;
  dateEnd?: string;
}

/** A WfRun as an instance: its state plus what the Cloudflare API recorded for this life of its id. */
export interface LoadedInstance { state: RunState; record: CloudflareInstanceRecord | null; status: InstanceStatus }

/** Ids that are routes of their own under `/instances/`. */
const RESERVED_INSTANCE_IDS = new Set(['batch', 'terminate']);
const CLOUDFLARE_ID = /^[a-zA-Z0-9_][a-zA-Z0-9-_]*$/;
const MAX_INSTANCE_ID = 100;

export class CloudflareInstanceService {
  constructor(
    private readonly catalog: CloudflareCatalog,
    private readonly store: RedisCloudflareStore,
    private readonly runs: RedisRunStore,
    private readonly wfRuns: WfRunService,
    private readonly bookmarks: Bookmarks,
    private readonly code: CloudflareCode,
  ) {}

  /** A used id is refused before the params are looked at (clients retrying a create rely on the 409). */
  async create(tenant: string, name: string, body: InstanceCreate): Promise<CfInstanceCreated> {
    checkPayloadSize('params', body.params);
    const code = await this.code.workflows.find(tenant, name);
    if (code) return this.code.instances.create(tenant, code, body);
    const spec = latest(await this.catalog.versions(tenant, name));
    const id = idOf(body);
    await this.refuseTaken(tenant, [id]);
    return this.start(tenant, spec, id, checkedParams(spec, body.params));
  }

  /** The checks of `create` (workflow, id, params against the latest version), creating nothing. */
  async checkCreate(tenant: string, name: string, body: InstanceCreate): Promise<void> {
    const spec = latest(await this.catalog.versions(tenant, name));
    idOf(body);
    checkedParams(spec, body.params);
  }

  /** Every item is checked, and every id found free, before the first instance is created. */
  async createBatch(tenant: string, name: string, bodies: InstanceCreate[]): Promise<CfInstanceCreated[]> {
    checkBatchPayloads(bodies);
    const code = await this.code.workflows.find(tenant, name);
    if (code) return this.code.instances.createBatch(tenant, code, bodies);
    const spec = latest(await this.catalog.versions(tenant, name));
    const ids = bodies.map((b, i) => itemChecked(i, () => idOf(b)));
    const twice = ids.find((id, i) => ids.indexOf(id) !== i);
    if (twice !== undefined) throw new CloudflareApiError('INVALID_ARGUMENT', CF_CODE.INSTANCE_INVALID_ID, `instance_id ${twice} appears twice in the batch`);
    await this.refuseTaken(tenant, ids);
    const params = bodies.map((b, i) => itemChecked(i, () => checkedParams(spec, b.params)));
    const created: CfInstanceCreated[] = [];
    for (const [i, id] of ids.entries()) created.push(await this.start(tenant, spec, id, params[i] ?? {}));
    return created;
  }

  async list(tenant: string, name: string, q: InstanceListQuery): Promise<CfList<CfInstanceSummary>> {
    const code = await this.code.workflows.find(tenant, name);
    if (code) return this.code.instances.list(tenant, code, q);
    await this.catalog.versions(tenant, name);
    const base = q.cursor === undefined ? 0 : this.cursorOffset(q.cursor);
    const offset = base + (q.page - 1) * q.perPage;
    const range: IndexRange = {
      desc: q.direction !== 'asc',
      ...(q.dateStart === undefined ? {} : { minMs: Date.parse(q.dateStart) }),
      ...(q.dateEnd === undefined ? {} : { maxMs: Date.parse(q.dateEnd) }),
    };
    const { members, total } = await this.matching(tenant, name, q.status, range, offset, q.perPage);
    const instances = await this.loadMany(tenant, members.map((m) => m.id));
    const result = instances.filter((x): x is LoadedInstance => x !== null).map((x) => summaryOf(tenant, x));
    const next = offset + members.length;
    const cursor = members.length > 0 && next < total ? this.bookmarks.encode({ score: next, member: '' }) : undefined;
    return { result, resultInfo: resultInfoOf(q, result.length, total, cursor) };
  }

  async get(tenant: string, name: string, id: string, opts: { simple?: boolean; order?: 'asc' | 'desc' } = {}): Promise<CfInstanceDetails | CfCodeInstanceDetails> {
    const code = await this.code.workflows.find(tenant, name);
    if (code) return this.code.instances.get(tenant, code, id, opts);
    await this.catalog.versions(tenant, name);
    const instance = await this.load(tenant, name, id);
    const { state, record, status } = instance;
    const thread0 = state.wfRun.threadRuns.find((t) => t.number === 0);
    const steps = stepsOf(state, status === 'terminated');
    const failure = thread0?.failure;
    return {
      status,
      params: paramsOf(state, record),
      trigger: { source: record?.trigger ?? 'unknown' },
      versionId: versionIdOf(tenant, state.wfRun.wfSpecId),
      queued: state.wfRun.startTime,
      start: status === 'queued' ? null : state.wfRun.startTime,
      end: endOf(instance),
      success: status === 'complete' ? true : status === 'errored' || status === 'terminated' ? false : null,
      error: failure ? { name: failure.failureName, message: failure.message } : status === 'errored' && thread0?.errorMessage ? { name: 'Error', message: thread0.errorMessage } : null,
      output: thread0?.output === undefined ? null : toPlain(thread0.output),
      step_count: steps.filter((s) => s.type === 'step').length,
      ...(opts.simple ? {} : { steps: opts.order === 'desc' ? steps.reverse() : steps }),
      rollback: null,
    };
  }

  /** One entry of the instance's `steps` log with its full output (code or WfSpec-backed workflow). */
  async getStep(tenant: string, name: string, id: string, q: StepQuery): Promise<CfStepDetail> {
    const { steps } = await this.get(tenant, name, id);
    return stepDetailOf(steps ?? [], q);
  }

  /** The instance `id` of workflow `name`; instance not found (10400) if it is not a WfRun of that WfSpec. */
  async load(tenant: string, name: string, id: string): Promise<LoadedInstance> {
    const [instance] = isWfRunId(id) ? await this.loadMany(tenant, [id]) : [null];
    if (!instance || instance.state.wfRun.wfSpecId.name !== name) throw instanceNotFound(id);
    return instance;
  }

  private async refuseTaken(tenant: string, ids: string[]): Promise<void> {
    const loaded = await Promise.all(ids.map((id) => this.runs.load(tenant, id)));
    const taken = ids.find((_, i) => loaded[i] !== null);
    if (taken !== undefined) throw instanceAlreadyExists(taken);
  }

  private cursorOffset(cursor: string): number {
    try {
      return this.bookmarks.decode(cursor).score;
    } catch (err) {
      throw new CloudflareApiError('INVALID_ARGUMENT', CF_CODE.INVALID_INPUT, 'cursor: not a cursor this server issued', { cause: err });
    }
  }

  /** Starts the WfRun and records the params as given. */
  private async start(tenant: string, spec: WfSpec, id: string, params: Record<string, unknown>): Promise<CfInstanceCreated> {
    let wfRun: WfRun;
    try {
      wfRun = await this.wfRuns.runWf(tenant, { wfSpecName: spec.id.name, id, variables: params });
    } catch (err) {
      if (err instanceof ColtError && err.code === 'ALREADY_EXISTS') throw instanceAlreadyExists(id, err);
      if (err instanceof ColtError && err.code === 'INVALID_ARGUMENT') throw asParamsError(err);
      throw err;
    }
    await this.store.update(tenant, id, wfRun.startTime, { params: JSON.stringify(params), trigger: 'api' });
    return {
      id,
      status: instanceStatusOf(wfRun.status, false),
      version_id: versionIdOf(tenant, wfRun.wfSpecId),
      workflow_id: workflowIdOf(tenant, spec.id.name),
      trigger_source: 'api',
    };
  }

  /** The page of index members with Cloudflare status `status` (any, if not given), and how many there are. */
  private async matching(
    tenant: string, name: string, status: InstanceStatus | undefined, range: IndexRange, offset: number, limit: number,
  ): Promise<{ members: IndexMember[]; total: number }> {
    const { statuses, terminated } = status === undefined ? { statuses: [undefined] } : sourcesOf(status);
    const [only] = statuses;
    if (statuses.length === 1 && terminated === undefined) {
      const [members, total] = await Promise.all([
        this.store.members(tenant, name, only, range, { offset, limit }),
        this.store.count(tenant, name, only, range),
      ]);
      return { members, total };
    }
    if (terminated === undefined) {
      // A union of run indexes (errored = ERROR + EXCEPTION): the first offset+limit of each, merged.
      const lists = await Promise.all(statuses.map((s) => this.store.members(tenant, name, s, range, { offset: 0, limit: offset + limit })));
      const counts = await Promise.all(statuses.map((s) => this.store.count(tenant, name, s, range)));
      const merged = lists.flat().sort(byIndexOrder(range.desc));
      return { members: merged.slice(offset, offset + limit), total: counts.reduce((a, b) => a + b, 0) };
    }
    // Halted or halting runs split by the terminated marker: read them all (they are few) and filter.
    const all = (await Promise.all(statuses.map((s) => this.store.members(tenant, name, s, range)))).flat();
    const marked = await this.catalog.terminated(tenant, all);
    const kept = all.filter((m) => marked.has(m.id) === terminated).sort(byIndexOrder(range.desc));
    return { members: kept.slice(offset, offset + limit), total: kept.length };
  }

  private async loadMany(tenant: string, ids: string[]): Promise<Array<LoadedInstance | null>> {
    const [loaded, records] = await Promise.all([Promise.all(ids.map((id) => this.runs.load(tenant, id))), this.store.records(tenant, ids)]);
    return loaded.map((run, i) => {
      if (!run) return null; // deleted since the index was read
      const stored = records[i] ?? null;
      const record = stored && stored.startTime === run.state.wfRun.startTime ? stored : null;
      const terminated = record?.terminatedAt !== undefined && markerApplies(run.state.wfRun.status);
      return { state: run.state, record, status: instanceStatusOf(run.state.wfRun.status, terminated) };
    });
  }
}

function latest(versions: WfSpec[]): WfSpec {
  const spec = versions.at(-1);
  if (!spec) throw new Error('a workflow always has a version');
  return spec;
}

/** The id of one create: the given one, checked, or a random UUID. */
function idOf(body: InstanceCreate): string {
  return body.instance_id === undefined ? randomUUID() : checkInstanceId(body.instance_id);
}

/** The params of one create, decoded and checked against the WfSpec. */
function checkedParams(spec: WfSpec, raw: unknown): Record<string, unknown> {
  const params = decodeParams(raw);
  checkParams(spec, params);
  return params;
}

/** A batch item's check, its error prefixed with the item's index. */
function itemChecked<T>(index: number, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof ColtError) throw new CloudflareApiError(err.code, cfCodeOf(err), `[${index}]: ${err.message}`, { cause: err });
    throw err;
  }
}

/** Cloudflare's rule for a client-chosen instance id, then Colt's for WfRun ids. */
export function checkInstanceId(id: string): string {
  if (id.length > MAX_INSTANCE_ID || !CLOUDFLARE_ID.test(id)) {
    throw new CloudflareApiError('INVALID_ARGUMENT', CF_CODE.INSTANCE_INVALID_ID,
      `(instance.invalid_id) instance_id must be 1-${MAX_INSTANCE_ID} characters of [a-zA-Z0-9-_], not starting with '-'`);
  }
  if (!isValidName(id) || RESERVED_INSTANCE_IDS.has(id)) {
    throw new CloudflareApiError('INVALID_ARGUMENT', CF_CODE.INSTANCE_INVALID_ID,
      `(instance.invalid_id) instance_id ${id}: instances of WfSpec-backed workflows are WfRuns, whose ids are [A-Za-z0-9-] ` +
        `(no '_'), not starting or ending with '-', and not a reserved word (batch, terminate, latest, search)`);
  }
  return id;
}

/** `params` as an object: given as one, as a JSON string holding one, or absent. */
function decodeParams(raw: unknown): Record<string, unknown> {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new CloudflareApiError('INVALID_ARGUMENT', CF_CODE.INVALID_INPUT, 'params: a string must hold JSON (an object of input variables)', { cause: err });
    }
  }
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) {
    throw new CloudflareApiError('INVALID_ARGUMENT', CF_CODE.INVALID_INPUT,
      "params must be an object of the WfSpec's input variables, or a JSON string holding one");
  }
  return value;
}

/** The checks RunWf makes, done first so that a batch is refused before anything is created. */
function checkParams(spec: WfSpec, params: Record<string, unknown>): void {
  const defs = threadSpecOf(spec, spec.entrypointThreadName).variableDefs;
  const invalid = (message: string) => new CloudflareApiError('INVALID_ARGUMENT', CF_CODE.INVALID_INPUT, message);
  for (const key of Object.keys(params)) {
    if (!defs.some((d) => d.varDef.name === key)) throw invalid(`params.${key} is not an input variable of WfSpec ${spec.id.name}`);
  }
  for (const d of defs) {
    const v = params[d.varDef.name];
    if (d.required && (v === undefined || v === null)) throw invalid(`params.${d.varDef.name} is required`);
  }
  try {
    inputsFromPlain(defs, params);
  } catch (err) {
    if (err instanceof InputError) throw invalid(err.message.replace(/^variables\./, 'params.'));
    throw err;
  }
}

function asParamsError(err: ColtError): CloudflareApiError {
  return new CloudflareApiError('INVALID_ARGUMENT', CF_CODE.INVALID_INPUT, err.message.replace(/\bvariables\./g, 'params.'), { cause: err });
}

function cfCodeOf(err: ColtError): CloudflareApiError['cfCode'] {
  return err instanceof CloudflareApiError ? err.cfCode : CF_CODE.INVALID_INPUT;
}

/** A WfRun id: a name, or a child's `parent_child` chain (such runs are listed too). */
function isWfRunId(id: string): boolean {
  return id.split('_').every(isValidName);
}

/** The params as given at creation; for WfRuns started by the other API, thread 0's variables (masked ones masked). */
function paramsOf(state: RunState, record: CloudflareInstanceRecord | null): unknown {
  if (record?.params !== undefined) return JSON.parse(record.params) as unknown;
  const params: Record<string, unknown> = {};
  for (const v of Object.values(state.variables)) {
    if (v.id.threadRunNumber === 0) params[v.id.name] = v.masked ? MASK : toPlain(v.value);
  }
  return params;
}

function endOf({ state, record, status }: LoadedInstance): string | null {
  if (status === 'terminated') return record?.terminatedAt ?? null;
  return state.wfRun.endTime ?? null;
}

function summaryOf(tenant: string, instance: LoadedInstance): CfInstanceSummary {
  const { wfRun } = instance.state;
  const times = wfRun.threadRuns.flatMap((t) => [t.startTime, t.endTime ?? '']);
  const modified = [wfRun.startTime, wfRun.endTime ?? '', instance.record?.terminatedAt ?? '', ...times].sort().at(-1) ?? wfRun.startTime;
  return {
    id: wfRun.id,
    created_on: wfRun.startTime,
    modified_on: modified,
    started_on: instance.status === 'queued' ? null : wfRun.startTime,
    ended_on: endOf(instance),
    status: instance.status,
    version_id: versionIdOf(tenant, wfRun.wfSpecId),
    workflow_id: workflowIdOf(tenant, wfRun.wfSpecId.name),
    trigger_source: instance.record?.trigger ?? 'unknown',
  };
}

function byIndexOrder(desc: boolean): (a: IndexMember, b: IndexMember) => number {
  const sign = desc ? -1 : 1;
  return (a, b) => sign * (a.score - b.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
