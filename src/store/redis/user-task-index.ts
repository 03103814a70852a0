// The search index entries of one UserTaskRun: one sorted set per combination of the filters it
// can be found by (UserTaskDef name, status, userId, userGroup), so that any AND-combination of
// them is one exact, paged read. Kept true by the commit that changes the task (see run-indexes.ts).
import type { UserTaskRun } from '../../engine/user-task-types.ts';
import type { Keys } from '../keys.ts';

export type UserTaskRunFilter = { userTaskDefName?: string; status?: string; userId?: string; userGroup?: string };

export function userTaskRunMember(wfRunId: string, userTaskGuid: string): string {
  return JSON.stringify([wfRunId, userTaskGuid]);
}

export function userTaskRunEntries(keys: Keys, tenant: string, utr: UserTaskRun): Array<[string, number, string]> {
  const dimensions: UserTaskRunFilter = {
    userTaskDefName: utr.userTaskDefId.name,
    status: utr.status,
    ...(utr.userId === undefined ? {} : { userId: utr.userId }),
    ...(utr.userGroup === undefined ? {} : { userGroup: utr.userGroup }),
  };
  const score = Date.parse(utr.scheduledTime);
  const member = userTaskRunMember(utr.id.wfRunId, utr.id.userTaskGuid);
  return subsets(Object.entries(dimensions)).map((filter) => [keys.userTaskRunIndex(tenant, Object.fromEntries(filter)), score, member]);
}

function subsets<T>(items: T[]): T[][] {
  return items.reduce<T[][]>((all, item) => [...all, ...all.map((s) => [...s, item])], [[]]);
}
