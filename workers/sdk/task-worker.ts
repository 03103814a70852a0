// Colt's TypeScript task worker: consumes one TaskDef's BullMQ queue, runs the handler, and applies
// the attempt's result to the WfRun right here (reducer + commit + dispatch of the next task), so
// results never take a second trip through a queue. It commits no claim, so it enforces the
// attempt's timeout itself: a handler still running timeoutSeconds after it started is TASK_TIMEOUT.
import { WaitingError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { ColtError } from '../../src/errors.ts';
import type { Command } from '../../src/engine/commands.ts';
import type { ScheduledTask, TaskDef, VariableValue } from '../../src/engine/types.ts';
import { valueOfJson } from '../../src/engine/assignments.ts';
import { fromPlain, toPlain } from '../../src/engine/values.ts';
import type { TaskJobData } from '../../src/dispatch/task-queues.ts';
import type { Engine } from '../../src/main/colt.ts';
import { RedisTaskWorkerGroupStore } from '../../src/store/redis/task-worker-group-store.ts';
import { TaskException, type TaskContext, type TaskHandler } from './task-handler.ts';

export interface TaskWorkerOptions {
  tenant?: string;
  /** How many tasks this process runs at once. */
  concurrency?: number;
  /** BullMQ lock of a running job: a crashed worker's task is handed out again after it lapses. */
  lockMs?: number;
  workerId?: string;
  /** Called after each attempt's result has been applied to its WfRun. */
  onReported?: (task: ScheduledTask, status: Report['status']) => void;
}

type Report = Extract<Command, { type: 'TaskReported' }>;
type Outcome = Pick<Report, 'status' | 'output' | 'error' | 'exception'>;

const REPORT_RETRY_DELAYS_MS = [100, 500, 1_000, 2_000, 5_000, 10_000];
/** LittleHorse's default, for jobs queued before they carried their timeout. */
const DEFAULT_TIMEOUT_SECONDS = 60;
/** How often the worker tells the server it is alive (a group drops workers silent for 90 s). */
const HEARTBEAT_MS = 30_000;
/** setTimeout's largest delay; a longer timeout is, in practice, this one. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class TaskWorker {
  private readonly worker: Worker<TaskJobData>;
  private readonly tenant: string;
  private readonly workerId: string;
  private readonly onReported: TaskWorkerOptions['onReported'];
  /** Keeps this worker in its TaskDef's worker group (GetTaskWorkerGroup). */
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly engine: Engine,
    private readonly taskDef: TaskDef,
    private readonly handler: TaskHandler,
    private readonly log: Logger,
    options: TaskWorkerOptions = {},
  ) {
    this.tenant = options.tenant ?? 'default';
    this.workerId = options.workerId ?? `${process.pid}`;
    this.onReported = options.onReported;
    const lockDuration = options.lockMs ?? 30_000;
    // Three parameters: BullMQ then hands each job a signal, aborted by giveBackRunningTasks().
    this.worker = new Worker<TaskJobData>(engine.keys.taskQueueName(this.tenant, taskDef.id.name), (job, token, shutdown) => this.process(job, token, shutdown), {
      connection: engine.bull,
      prefix: engine.keys.queuePrefix(),
      concurrency: options.concurrency ?? 10,
      lockDuration,
      stalledInterval: lockDuration,
      maxStalledCount: 10,
    });
    this.worker.on('error', (err) => this.log.warn({ err }, 'task worker connection error'));
    const groups = new RedisTaskWorkerGroupStore(engine.redis, engine.keys);
    const beat = () => void groups.heartbeat(this.tenant, taskDef.id.name, this.workerId).catch((err: unknown) => this.log.warn({ err }, 'task worker heartbeat failed'));
    beat();
    this.heartbeat = setInterval(beat, HEARTBEAT_MS).unref();
  }

  /** Stops taking tasks and waits for running ones to finish (and report). */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.worker.close();
  }

  /**
   * For a shutdown past its grace period: puts every running task back in its queue for another
   * worker (their handlers' signals are aborted, and what they return is dropped), so that a
   * pending `close()` completes.
   */
  giveBackRunningTasks(): void {
    this.worker.cancelAllJobs('the task worker is shutting down');
  }

  private async process(job: Job<TaskJobData>, token?: string, shutdown?: AbortSignal): Promise<void> {
    const { task } = job.data;
    const startTime = new Date().toISOString();
    const logLines: string[] = [];
    const abort = new AbortController();
    const context: TaskContext = {
      idempotencyKey: `${task.taskRunId.wfRunId}/${task.taskRunId.taskGuid}`,
      wfRunId: task.taskRunId.wfRunId,
      taskGuid: task.taskRunId.taskGuid,
      attemptNumber: task.attemptNumber,
      log: (line) => void logLines.push(line),
      signal: abort.signal,
    };
    const inputs = Object.fromEntries(task.variables.map((v) => [v.varName, toPlain(v.value)]));
    const outcome = await untilGivenBack(this.runWithDeadline(inputs, context, abort, task.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS), abort, shutdown);
    if (outcome === GIVEN_BACK) {
      this.log.info({ taskRunId: task.taskRunId }, 'task given back to the queue');
      await job.moveToWait(token);
      throw new WaitingError();
    }
    await this.report({
      type: 'TaskReported',
      taskGuid: task.taskRunId.taskGuid,
      attemptNumber: task.attemptNumber,
      taskWorkerId: this.workerId,
      startTime,
      time: new Date().toISOString(),
      ...outcome,
      ...(logLines.length > 0 ? { logOutput: { str: logLines.join('\n') } } : {}),
    }, job);
    this.onReported?.(task, outcome.status);
  }

  /**
   * The handler's outcome, or TASK_TIMEOUT once `timeoutSeconds` have passed (the handler's signal is
   * then aborted, and what it returns later is dropped: the engine ignores reports for ended attempts).
   */
  private async runWithDeadline(inputs: Record<string, unknown>, context: TaskContext, abort: AbortController, timeoutSeconds: number): Promise<Outcome> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => {
        const message = `the handler did not finish within ${timeoutSeconds} s`;
        abort.abort(new Error(message));
        resolve({ status: 'TASK_TIMEOUT', error: { type: 'TIMEOUT', message } });
      }, Math.min(timeoutSeconds * 1000, MAX_TIMER_MS));
    });
    try {
      return await Promise.race([this.runHandler(inputs, context), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A TaskException is the task's business outcome (TASK_EXCEPTION); anything else is a technical failure (TASK_FAILED, retried). */
  private async runHandler(inputs: Record<string, unknown>, context: TaskContext): Promise<Outcome> {
    try {
      const output = await this.handler(inputs, context);
      return { status: 'TASK_SUCCESS', output: this.outputValue(output) };
    } catch (err) {
      if (err instanceof TaskException) {
        return { status: 'TASK_EXCEPTION', exception: { name: err.exceptionName, message: err.message, ...(err.content === undefined ? {} : { content: valueOfJson(err.content) }) } };
      }
      const message = err instanceof Error ? err.message : String(err);
      return { status: 'TASK_FAILED', error: { type: 'TASK_FAILED', message } };
    }
  }

  /** The handler's return value, typed by the TaskDef's return type when it declares one. */
  private outputValue(output: unknown): VariableValue {
    const type = this.taskDef.returnType?.returnType?.primitiveType;
    if (output === undefined) return {};
    try {
      return type ? fromPlain(type, output) : valueOfJson(output);
    } catch {
      return valueOfJson(output); // the engine records the mismatch as TASK_OUTPUT_SERDE_ERROR
    }
  }

  /** Applies the report; retried while Redis is unreachable, dropped if the WfRun is gone. */
  private async report(report: Report, job: Job<TaskJobData>): Promise<void> {
    const { tenant, task } = job.data;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.engine.applier.apply(tenant, task.taskRunId.wfRunId, report);
        return;
      } catch (err) {
        if (err instanceof ColtError && err.code === 'NOT_FOUND') {
          this.log.info({ taskRunId: task.taskRunId }, 'WfRun no longer exists; result dropped');
          return;
        }
        const delay = REPORT_RETRY_DELAYS_MS[attempt];
        if (delay === undefined) throw err;
        this.log.warn({ err, taskRunId: task.taskRunId }, 'could not apply task result; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

const GIVEN_BACK = Symbol('given back');

/** The outcome, or GIVEN_BACK (aborting the handler's signal) once `shutdown` aborts first. */
function untilGivenBack(outcome: Promise<Outcome>, abort: AbortController, shutdown: AbortSignal | undefined): Promise<Outcome | typeof GIVEN_BACK> {
  if (!shutdown) return outcome;
  return new Promise((resolve, reject) => {
    const giveBack = () => {
      abort.abort(new Error('the task worker is shutting down'));
      resolve(GIVEN_BACK);
    };
    if (shutdown.aborted) return giveBack();
    shutdown.addEventListener('abort', giveBack, { once: true });
    outcome.then(resolve, reject).finally(() => shutdown.removeEventListener('abort', giveBack));
  });
}
