// Code workflows of the Cloudflare-compatible API: WorkflowEntrypoint classes of a script, registered by
// PUT {class_name, script_name} (each PUT a new version) and run by workers started with
// workers/cloudflare's startWorkflowWorkers. Workflows, versions, counts; instances are in cloudflare-code-instances.ts.
import { randomUUID } from 'node:crypto';
import type { CodeInstanceState } from '../store/code-instance-records.ts';
import type { RedisCodeInstanceStore } from '../store/redis/code-instance-store.ts';
import type { CodeWorkflow, CodeWorkflowVersion, RedisCodeWorkflowStore } from '../store/redis/code-workflow-store.ts';
import { CF_CODE, CloudflareApiError, versionNotFound } from './cloudflare-errors.ts';
import { pageOf, type CfList, type PageQuery } from './cloudflare-pages.ts';
import { INSTANCE_STATUSES, type InstanceStatus } from './cloudflare-status.ts';
import type { CfWorkflow, WorkflowPut } from './cloudflare-workflows.ts';

export interface CodeWorkflowPut extends WorkflowPut { limits?: { steps?: number }; schedules?: unknown[] }

export interface CfCodeVersion {
  id: string;
  workflow_id: string;
  class_name: string;
  created_on: string;
  modified_on: string;
  has_dag: false;
  language: 'javascript';
  limits?: { steps?: number };
}

export interface CfWorkflowUpdated extends Omit<CfWorkflow, 'instances'> { version_id: string; is_deleted: 0; terminator_running: 0 }

/** Cloudflare's step limit (paid plan), the most a workflow's `limits.steps` may ask for. */
const MAX_STEPS = 25_000;
const CLASS_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const SCRIPT_NAME = /^[a-zA-Z0-9_][a-zA-Z0-9-_]{0,62}$/;

export class CloudflareCodeWorkflows {
  constructor(
    private readonly workflows: RedisCodeWorkflowStore,
    private readonly instances: RedisCodeInstanceStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  find(tenant: string, name: string): Promise<CodeWorkflow | null> {
    return this.workflows.get(tenant, name);
  }

  all(tenant: string): Promise<CodeWorkflow[]> {
    return this.workflows.list(tenant);
  }

  /** Creates the workflow, or adds a version to it. */
  async put(tenant: string, name: string, body: CodeWorkflowPut): Promise<CfWorkflowUpdated> {
    checkPut(body);
    const now = this.clock().toISOString();
    const version: CodeWorkflowVersion = {
      id: randomUUID(), class_name: body.class_name, script_name: body.script_name, created_on: now,
      ...(body.limits?.steps === undefined ? {} : { limits: { steps: body.limits.steps } }),
    };
    const existing = await this.workflows.get(tenant, name);
    const workflow: CodeWorkflow = {
      id: existing?.id ?? randomUUID(), name, class_name: body.class_name, script_name: body.script_name,
      created_on: existing?.created_on ?? now, modified_on: now, versions: [...(existing?.versions ?? []), version],
    };
    await this.workflows.put(tenant, workflow);
    const { instances: _counts, ...summary } = await this.workflowOf(tenant, workflow);
    return { ...summary, version_id: version.id, is_deleted: 0, terminator_running: 0 };
  }

  /** Refused while an instance has not finished; else the instances go first, then the workflow. */
  async delete(tenant: string, workflow: CodeWorkflow): Promise<{ status: 'ok'; success: boolean }> {
    const states = await this.states(tenant, workflow.name);
    const unfinished = states.filter((s) => !['complete', 'errored', 'terminated'].includes(s.status)).length;
    if (unfinished > 0) {
      throw new CloudflareApiError('FAILED_PRECONDITION', CF_CODE.WORKFLOW_HAS_INSTANCES,
        `workflow ${workflow.name} has ${unfinished} instances that have not finished; terminate them first`);
    }
    for (const s of states) await this.instances.delete(tenant, workflow.name, s.id);
    await this.workflows.delete(tenant, workflow.name);
    return { status: 'ok', success: true };
  }

  async workflowOf(tenant: string, workflow: CodeWorkflow): Promise<CfWorkflow> {
    const [newest] = (await this.instances.page(tenant, workflow.name, { minMs: -Infinity, maxMs: Infinity, desc: true, offset: 0, count: 1 })).ids;
    const newestState = newest === undefined ? null : await this.instances.load(tenant, workflow.name, newest);
    const byStatus = await this.instances.countByStatus(tenant, workflow.name);
    const counts = Object.fromEntries(INSTANCE_STATUSES.map((s) => [s, (byStatus as Record<string, number>)[s] ?? 0])) as Record<InstanceStatus, number>;
    return {
      id: workflow.id, name: workflow.name, class_name: workflow.class_name, script_name: workflow.script_name,
      created_on: workflow.created_on, modified_on: workflow.modified_on,
      triggered_on: newestState?.created_on ?? null, instances: counts,
    };
  }

  /** Newest first. */
  listVersions(workflow: CodeWorkflow, q: PageQuery): CfList<CfCodeVersion> {
    const page = pageOf([...workflow.versions].reverse(), q);
    return { ...page, result: page.result.map((v) => versionOf(workflow, v)) };
  }

  getVersion(workflow: CodeWorkflow, versionId: string): CfCodeVersion {
    const version = workflow.versions.find((v) => v.id === versionId.toLowerCase());
    if (!version) throw versionNotFound(versionId);
    return versionOf(workflow, version);
  }

  /** Colt does not analyse workflow code, so a code workflow's version has no DAG or graph. */
  getDag(workflow: CodeWorkflow, versionId: string, graph: boolean) {
    const { has_dag: _hasDag, language: _language, limits: _limits, ...version } = this.getVersion(workflow, versionId);
    return { ...version, dag: null, ...(graph ? { graph: null } : {}) };
  }

  private async states(tenant: string, workflow: string): Promise<CodeInstanceState[]> {
    const ids = (await this.instances.index(tenant, workflow)).map((m) => m.id);
    return (await this.instances.loadMany(tenant, workflow, ids)).filter((s): s is CodeInstanceState => s !== null);
  }
}

function versionOf(workflow: CodeWorkflow, v: CodeWorkflowVersion): CfCodeVersion {
  return {
    id: v.id, workflow_id: workflow.id, class_name: v.class_name, created_on: v.created_on, modified_on: v.created_on,
    has_dag: false, language: 'javascript', ...(v.limits ? { limits: v.limits } : {}),
  };
}

function checkPut(body: CodeWorkflowPut): void {
  const invalid = (message: string) => new CloudflareApiError('INVALID_ARGUMENT', CF_CODE.INVALID_INPUT, message);
  if (!CLASS_NAME.test(body.class_name)) throw invalid('class_name must be a JavaScript class name ([A-Za-z_$][A-Za-z0-9_$]*)');
  if (!SCRIPT_NAME.test(body.script_name)) throw invalid('script_name must be 1-63 characters of [a-zA-Z0-9-_], not starting with \'-\'');
  if (body.limits?.steps !== undefined && body.limits.steps > MAX_STEPS) throw invalid(`limits.steps must be at most ${MAX_STEPS}`);
  if (body.schedules !== undefined && body.schedules.length > 0) {
    throw new CloudflareApiError('UNIMPLEMENTED', CF_CODE.NOT_IMPLEMENTED, 'schedules: cron-triggered workflows are not supported by Colt');
  }
}
