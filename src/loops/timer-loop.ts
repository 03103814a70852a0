// Fires due timers: claims them from Redis (due by Redis's clock), applies each timer's command to
// its WfRun, then forgets the timer. Any number of servers may run this loop.
import type { Logger } from 'pino';
import type { CommandApplier } from '../apply/apply-command.ts';
import type { TimerCommand } from '../engine/commands.ts';
import { ColtError } from '../errors.ts';
import type { DueTimer, RedisTimerStore } from '../store/redis/timer-store.ts';
import { isRetentionCommand, type RetentionExpirer } from '../apply/retention.ts';

const LEASE_MS = 30_000;
const BATCH = 100;

export class TimerLoop {
  private timer: NodeJS.Timeout | undefined;
  private firing: Promise<void> | undefined;

  constructor(
    private readonly timers: RedisTimerStore,
    private readonly applier: CommandApplier,
    private readonly log: Logger,
    private readonly pollMs: number,
    /** Deletes runs whose WfSpec retention has passed (without it, their retention timers are dropped). */
    private readonly retention?: RetentionExpirer,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.firing ??= this.fireDue()
        .then(() => undefined)
        .catch((err: unknown) => this.log.warn({ err }, 'firing timers failed'))
        .finally(() => (this.firing = undefined));
    }, this.pollMs);
  }

  /** Fires every timer due now; returns how many were fired. */
  async fireDue(): Promise<number> {
    const due = await this.timers.claimDue(LEASE_MS, BATCH);
    await Promise.all(due.map((t) => this.fire(t)));
    return due.length;
  }

  private async fire(t: DueTimer): Promise<void> {
    try {
      if (isRetentionCommand(t.command)) await this.retention?.expire(t.tenant, t.wfRunId, t.command);
      else if (t.command) await this.applier.apply(t.tenant, t.wfRunId, t.command as TimerCommand);
    } catch (err) {
      if (!(err instanceof ColtError && err.code === 'NOT_FOUND')) {
        this.log.warn({ err, timer: t.member }, 'timer not applied; it fires again when its lease ends');
        return;
      }
    }
    await this.timers.complete(t.member);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.firing;
  }
}
