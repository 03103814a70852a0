// runTaskWorkers: the one call a worker process makes. Connects to Colt's Redis, registers each
// task's TaskDef (idempotently: an identical TaskDef is left as it is), consumes the tasks' queues,
// and on SIGTERM/SIGINT drains: running tasks finish and report, up to a grace period; tasks still
// running after it go back to their queue (their handlers' signals abort) for another worker.
//
//   await runTaskWorkers([greet, chargeCard], { concurrency: 20 });
//
// Heartbeats: while a task runs, BullMQ renews its lock every lockMs / 2, so a long task keeps its
// claim; a crashed worker's tasks go back to the queue once the lock lapses.
import { pino, type Logger } from 'pino';
import { loadConfig } from '../../src/config.ts';
import { buildEngine } from '../../src/main/colt.ts';
import { startTaskWorkers, type TaskDefinition } from './start-workers.ts';
import type { TaskWorker, TaskWorkerOptions } from './task-worker.ts';

export interface RunTaskWorkersOptions extends TaskWorkerOptions {
  /** Colt's Redis; REDIS_URL by default. */
  redisUrl?: string;
  /** The server's key prefix; COLT_KEY_PREFIX (or `colt`) by default. */
  keyPrefix?: string;
  /** How long a drain may wait for running tasks; COLT_SHUTDOWN_GRACE_MS (30 s) by default. */
  shutdownGraceMs?: number;
  /** Drain and exit the process on SIGTERM/SIGINT (default true). */
  handleSignals?: boolean;
  log?: Logger;
}

export interface RunningTaskWorkers {
  readonly workers: TaskWorker[];
  /** Stops taking tasks and waits for running ones up to the grace period; true if all finished. */
  drain(graceMs?: number): Promise<boolean>;
}

export async function runTaskWorkers(tasks: TaskDefinition[], options: RunTaskWorkersOptions = {}): Promise<RunningTaskWorkers> {
  const config = loadConfig();
  const log = options.log ?? pino({ level: config.logLevel });
  const redisUrl = options.redisUrl ?? config.redisUrl;
  if (!redisUrl) throw new Error('runTaskWorkers needs the Redis of a Colt server: set REDIS_URL or pass redisUrl');
  const engine = buildEngine(redisUrl, { keyPrefix: options.keyPrefix ?? config.keyPrefix }, log);
  const workers = await startTaskWorkers(engine, tasks, log, {
    ...options,
    concurrency: options.concurrency ?? config.workerConcurrency,
    lockMs: options.lockMs ?? config.taskLockMs,
  });
  const defaultGraceMs = options.shutdownGraceMs ?? config.shutdownGraceMs;
  let drained: Promise<boolean> | undefined;
  const running: RunningTaskWorkers = {
    workers,
    drain: (graceMs = defaultGraceMs) => (drained ??= drainWorkers(workers, graceMs, log).finally(() => engine.close())),
  };
  if (options.handleSignals ?? true) exitOnSignal(running, log);
  return running;
}

async function drainWorkers(workers: TaskWorker[], graceMs: number, log: Logger): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
  const finished = Promise.all(workers.map((w) => w.close())).then(() => true as const);
  const allFinished = await Promise.race([finished, graceOver]);
  clearTimeout(timer);
  if (!allFinished) {
    log.warn({ graceMs }, 'grace period over; giving running tasks back to the queue');
    for (const worker of workers) worker.giveBackRunningTasks();
    await finished;
  }
  return allFinished;
}

function exitOnSignal(running: RunningTaskWorkers, log: Logger): void {
  const onSignal = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'draining task workers');
    running.drain().then(
      (allFinished) => process.exit(allFinished ? 0 : 1),
      (err: unknown) => {
        log.error({ err }, 'error while draining task workers');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
