// Cloudflare workflows and versions over WfSpecs: every WfSpec of the tenant is a workflow whose
// versions are the WfSpec's versions. Code workflows (PUT with class_name/script_name) are served by
// cloudflare-code-workflows.ts; a name is looked up as a code workflow first.
import { ColtError } from '../errors.ts';
import { entrypointNodeName, nodeTypeOf } from '../engine/spec.ts';
import type { WfSpec } from '../engine/types.ts';
import type { RedisCloudflareStore } from '../store/redis/cloudflare-store.ts';
import type { CloudflareCode } from './cloudflare-services.ts';
import type { CfCodeVersion } from './cloudflare-code-workflows.ts';
import type { MetadataService } from './metadata-service.ts';
import type { WfRunService } from './wf-run-service.ts';
import {
  type CloudflareCatalog, versionIdOf, WFSPEC_CLASS_NAME, WFSPEC_SCRIPT_NAME, workflowIdOf,
} from './cloudflare-catalog.ts';
import { CF_CODE, CloudflareApiError, versionNotFound } from './cloudflare-errors.ts';
import { pageOf, type CfList, type PageQuery } from './cloudflare-pages.ts';
import type { InstanceStatus } from './cloudflare-status.ts';

export interface CfWorkflow {
  id: string;
  name: string;
  class_name: string;
  script_name: string;
  created_on: string;
  modified_on: string;
  triggered_on: string | null;
  instances: Record<InstanceStatus, number>;
}

export interface CfVersion {
  id: string;
  workflow_id: string;
  class_name: string;
  created_on: string;
  modified_on: string;
  has_dag: boolean;
  wf_spec_id: WfSpec['id'];
}

export interface CfVersionDag extends Omit<CfVersion, 'has_dag' | 'wf_spec_id'> {
  dag: WfSpecDag;
  graph?: null;
}

export interface WfSpecDag {
  entrypoint: string;
  threads: Record<string, { nodes: Array<{ name: string; type: string; next: string[] }> }>;
}

export interface WorkflowPut { class_name: string; script_name: string }

export class CloudflareWorkflowService {
  constructor(
    private readonly catalog: CloudflareCatalog,
    private readonly store: RedisCloudflareStore,
    private readonly metadata: MetadataService,
    private readonly wfRuns: WfRunService,
    private readonly code: CloudflareCode,
  ) {}

  async list(tenant: string, q: PageQuery & { search?: string }): Promise<CfList<CfWorkflow>> {
    const search = q.search?.toLowerCase();
    const names = (await this.catalog.workflowNames(tenant)).filter((n) => search === undefined || n.toLowerCase().includes(search));
    // Names whose versions were all deleted stay in the name index: skip them before paging.
    const codeWorkflows = (await this.code.workflows.all(tenant)).filter((w) => search === undefined || w.name.toLowerCase().includes(search));
    const codeNames = new Set(codeWorkflows.map((w) => w.name));
    const withVersions = (await Promise.all(names.filter((n) => !codeNames.has(n)).map(async (n) => ({ n, versions: await this.catalog.findVersions(tenant, n) }))))
      .filter((x) => x.versions.length > 0);
    const page = pageOf([...withVersions, ...codeWorkflows], q);
    const result = await Promise.all(page.result.map((x) => ('n' in x ? this.workflowOf(tenant, x.n, x.versions) : this.code.workflows.workflowOf(tenant, x))));
    return { ...page, result };
  }

  async get(tenant: string, name: string): Promise<CfWorkflow> {
    const code = await this.code.workflows.find(tenant, name);
    if (code) return this.code.workflows.workflowOf(tenant, code);
    return this.workflowOf(tenant, name, await this.catalog.versions(tenant, name));
  }

  /** Creates or modifies a code workflow; a WfSpec's name cannot be taken by one. */
  async put(tenant: string, name: string, body: WorkflowPut) {
    const code = await this.code.workflows.find(tenant, name);
    if (!code && (await this.catalog.findVersions(tenant, name)).length > 0) {
      throw new CloudflareApiError('FAILED_PRECONDITION', CF_CODE.NOT_A_CODE_WORKFLOW,
        `workflow ${name} is a WfSpec; change it through the WfSpec API (PUT creates code workflows)`);
    }
    return this.code.workflows.put(tenant, name, body);
  }

