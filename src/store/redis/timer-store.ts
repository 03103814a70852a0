// Durable timers: armed by run commits (see commit-run.lua), claimed when due by Redis's clock
// with a lease, forgotten once applied. A server that dies mid-fire loses its lease, and another
// fires the timer again; the command itself is idempotent.
import type { Redis } from 'ioredis';
import type { Keys } from '../keys.ts';
import { callScript, withScripts, type ScriptedRedis } from './scripts.ts';

export interface DueTimer { tenant: string; wfRunId: string; timerId: string; member: string; command: unknown }

export class RedisTimerStore {
  private readonly redis: ScriptedRedis;

  constructor(redis: Redis, private readonly keys: Keys) {
    this.redis = withScripts(redis);
  }

  async claimDue(leaseMs: number, limit: number): Promise<DueTimer[]> {
    const flat = (await callScript(this.redis, 'coltClaimDueTimers', this.timerKeys(), [leaseMs, limit])) as string[];
    const due: DueTimer[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const member = flat[i] as string;
      const [tenant = '', wfRunId = '', timerId = ''] = member.split('|');
      const json = flat[i + 1] as string;
      due.push({ tenant, wfRunId, timerId, member, command: json ? (JSON.parse(json) as unknown) : null });
    }
    return due;
  }

  async complete(member: string): Promise<void> {
    const [tenant = '', wfRunId = ''] = member.split('|');
    await callScript(this.redis, 'coltCompleteTimer', [...this.timerKeys(), this.keys.runTimers(tenant, wfRunId)], [member]);
  }

  /** When the timer is due (epoch ms, Redis's clock), or null if it is not armed. */
  async dueAt(member: string): Promise<number | null> {
    const score = await this.redis.zscore(this.keys.timers(), member);
    return score === null ? null : Number(score);
  }

  private timerKeys(): string[] {
    return [this.keys.timers(), this.keys.firingTimers(), this.keys.timerCommands()];
  }
}
