// The Cloudflare API's terminate jobs on BullMQ: a batch terminate or a terminate-all is recorded as a
// job before it is acknowledged, and one server's worker carries it out. A server that crashes mid-job
// leaves it stalled; BullMQ hands it to another worker, which terminates what is still unfinished.
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keys } from '../store/keys.ts';

export type TerminateJobData =
  | { kind: 'batch'; tenant: string; workflow: string; ids: string[] }
  | { kind: 'all'; tenant: string; workflow: string; statuses: string[] };

export type RunTerminateJob = (data: TerminateJobData) => Promise<void>;

const KEEP = { age: 24 * 3600, count: 1_000 };
const UNFINISHED_JOB = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

export class CloudflareTerminateQueue {
  private readonly queue: Queue<TerminateJobData>;
  private worker: Worker<TerminateJobData> | undefined;

  constructor(private readonly connection: Redis, private readonly keys: Keys) {
    this.queue = new Queue<TerminateJobData>(keys.cloudflareTerminateQueueName(), { connection, prefix: keys.queuePrefix() });
  }

  async addBatch(data: Extract<TerminateJobData, { kind: 'batch' }>, jobId: string): Promise<void> {
    await this.queue.add('batch', data, { jobId, removeOnComplete: true, removeOnFail: KEEP, attempts: 3, backoff: { type: 'exponential', delay: 1_000 } });
  }

  /** Queues the workflow's terminate-all job; false when one is already queued or running. */
  async addAll(data: Extract<TerminateJobData, { kind: 'all' }>): Promise<boolean> {
    const jobId = allJobId(data.tenant, data.workflow);
    if (await this.allRunning(data.tenant, data.workflow)) return false;
    // A finished job of the same id would make the add a no-op.
    await this.queue.remove(jobId).catch(() => undefined);
    await this.queue.add('all', data, { jobId, removeOnComplete: true, removeOnFail: true, attempts: 3, backoff: { type: 'exponential', delay: 1_000 } });
    return true;
  }

  async allRunning(tenant: string, workflow: string): Promise<boolean> {
    const job = await this.queue.getJob(allJobId(tenant, workflow));
    return job !== undefined && UNFINISHED_JOB.has(await job.getState());
  }

  /** Takes this server's share of the jobs. */
  start(run: RunTerminateJob): void {
    this.worker ??= new Worker<TerminateJobData>(
      this.keys.cloudflareTerminateQueueName(),
      (job: Job<TerminateJobData>) => run(job.data),
      { connection: this.connection, prefix: this.keys.queuePrefix(), concurrency: 2 },
    );
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}

function allJobId(tenant: string, workflow: string): string {
  return `all.${tenant}.${workflow}`;
}