  /**
   * Deletes every WfRun of the WfSpec and then every version. Refused while an instance has not
   * finished (complete, errored or terminated), so that nothing is deleted under a running task.
   */
  async delete(tenant: string, name: string): Promise<{ status: 'ok'; success: boolean }> {
    const code = await this.code.workflows.find(tenant, name);
    if (code) return this.code.workflows.delete(tenant, code);
    const versions = await this.catalog.versions(tenant, name);
    const counts = await this.catalog.instanceCounts(tenant, name);
    const unfinished = counts.queued + counts.running + counts.waiting + counts.paused + counts.waitingForPause;
    if (unfinished > 0) {
      throw new CloudflareApiError('FAILED_PRECONDITION', CF_CODE.WORKFLOW_HAS_INSTANCES,
        `workflow ${name} has ${unfinished} instances that have not finished; terminate them first`);
    }
    for (const { id } of await this.store.members(tenant, name, undefined, { desc: false })) {
      await this.wfRuns.deleteWfRun(tenant, id).catch(ignoreNotFound);
      await this.store.delete(tenant, id);
    }
    for (const spec of versions) await this.metadata.deleteWfSpec(tenant, spec.id).catch(ignoreNotFound);
    return { status: 'ok', success: true };
  }

  /** Newest first. */
  async listVersions(tenant: string, name: string, q: PageQuery): Promise<CfList<CfVersion | CfCodeVersion>> {
    const code = await this.code.workflows.find(tenant, name);
    if (code) return this.code.workflows.listVersions(code, q);
    const versions = [...(await this.catalog.versions(tenant, name))].reverse();
    const page = pageOf(versions, q);
    return { ...page, result: page.result.map((spec) => versionOf(tenant, spec)) };
  }

  async getVersion(tenant: string, name: string, versionId: string): Promise<CfVersion | CfCodeVersion> {
    const code = await this.code.workflows.find(tenant, name);
    if (code) return this.code.workflows.getVersion(code, versionId);
    return versionOf(tenant, await this.version(tenant, name, versionId));
  }

  /** The version's DAG from its thread specs; with `graph`, also Cloudflare's visualizer graph (none for WfSpecs). */
  async getDag(tenant: string, name: string, versionId: string, graph: boolean): Promise<CfVersionDag | ReturnType<CloudflareCode['workflows']['getDag']>> {
    const code = await this.code.workflows.find(tenant, name);
    if (code) return this.code.workflows.getDag(code, versionId, graph);
    const spec = await this.version(tenant, name, versionId);
    const { has_dag: _hasDag, wf_spec_id: _id, ...version } = versionOf(tenant, spec);
    return { ...version, dag: dagOf(spec), ...(graph ? { graph: null } : {}) };
  }

  private async version(tenant: string, name: string, versionId: string): Promise<WfSpec> {
    const spec = (await this.catalog.versions(tenant, name)).find((s) => versionIdOf(tenant, s.id) === versionId.toLowerCase());
    if (!spec) throw versionNotFound(versionId);
    return spec;
  }

  private async workflowOf(tenant: string, name: string, versions: WfSpec[]): Promise<CfWorkflow> {
    const [instances, newest] = await Promise.all([this.catalog.instanceCounts(tenant, name), this.store.newest(tenant, name)]);
    return {
      id: workflowIdOf(tenant, name),
      name,
      class_name: WFSPEC_CLASS_NAME,
      script_name: WFSPEC_SCRIPT_NAME,
      created_on: versions[0]?.createdAt ?? '',
      modified_on: versions.at(-1)?.createdAt ?? '',
      triggered_on: newest ? new Date(newest.score).toISOString() : null,
      instances,
    };
  }
}

function versionOf(tenant: string, spec: WfSpec): CfVersion {
  return {
    id: versionIdOf(tenant, spec.id),
    workflow_id: workflowIdOf(tenant, spec.id.name),
    class_name: WFSPEC_CLASS_NAME,
    created_on: spec.createdAt,
    modified_on: spec.createdAt,
    has_dag: true,
    wf_spec_id: spec.id,
  };
}

function dagOf(spec: WfSpec): WfSpecDag {
  const threads: WfSpecDag['threads'] = {};
  for (const [threadName, thread] of Object.entries(spec.threadSpecs)) {
    const first = entrypointNodeName(thread);
    const names = [first, ...Object.keys(thread.nodes).filter((n) => n !== first)];
    threads[threadName] = {
      nodes: names.map((n) => {
        const node = thread.nodes[n];
        return { name: n, type: node ? nodeTypeOf(node) : 'unknown', next: (node?.outgoingEdges ?? []).map((e) => e.sinkNodeName) };
      }),
    };
  }
  return { entrypoint: spec.entrypointThreadName, threads };
}

function ignoreNotFound(err: unknown): void {
  if (!(err instanceof ColtError && err.code === 'NOT_FOUND')) throw err;
}
