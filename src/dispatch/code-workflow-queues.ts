// One BullMQ queue per (account, script) for code workflow executions. A job only says "run this
// instance now"; what to do is read from the instance's records, so a job sent twice costs a replay,
// never a wrong result. Job ids name the reason, so the same wake is queued once.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keys } from '../store/keys.ts';

export interface CodeJobData { tenant: string; workflow: string; instanceId: string; generation: number }

export interface Wake {
  /** Why it runs: `start`, `resume-<n>`, `event-<n>`, `t<epoch ms>` ... (part of the job id). */
  reason: string;
  /** Epoch ms; now when absent. */
  at?: number;
}

const JOB_OPTIONS = { attempts: 1, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } };

export function codeJobId(data: CodeJobData, reason: string): string {
  return `${data.workflow}.${data.instanceId}.g${data.generation}.${reason}`;
}

export class CodeWorkflowQueues {
  private readonly queues = new Map<string, Queue<CodeJobData>>();

  constructor(private readonly connection: Redis, private readonly keys: Keys) {}

  queue(tenant: string, scriptName: string): Queue<CodeJobData> {
    const name = this.keys.codeQueueName(tenant, scriptName);
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<CodeJobData>(name, { connection: this.connection, prefix: this.keys.queuePrefix() });
      this.queues.set(name, queue);
    }
    return queue;
  }

  async wake(scriptName: string, data: CodeJobData, wake: Wake, jobId = codeJobId(data, wake.reason)): Promise<void> {
    const delay = wake.at === undefined ? 0 : Math.max(0, wake.at - Date.now());
    await this.queue(data.tenant, scriptName).add('run', data, { ...JOB_OPTIONS, jobId, delay });
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
