// Instances of code workflows: create (one or a batch) queues the first execution on the script's
// queue; list, get (with the `steps` log), status changes and events. The executor itself is
// workers/cloudflare; this side only records intent and queues wakes. Each intent is recorded with a
// mark that the instance is owed a wake, cleared once the wake is queued (the workers' sweep wakes
// the instances a crash left marked).
import { randomUUID } from 'node:crypto';
import type { CodeWorkflowQueues } from '../dispatch/code-workflow-queues.ts';
import type { Bookmarks } from '../store/bookmarks.ts';
import { FINISHED_CODE_STATUSES, type CodeInstanceState, type CodeInstanceStatus } from '../store/code-instance-records.ts';
import type { RedisCodeInstanceStore } from '../store/redis/code-instance-store.ts';
import type { CodeWorkflow } from '../store/redis/code-workflow-store.ts';
import { codeStepsOf } from './cloudflare-code-steps.ts';
import { planCodeStatus, type RestartFrom } from './cloudflare-code-status.ts';
import { CF_CODE, CloudflareApiError, instanceAlreadyExists, instanceNotFound } from './cloudflare-errors.ts';
import type { CfInstanceCreated, CfInstanceSummary, InstanceCreate, InstanceListQuery } from './cloudflare-instances.ts';
import type { StatusChange, StatusChanged } from './cloudflare-instance-status.ts';
import { resultInfoOf, type CfList } from './cloudflare-pages.ts';

const CLOUDFLARE_ID = /^[a-zA-Z0-9_][a-zA-Z0-9-_]{0,99}$/;
const SYSTEM_ID = /^cf_[0-9a-f]{64}$/;
const RESERVED_IDS = new Set(['batch', 'terminate']);

