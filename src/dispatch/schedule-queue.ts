// Cron firings through BullMQ's job schedulers: one scheduler per ScheduledWfRun makes exactly one
// job per cron tick, however many servers run; one server's worker takes it and starts the WfRun.
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keys } from '../store/keys.ts';

export interface ScheduleJobData { tenant: string; id: string }

/** Starts the WfRun of one tick (`tickMs`: the cron time it is for). */
export type FireSchedule = (data: ScheduleJobData, tickMs: number) => Promise<void>;

const KEEP = { age: 24 * 3600, count: 1_000 };

export class ScheduleQueue {
  private readonly queue: Queue<ScheduleJobData>;
  private worker: Worker<ScheduleJobData> | undefined;

  constructor(private readonly connection: Redis, private readonly keys: Keys) {
    this.queue = new Queue<ScheduleJobData>(keys.scheduleQueueName(), { connection, prefix: keys.queuePrefix() });
  }

  /** Fires at each time `cron` matches from now on (the first: the next one). */
  async upsert(tenant: string, id: string, cron: string): Promise<void> {
    await this.queue.upsertJobScheduler(schedulerId(tenant, id), { pattern: cron }, {
      name: 'fire',
      data: { tenant, id },
      opts: { removeOnComplete: KEEP, removeOnFail: KEEP },
    });
  }

  async has(tenant: string, id: string): Promise<boolean> {
    return (await this.queue.getJobScheduler(schedulerId(tenant, id))) !== undefined;
  }

  async remove(tenant: string, id: string): Promise<void> {
    await this.queue.removeJobScheduler(schedulerId(tenant, id));
  }

  /** Takes this server's share of the firings. */
  start(fire: FireSchedule): void {
    this.worker ??= new Worker<ScheduleJobData>(
      this.keys.scheduleQueueName(),
      (job: Job<ScheduleJobData>) => fire(job.data, Number(job.opts.prevMillis ?? job.timestamp)),
      { connection: this.connection, prefix: this.keys.queuePrefix(), concurrency: 5 },
    );
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}

function schedulerId(tenant: string, id: string): string {
  return `${tenant}/${id}`;
}
