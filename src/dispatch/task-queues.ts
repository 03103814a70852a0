// One BullMQ queue per TaskDef. Task attempts go out with deterministic job ids, so sending the
// same attempt twice (a re-sent outbox entry) adds nothing while the first job is kept.
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Effect } from '../engine/commands.ts';
import type { ScheduledTask, TaskRun } from '../engine/types.ts';
import type { Keys } from '../store/keys.ts';
import { captureAdd, type CapturedAdd } from './fused-add.ts';

/** What a task job carries: the tenant and LittleHorse's ScheduledTask. */
export interface TaskJobData { tenant: string; task: ScheduledTask }

/**
 * Colt owns retries (in run state), so BullMQ makes one attempt; finished jobs stay a while for
 * dedupe, bounded in age and in number per queue so that Redis memory stays bounded on a long run.
 */
const JOB_OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

export function taskJobId(task: ScheduledTask): string {
  return attemptJobId(task.taskRunId, task.attemptNumber);
}

/** The job id of one attempt of a TaskRun. */
export function attemptJobId(taskRunId: TaskRun['id'], attemptNumber: number): string {
  return `${taskRunId.wfRunId}.${taskRunId.taskGuid}.${attemptNumber}`;
}

/** An effect that sends a task attempt to its TaskDef's queue. */
export type TaskEffect = Extract<Effect, { type: 'DispatchTask' }>;

export function jobIdOf(effect: TaskEffect): string {
  return taskJobId(effect.task);
}

export class TaskQueues {
  private readonly queues = new Map<string, Queue<TaskJobData>>();

  constructor(private readonly connection: Redis, private readonly keys: Keys) {}

  queue(tenant: string, taskDefName: string): Queue<TaskJobData> {
    const name = this.keys.taskQueueName(tenant, taskDefName);
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<TaskJobData>(name, { connection: this.connection, prefix: this.keys.queuePrefix() });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** The BullMQ add of one task effect, captured so a commit script can run it atomically. */
  captureSend(tenant: string, effect: TaskEffect): Promise<CapturedAdd> {
    const queue = this.queue(tenant, effect.task.taskDefId.name);
    return captureAdd(queue, 'task', { tenant, task: effect.task }, { ...JOB_OPTIONS, jobId: jobIdOf(effect) });
  }

  async send(tenant: string, effects: TaskEffect[]): Promise<void> {
    await Promise.all(
      effects.map((effect) =>
        this.queue(tenant, effect.task.taskDefId.name).add(
          'task',
          { tenant, task: effect.task },
          { ...JOB_OPTIONS, jobId: jobIdOf(effect) },
        ),
      ),
    );
  }

  /**
   * Removes the jobs of every attempt of these TaskRuns (of a deleted WfRun): queued, delayed and
   * finished ones. A job a worker holds right now stays; its report will find no run.
   */
  async removeAttempts(tenant: string, taskRuns: TaskRun[]): Promise<void> {
    await Promise.all(
      taskRuns.flatMap((t) =>
        t.attempts.map((_, attemptNumber) =>
          this.queue(tenant, t.taskDefId.name).remove(attemptJobId(t.id, attemptNumber)),
        ),
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