export class CloudflareCodeInstances {
  constructor(
    private readonly store: RedisCodeInstanceStore,
    private readonly queues: CodeWorkflowQueues,
    private readonly bookmarks: Bookmarks,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async create(tenant: string, workflow: CodeWorkflow, body: InstanceCreate): Promise<CfInstanceCreated> {
    const id = body.instance_id === undefined ? randomUUID() : checkCodeInstanceId(body.instance_id);
    return this.start(tenant, workflow, id, paramsText(body.params));
  }

  /** Every item is checked before the first instance is created; a taken id stops the batch there. */
  async createBatch(tenant: string, workflow: CodeWorkflow, bodies: InstanceCreate[]): Promise<CfInstanceCreated[]> {
    const items = bodies.map((b, i) => {
      try {
        return { id: b.instance_id === undefined ? randomUUID() : checkCodeInstanceId(b.instance_id), params: paramsText(b.params) };
      } catch (err) {
        if (err instanceof CloudflareApiError) throw new CloudflareApiError(err.code, err.cfCode, `[${i}]: ${err.message}`, { cause: err });
        throw err;
      }
    });
    const twice = items.find((x, i) => items.findIndex((y) => y.id === x.id) !== i);
    if (twice) throw new CloudflareApiError('INVALID_ARGUMENT', CF_CODE.INSTANCE_INVALID_ID, `instance_id ${twice.id} appears twice in the batch`);
    const taken = await this.store.loadMany(tenant, workflow.name, items.map((x) => x.id));
    const takenAt = taken.findIndex((s) => s !== null);
    if (takenAt >= 0) throw instanceAlreadyExists(items[takenAt]?.id ?? '');
    const created: CfInstanceCreated[] = [];
    for (const item of items) created.push(await this.start(tenant, workflow, item.id, item.params));
    return created;
  }

  /** One page, read from the workflow's indexes (per status when filtered); only that page's instances are loaded. */
  async list(tenant: string, workflow: CodeWorkflow, q: InstanceListQuery): Promise<CfList<CfInstanceSummary>> {
    const offset = (q.cursor === undefined ? 0 : this.cursorOffset(q.cursor)) + (q.page - 1) * q.perPage;
    const { ids, total } = await this.store.page(tenant, workflow.name, {
      ...(q.status === undefined ? {} : { status: q.status as CodeInstanceStatus }),
      minMs: q.dateStart === undefined ? -Infinity : Date.parse(q.dateStart),
      maxMs: q.dateEnd === undefined ? Infinity : Date.parse(q.dateEnd),
      desc: q.direction !== 'asc', offset, count: q.perPage,
    });
    const page = (await this.store.loadMany(tenant, workflow.name, ids)).filter((s): s is CodeInstanceState => s !== null);
    const next = offset + ids.length;
    const cursor = ids.length > 0 && next < total ? this.bookmarks.encode({ score: next, member: '' }) : undefined;
    return { result: page.map((s) => summaryOf(workflow, s)), resultInfo: resultInfoOf(q, page.length, total, cursor) };
  }

  async get(tenant: string, workflow: CodeWorkflow, id: string, opts: { simple?: boolean; order?: 'asc' | 'desc' }) {
    const state = await this.load(tenant, workflow, id);
    const steps = codeStepsOf(await this.store.steps(tenant, workflow.name, id), state.status);
    return {
      status: state.status,
      params: JSON.parse(state.params) as unknown,
      trigger: { source: state.trigger },
      versionId: state.versionId,
      queued: state.created_on,
      start: state.start ?? null,
      end: state.end ?? null,
      success: state.status === 'complete' ? true : state.status === 'errored' || state.status === 'terminated' ? false : null,
      error: state.error ?? null,
      output: state.output === undefined ? null : (JSON.parse(state.output) as unknown),
      step_count: steps.filter((s) => s.type === 'step').length,
      ...(opts.simple ? {} : { steps: opts.order === 'desc' ? steps.reverse() : steps }),
      rollback: null,
    };
  }

  async changeStatus(tenant: string, workflow: CodeWorkflow, id: string, change: StatusChange): Promise<StatusChanged> {
    await this.load(tenant, workflow, id);
    const now = this.clock();
    const plan = await this.store.transact(tenant, workflow.name, id, (state, steps) => {
      if (!state) throw instanceNotFound(id);
      const p = planCodeStatus(change.status, state, steps, now, change.from as RestartFrom | undefined);
      return { change: p.kind === 'change' ? p.change : null, result: { plan: p, generation: state.generation } };
    });
    const { plan: p } = plan;
    if (p.kind === 'cannot-terminate') {
      throw new CloudflareApiError('FAILED_PRECONDITION', CF_CODE.INSTANCE_CANNOT_TERMINATE, `(instance.cannot_terminate) instance ${id} has already finished (${p.status})`);
    }
    if (p.kind === 'step-not-found') {
      throw new CloudflareApiError('INVALID_ARGUMENT', CF_CODE.INSTANCE_CANNOT_RESTART, `(instance.cannot_restart) Step "${change.from?.name}" not found in execution history`);
    }
    if (p.kind === 'change' && p.wake) {
      const generation = plan.generation + (p.wake === 'start' ? 1 : 0);
      const queuedAt = p.change.set?.status === 'queued' ? p.change.set.modified_on : undefined;
      await this.wake(tenant, workflow, id, generation, `${p.wake}-${now.getTime()}`, queuedAt);
    }
    return { status: p.status, timestamp: now.toISOString() };
  }

  /** Kept in arrival order; a waiting or running instance is woken to look at it, a paused one sees it when resumed. */
  async sendEvent(tenant: string, workflow: CodeWorkflow, id: string, type: string, payload: unknown): Promise<{ instanceId: string; timestamp: string }> {
    const state = await this.load(tenant, workflow, id);
    if (FINISHED_CODE_STATUSES.includes(state.status)) {
      throw new CloudflareApiError('FAILED_PRECONDITION', CF_CODE.FAILED_PRECONDITION, `instance ${id} has finished (${state.status}); it takes no events`);
    }
    const timestamp = this.clock().toISOString();
    const n = await this.store.appendEvent(tenant, workflow.name, id, { type, payload: payload ?? null, timestamp });
    if (state.status === 'paused') await this.store.forgetQueued(tenant, workflow.name, id, Date.parse(timestamp)); // resume wakes it
    else await this.wake(tenant, workflow, id, state.generation, `event-${n}`, timestamp);
    return { instanceId: id, timestamp };
  }

  /** Removes the instance and its records, in any status (an execution under way then writes nothing). */
  async delete(tenant: string, workflow: CodeWorkflow, id: string): Promise<void> {
    await this.load(tenant, workflow, id);
    await this.store.delete(tenant, workflow.name, id);
  }

  async load(tenant: string, workflow: CodeWorkflow, id: string): Promise<CodeInstanceState> {
    const state = CLOUDFLARE_ID.test(id) ? await this.store.load(tenant, workflow.name, id) : null;
    if (!state) throw instanceNotFound(id);
    return state;
  }

  /** Records the instance as queued, then queues its first execution on the script's queue. */
  private async start(tenant: string, workflow: CodeWorkflow, id: string, params: string): Promise<CfInstanceCreated> {
    const now = this.clock().toISOString();
    const version = workflow.versions.at(-1);
    const state: CodeInstanceState = {
      id, workflow: workflow.name, status: 'queued', generation: 1, params, versionId: version?.id ?? '', scriptName: workflow.script_name,
      trigger: 'api', created_on: now, modified_on: now,
    };
    if (!(await this.store.create(tenant, state))) throw instanceAlreadyExists(id);
    await this.wake(tenant, workflow, id, 1, 'start', now);
    return { id, status: 'queued', version_id: state.versionId, workflow_id: workflow.id, trigger_source: 'api' };
  }

  /** Queues an execution of the instance; with `owedSince`, then clears the mark recorded then that it was owed one. */
  private async wake(tenant: string, workflow: CodeWorkflow, id: string, generation: number, reason: string, owedSince?: string): Promise<void> {
    await this.queues.wake(workflow.script_name, { tenant, workflow: workflow.name, instanceId: id, generation }, { reason });
    if (owedSince !== undefined) await this.store.forgetQueued(tenant, workflow.name, id, Date.parse(owedSince));
  }

  private cursorOffset(cursor: string): number {
    try {
      return this.bookmarks.decode(cursor).score;
    } catch (err) {
      throw new CloudflareApiError('INVALID_ARGUMENT', CF_CODE.INVALID_INPUT, 'cursor: not a cursor this server issued', { cause: err });
    }
  }
}

/** Cloudflare's rule for a client-chosen id: 1-100 of [a-zA-Z0-9-_], not starting with '-'; `cf_<64 hex>` is the system's. */
export function checkCodeInstanceId(id: string): string {
  if (!CLOUDFLARE_ID.test(id) || SYSTEM_ID.test(id) || RESERVED_IDS.has(id)) {
    throw new CloudflareApiError('INVALID_ARGUMENT', CF_CODE.INSTANCE_INVALID_ID,
      "(instance.invalid_id) instance_id must be 1-100 characters of [a-zA-Z0-9-_], not starting with '-', and not batch, terminate or cf_<64 hex>");
  }
  return id;
}

/** The payload as JSON text: a string holding JSON is that JSON (the official client sends params so), any other value as it is. */
function paramsText(params: unknown): string {
  if (typeof params === 'string') {
    try {
      return JSON.stringify(JSON.parse(params));
    } catch {
      return JSON.stringify(params);
    }
  }
  return JSON.stringify(params ?? {});
}

function summaryOf(workflow: CodeWorkflow, s: CodeInstanceState): CfInstanceSummary {
  return {
    id: s.id, created_on: s.created_on, modified_on: s.modified_on, started_on: s.start ?? null, ended_on: s.end ?? null,
    status: s.status, version_id: s.versionId, workflow_id: workflow.id, trigger_source: s.trigger,
  };
}
