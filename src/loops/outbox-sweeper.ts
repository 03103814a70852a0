// Re-sends effects that were committed but never sent (the process died between its commit and
// its dispatch). Sending twice is harmless: task jobs have deterministic ids, a child WfRun's id is
// taken once, and a parent records each child's end once.
import type { Logger } from 'pino';
import type { CommandApplier, SentEffect } from '../apply/apply-command.ts';
import type { RedisRunStore } from '../store/redis/run-store.ts';

const BATCH = 100;

export class OutboxSweeper {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly runs: RedisRunStore,
    private readonly applier: CommandApplier,
    private readonly log: Logger,
    private readonly intervalMs: number,
    /** Entries younger than this are probably being sent by the process that committed them. */
    private readonly graceMs = 5_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweepOnce()
        .catch((err: unknown) => this.log.warn({ err }, 'outbox sweep failed'))
        .finally(() => (this.sweeping = undefined));
    }, this.intervalMs);
  }

  /** Sends every outbox entry older than the grace period. */
  async sweepOnce(): Promise<void> {
    const stale = await this.runs.staleOutboxes((await this.runs.redisTimeMs()) - this.graceMs, BATCH);
    for (const { tenant, wfRunId, entries } of stale) {
      await this.applier.send(tenant, entries.map((e) => e.effect as SentEffect));
      await this.runs.clearOutbox(tenant, wfRunId, entries.map((e) => e.jobId));
      this.log.info({ tenant, wfRunId, effects: entries.length }, 're-sent unsent effects');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }
}
