// SearchUserTaskRun over the UserTaskRun indexes (see user-task-index.ts): the one sorted set of the
// asked combination of filters, read within a scheduled-time window.
import type { Redis } from 'ioredis';
import type { UserTaskRunId } from '../../engine/user-task-types.ts';
import type { Keys } from '../keys.ts';
import { readFilteredPage, type Page, type PageRequest } from './sorted-set-pages.ts';
import type { UserTaskRunFilter } from './user-task-index.ts';

export class RedisUserTaskRunSearch {
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  async search(tenant: string, filter: UserTaskRunFilter, window: { min?: number; max?: number }, page: PageRequest): Promise<Page & { ids: UserTaskRunId[] }> {
    const result = await readFilteredPage(this.redis, this.keys.userTaskRunIndex(tenant, filter), { ...page, ...window });
    const ids = result.members.map((m) => {
      const [wfRunId, userTaskGuid] = JSON.parse(m) as [string, string];
      return { wfRunId, userTaskGuid };
    });
    return { ...result, ids };
  }
}
