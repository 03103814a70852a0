// LittleHorse's task protocol over HTTP, for workers in any language: PollTask long-polls a
// TaskDef's queue and claims the attempt it hands out; ReportTask applies the attempt's result.
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CommandApplier } from '../apply/apply-command.ts';
import type { ReportedTaskStatus } from '../engine/commands.ts';
import type { ScheduledTask, TaskError, TaskException, VariableValue } from '../engine/types.ts';
import { normalizeValue } from '../engine/values.ts';
import { ColtError, invalidArgument } from '../errors.ts';
import { checkName, checkWfRunId, newGuid } from '../ids.ts';
import type { TaskJobData } from '../dispatch/task-queues.ts';
import type { Keys } from '../store/keys.ts';
import { RedisTaskWorkerGroupStore } from '../store/redis/task-worker-group-store.ts';
import type { MetadataService } from './metadata-service.ts';

export interface PollTaskRequest { taskDefId: { name: string }; clientId: string; taskWorkerVersion?: string }

export interface ReportTaskRequest {
  taskRunId: { wfRunId: string; taskGuid: string };
  attemptNumber: number;
  time?: string;
  status: ReportedTaskStatus;
  output?: unknown;
  error?: TaskError;
  exception?: { name: string; message?: string; content?: unknown };
  logOutput?: unknown;
}

const IDLE_POLL_MS = 100;

export class TaskWorkerService {
  private readonly pollers = new Map<string, Worker<TaskJobData>>();

  constructor(
    private readonly connection: Redis,
    private readonly keys: Keys,
    private readonly applier: CommandApplier,
    private readonly metadata: MetadataService,
    private readonly options: { pollWaitMs: number; taskLockMs: number },
  ) {
    this.workerGroups = new RedisTaskWorkerGroupStore(connection, keys);
  }

  /** Each poll is also the worker's heartbeat in its TaskDef's worker group. */
  private readonly workerGroups: RedisTaskWorkerGroupStore;

  /** The next attempt of the TaskDef, claimed for `clientId`; `{}` when none arrives within the wait. */
  async pollTask(tenant: string, req: PollTaskRequest, signal?: AbortSignal): Promise<{ result?: ScheduledTask }> {
    await this.metadata.getTaskDef(tenant, req.taskDefId.name);
    await this.workerGroups.heartbeat(tenant, req.taskDefId.name, req.clientId);
    const poller = this.poller(tenant, req.taskDefId.name);
    const deadline = Date.now() + this.options.pollWaitMs;
    while (Date.now() < deadline && !signal?.aborted) {
      const token = newGuid();
      const job = await poller.getNextJob(token, { block: false });
      if (!job) {
        await sleep(IDLE_POLL_MS);
        continue;
      }
      const claimed = await this.claim(job, req);
      await job.moveToCompleted('claimed', token, false);
      if (claimed) return { result: claimed };
    }
    return {};
  }

  /** Records the claim in the run; null if the attempt is no longer waiting for a worker. */
  private async claim(job: Job<TaskJobData>, req: PollTaskRequest): Promise<ScheduledTask | null> {
    const { tenant, task } = job.data;
    const { wfRunId, taskGuid } = task.taskRunId;
    try {
      const state = await this.applier.apply(tenant, wfRunId, {
        type: 'TaskClaimed',
        taskGuid,
        attemptNumber: task.attemptNumber,
        taskWorkerId: req.clientId,
        ...(req.taskWorkerVersion ? { taskWorkerVersion: req.taskWorkerVersion } : {}),
      });
      const attempt = state.taskRuns[taskGuid]?.attempts[task.attemptNumber];
      return attempt?.status === 'TASK_RUNNING' && attempt.taskWorkerId === req.clientId ? littleHorseTask(task) : null;
    } catch (err) {
      if (err instanceof ColtError && err.code === 'NOT_FOUND') return null; // the WfRun was deleted
      throw err;
    }
  }

  async reportTask(tenant: string, req: ReportTaskRequest): Promise<void> {
    const { wfRunId, taskGuid } = req.taskRunId;
    checkWfRunId('taskRunId.wfRunId', wfRunId);
    checkName('taskRunId.taskGuid', taskGuid);
    await this.applier.apply(tenant, wfRunId, {
      type: 'TaskReported',
      taskGuid,
      attemptNumber: req.attemptNumber,
      status: req.status,
      ...(req.time ? { time: new Date(req.time).toISOString() } : {}),
      ...(req.output !== undefined ? { output: valueAt('output', req.output) } : {}),
      ...(req.error ? { error: req.error } : {}),
      ...(req.exception ? { exception: exceptionOf(req.exception) } : {}),
      ...(req.logOutput !== undefined ? { logOutput: valueAt('logOutput', req.logOutput) } : {}),
    });
  }

  private poller(tenant: string, taskDefName: string): Worker<TaskJobData> {
    const name = this.keys.taskQueueName(tenant, taskDefName);
    let poller = this.pollers.get(name);
    if (!poller) {
      poller = new Worker<TaskJobData>(name, null, {
        connection: this.connection,
        prefix: this.keys.queuePrefix(),
        autorun: false,
        lockDuration: this.options.taskLockMs,
      });
      this.pollers.set(name, poller);
    }
    return poller;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pollers.values()].map((p) => p.close()));
    this.pollers.clear();
  }
}

/** LittleHorse's ScheduledTask fields only: the timeout runs on the server for polled tasks (from the claim). */
function littleHorseTask({ timeoutSeconds: _serverSide, ...task }: ScheduledTask): ScheduledTask {
  return task;
}

function exceptionOf(e: NonNullable<ReportTaskRequest['exception']>): TaskException {
  return { name: e.name, message: e.message ?? '', ...(e.content !== undefined ? { content: valueAt('exception.content', e.content) } : {}) };
}

function valueAt(field: string, raw: unknown): VariableValue {
  try {
    return normalizeValue(raw);
  } catch (err) {
    throw invalidArgument(`${field}: ${(err as Error).message}`, { field });
  }
}
