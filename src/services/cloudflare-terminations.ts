// Batch terminate and terminate-all, as Cloudflare runs them: asynchronous jobs. The request checks the
// workflow, records the job (CloudflareTerminateQueue) and answers; the job terminates each instance by
// the same path as PATCH .../status, skipping the ones that are gone or have finished meanwhile.
import { randomUUID } from 'node:crypto';
import type { CloudflareTerminateQueue, TerminateJobData } from '../dispatch/cloudflare-terminate-queue.ts';
import type { CloudflareInstanceStatusService } from './cloudflare-instance-status.ts';
import type { CloudflareInstanceService } from './cloudflare-instances.ts';
import { CF_CODE, CloudflareApiError } from './cloudflare-errors.ts';
import type { InstanceStatus } from './cloudflare-status.ts';

/** The statuses terminate-all may be limited to (as wrangler offers them); all of them by default. */
export const TERMINABLE_STATUSES: readonly InstanceStatus[] = ['queued', 'running', 'paused', 'waitingForPause', 'waiting'];
const FINISHED: readonly InstanceStatus[] = ['complete', 'errored', 'terminated'];
const PAGE = 100;

export class CloudflareTerminations {
  constructor(
    private readonly queue: CloudflareTerminateQueue,
    private readonly instances: CloudflareInstanceService,
    private readonly status: CloudflareInstanceStatusService,
  ) {}

  /**
   * Queues the termination of the named instances. `instancesTerminated` counts those that exist and
   * have not finished when the request is made; ids of neither kind are skipped.
   */
  async terminateBatch(tenant: string, workflow: string, ids: string[]): Promise<{ instancesTerminated: number; status: 'ok' }> {
    const unique = [...new Set(ids)];
    const unfinished: string[] = [];
    for (const id of unique) {
      const status = await this.statusOf(tenant, workflow, id);
      if (status !== null && !FINISHED.includes(status)) unfinished.push(id);
    }
    if (unfinished.length > 0) await this.queue.addBatch({ kind: 'batch', tenant, workflow, ids: unfinished }, `batch.${tenant}.${workflow}.${randomUUID()}`);
    return { instancesTerminated: unfinished.length, status: 'ok' };
  }

  /** Queues the workflow's terminate-all job, for every unfinished instance or those in `status`. */
  async terminateAll(tenant: string, workflow: string, status?: string): Promise<{ status: 'ok' | 'already_running' }> {
    if (status !== undefined && !TERMINABLE_STATUSES.includes(status as InstanceStatus)) {
      throw new CloudflareApiError('INVALID_ARGUMENT', CF_CODE.INVALID_INPUT, `status: must be one of ${TERMINABLE_STATUSES.join(', ')}`);
    }
    await this.instances.list(tenant, workflow, { page: 1, perPage: 1 }); // 404 for an unknown workflow
    const statuses = status === undefined ? [...TERMINABLE_STATUSES] : [status];
    return { status: (await this.queue.addAll({ kind: 'all', tenant, workflow, statuses })) ? 'ok' : 'already_running' };
  }

  async terminateAllStatus(tenant: string, workflow: string): Promise<{ status: 'running' | 'not_running' }> {
    await this.instances.list(tenant, workflow, { page: 1, perPage: 1 });
    return { status: (await this.queue.allRunning(tenant, workflow)) ? 'running' : 'not_running' };
  }

  start(): void {
    this.queue.start((data) => this.run(data));
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  /** Carries out one job; running it again (after a crash) terminates what is still unfinished. */
  async run(data: TerminateJobData): Promise<void> {
    const ids = data.kind === 'batch' ? data.ids : await this.idsIn(data.tenant, data.workflow, data.statuses as InstanceStatus[]);
    for (const id of ids) {
      try {
        await this.status.change(data.tenant, data.workflow, id, { status: 'terminate' });
      } catch (err) {
        if (err instanceof CloudflareApiError && err.cfCode === CF_CODE.WORKFLOW_NOT_FOUND) return; // deleted meanwhile
        if (!(err instanceof CloudflareApiError) || ![CF_CODE.INSTANCE_NOT_FOUND, CF_CODE.INSTANCE_CANNOT_TERMINATE].includes(err.cfCode as never)) throw err;
      }
    }
  }

  /** Every instance id in one of `statuses`, collected before any is terminated (termination moves them). */
  private async idsIn(tenant: string, workflow: string, statuses: InstanceStatus[]): Promise<string[]> {
    const ids: string[] = [];
    for (const status of statuses) {
      for (let page = 1; ; page++) {
        const { result } = await this.instances.list(tenant, workflow, { page, perPage: PAGE, status, direction: 'asc' });
        ids.push(...result.map((x) => x.id));
        if (result.length < PAGE) break;
      }
    }
    return ids;
  }

  private async statusOf(tenant: string, workflow: string, id: string): Promise<InstanceStatus | null> {
    try {
      return (await this.instances.get(tenant, workflow, id, { simple: true })).status as InstanceStatus;
    } catch (err) {
      if (err instanceof CloudflareApiError && err.cfCode === CF_CODE.INSTANCE_NOT_FOUND) return null;
      throw err;
    }
  }
}
