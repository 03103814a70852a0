// Runs the code workflows of one script: registers its WorkflowEntrypoint classes by class name and
// consumes the script's BullMQ queue. Each job replays one instance under that instance's lease; a job
// that finds the lease taken (another execution is running) comes back a moment later.
import { randomUUID } from 'node:crypto';
import { DelayedError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { CodeWorkflowQueues, type CodeJobData } from '../../src/dispatch/code-workflow-queues.ts';
import { Keys } from '../../src/store/keys.ts';
import { RedisCodeInstanceStore } from '../../src/store/redis/code-instance-store.ts';
import { RedisCodeWorkflowStore } from '../../src/store/redis/code-workflow-store.ts';
import { executeInstance, type ExecutionDeps } from './execute-instance.ts';
import { startQueuedSweeper } from './queued-sweeper.ts';
import type { WorkflowClass } from './workflow-entrypoint.ts';

export interface WorkflowWorkerOptions {
  scriptName: string;
  /** class name -> class, as PUT .../workflows/{name} names them in `class_name`. */
  classes: Record<string, WorkflowClass<any>>;
  redisUrl: string;
  /** The Cloudflare account (Colt tenant) served. */
  account?: string;
  keyPrefix?: string;
  /** Instances executed at once by this process. */
  concurrency?: number;
  /** BullMQ lock and instance lease: a crashed worker's execution is taken over after this long. */
  lockMs?: number;
  /**
   * How often queued instances are swept for a lost execution (see queued-sweeper.ts), and how long
   * one stays queued before its execution is queued again. Both default to `lockMs`.
   */
  sweepMs?: number;
  /** The `env` each workflow class is constructed with. */
  env?: unknown;
  log?: Logger;
}

export interface WorkflowWorkers { close(): Promise<void> }

const LEASE_BUSY_RETRY_MS = 250;

export function startWorkflowWorkers(options: WorkflowWorkerOptions): WorkflowWorkers {
  const log = options.log ?? pino({ level: 'info' });
  const lockMs = options.lockMs ?? 30_000;
  const keys = new Keys(options.keyPrefix ?? 'colt');
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
  const bull = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const queues = new CodeWorkflowQueues(bull, keys);
  const deps: ExecutionDeps = {
    instances: new RedisCodeInstanceStore(redis, keys),
    workflows: new RedisCodeWorkflowStore(redis, keys),
    queues,
    scriptName: options.scriptName,
    classes: options.classes,
    env: options.env,
  };
  const execute = async (job: Job<CodeJobData>, token?: string) => {
    const { tenant, workflow, instanceId } = job.data;
    const lease = randomUUID();
    if (!(await deps.instances.acquireLease(tenant, workflow, instanceId, lease, lockMs))) {
      await job.moveToDelayed(Date.now() + LEASE_BUSY_RETRY_MS, token);
      throw new DelayedError();
    }
    const keepAlive = setInterval(() => void deps.instances.extendLease(tenant, workflow, instanceId, lease, lockMs).catch(() => undefined), lockMs / 3);
    try {
      await executeInstance(deps, job.data, job.id, lease);
    } finally {
      clearInterval(keepAlive);
      await deps.instances.releaseLease(tenant, workflow, instanceId, lease);
    }
  };
  const worker = new Worker<CodeJobData>(keys.codeQueueName(options.account ?? 'default', options.scriptName), execute, {
    connection: bull,
    prefix: keys.queuePrefix(),
    concurrency: options.concurrency ?? 10,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: 1_000,
  });
  const account = options.account ?? 'default';
  const sweepMs = options.sweepMs ?? lockMs;
  const sweeper = startQueuedSweeper({ ...deps, tenant: account, log }, sweepMs, sweepMs);
  worker.on('error', (err) => log.warn({ err }, 'workflow worker connection error'));
  worker.on('failed', (job, err) => log.error({ err, job: job?.id }, 'workflow execution failed'));
  log.info({ script: options.scriptName, classes: Object.keys(options.classes) }, 'workflow worker started');
  return {
    async close() {
      await sweeper.stop();
      await worker.close();
      await queues.close();
      await Promise.all([redis.quit(), bull.quit()]);
    },
  };
}
