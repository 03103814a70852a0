// DELETE .../instances/{id} and POST .../instances/batch/delete: an instance is removed with everything
// recorded of it, in any status. A code instance loses its records (an execution under way then writes
// nothing); a WfSpec-backed one is its WfRun, deleted even while running, with the API's record of it.
import { ColtError } from '../errors.ts';
import type { RedisCloudflareStore } from '../store/redis/cloudflare-store.ts';
import type { CloudflareCode } from './cloudflare-services.ts';
import type { CloudflareCatalog } from './cloudflare-catalog.ts';
import { CF_CODE, CloudflareApiError, instanceNotFound } from './cloudflare-errors.ts';
import type { CloudflareInstanceService } from './cloudflare-instances.ts';
import type { WfRunService } from './wf-run-service.ts';

export interface BatchDeleted {
  deleted: Array<{ id: string }>;
  errors: Array<{ id: string; code: number; message: string }>;
}

export class CloudflareDeletions {
  constructor(
    private readonly catalog: CloudflareCatalog,
    private readonly store: RedisCloudflareStore,
    private readonly instances: CloudflareInstanceService,
    private readonly wfRuns: WfRunService,
    private readonly code: CloudflareCode,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async deleteInstance(tenant: string, name: string, id: string): Promise<{ instanceId: string; timestamp: string }> {
    const code = await this.code.workflows.find(tenant, name);
    if (code) {
      await this.code.instances.delete(tenant, code, id);
    } else {
      await this.catalog.versions(tenant, name);
      await this.instances.load(tenant, name, id);
      await this.wfRuns.deleteWfRun(tenant, id, { evenIfRunning: true }).catch((err: unknown) => {
        if (!(err instanceof ColtError && err.code === 'NOT_FOUND')) throw err;
        throw instanceNotFound(id, err);
      });
      await this.store.delete(tenant, id);
    }
    return { instanceId: id, timestamp: this.clock().toISOString() };
  }

  /** Deletes each named instance; one that is not found is reported in `errors`, the others still go. */
  async deleteBatch(tenant: string, name: string, body: { instances: string[] }): Promise<BatchDeleted> {
    if (!(await this.code.workflows.find(tenant, name))) await this.catalog.versions(tenant, name);
    const result: BatchDeleted = { deleted: [], errors: [] };
    for (const id of new Set(body.instances)) {
      try {
        await this.deleteInstance(tenant, name, id);
        result.deleted.push({ id });
      } catch (err) {
        if (!(err instanceof CloudflareApiError && err.cfCode === CF_CODE.INSTANCE_NOT_FOUND)) throw err;
        result.errors.push({ id, code: CF_CODE.INSTANCE_NOT_FOUND, message: 'workflows.api.error.instance.not_found' });
      }
    }
    return result;
  }
}
