// Bull Board at /admin/queues, showing every queue under Colt's BullMQ prefix. Queues appear as
// TaskDefs are used; the list is refreshed (at most every few seconds) when the board is opened.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import type { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Keys } from '../store/keys.ts';

const REFRESH_MS = 3_000;

export class QueueBoard {
  private readonly adapter = new ExpressAdapter();
  private readonly board;
  private readonly queues = new Map<string, Queue>();
  private refreshedAt = 0;

  constructor(private readonly connection: Redis, private readonly keys: Keys, basePath = '/admin/queues') {
    this.adapter.setBasePath(basePath);
    this.board = createBullBoard({ queues: [], serverAdapter: this.adapter, options: { uiConfig: { boardTitle: 'Colt' } } });
  }

  get router(): Router {
    const app = this.adapter.getRouter() as Router & { disable?: (setting: string) => void };
    app.disable?.('x-powered-by'); // the board is an Express app of its own
    return app;
  }

  /** Adds queues that appeared in Redis since the last look. */
  async refresh(): Promise<void> {
    if (Date.now() - this.refreshedAt < REFRESH_MS) return;
    this.refreshedAt = Date.now();
    const prefix = this.keys.queuePrefix();
    for (const name of await this.queueNames(prefix)) {
      if (this.queues.has(name)) continue;
      const queue = new Queue(name, { connection: this.connection, prefix });
      this.queues.set(name, queue);
      this.board.addQueue(new BullMQAdapter(queue, { readOnlyMode: false }));
    }
  }

  private async queueNames(prefix: string): Promise<string[]> {
    const names = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.connection.scan(cursor, 'MATCH', `${prefix}:*:meta`, 'COUNT', 1000);
      for (const key of keys) names.add(key.slice(prefix.length + 1, -':meta'.length));
      cursor = next;
    } while (cursor !== '0');
    return [...names].sort();
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
