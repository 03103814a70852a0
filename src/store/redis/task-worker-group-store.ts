// Task worker groups: each worker's latest heartbeat per TaskDef (Redis's clock), so that
// GetTaskWorkerGroup lists the workers alive now; silent ones are dropped when read or beaten.
import type { Redis } from 'ioredis';
import type { Keys } from '../keys.ts';

/** LittleHorse drops a worker from its group after about this long without a heartbeat. */
export const WORKER_EXPIRY_MS = 90_000;

export interface LiveWorker { clientId: string; latestHeartbeatMs: number }
export interface WorkerGroup { createdAtMs: number; workers: LiveWorker[] }

export class RedisTaskWorkerGroupStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys, private readonly expiryMs = WORKER_EXPIRY_MS) {}

  async heartbeat(tenant: string, taskDefName: string, clientId: string): Promise<void> {
    const now = await this.nowMs();
    const group = this.keys.taskWorkerGroup(tenant, taskDefName);
    await this.redis
      .multi()
      .zadd(group, now, clientId)
      .zremrangebyscore(group, '-inf', `(${now - this.expiryMs}`)
      .hsetnx(this.keys.taskWorkerGroupsCreated(tenant), taskDefName, String(now))
      .exec();
  }

  /** The workers heard from within the expiry, oldest heartbeat first; null if none ever was. */
  async group(tenant: string, taskDefName: string): Promise<WorkerGroup | null> {
    const now = await this.nowMs();
    const [[, members], [, created]] = (await this.redis
      .multi()
      .zrangebyscore(this.keys.taskWorkerGroup(tenant, taskDefName), now - this.expiryMs, '+inf', 'WITHSCORES')
      .hget(this.keys.taskWorkerGroupsCreated(tenant), taskDefName)
      .exec()) as [[null, string[]], [null, string | null]];
    if (created === null) return null;
    const workers: LiveWorker[] = [];
    for (let i = 0; i < members.length; i += 2) workers.push({ clientId: members[i]!, latestHeartbeatMs: Number(members[i + 1]) });
    return { createdAtMs: Number(created), workers };
  }

  private async nowMs(): Promise<number> {
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }
}
