// Which WfSpec versions use a TaskDef, and how many of their WfRuns have not terminated: what
// DeleteTaskDef checks before removing a TaskDef that running WfRuns still need.
import { failedPrecondition } from '../errors.ts';
import { taskDefNames } from '../apply/definitions.ts';
import type { WfSpecId } from '../engine/types.ts';
import type { RedisMetadataStore } from '../store/redis/metadata-store.ts';
import type { RedisRunStore } from '../store/redis/run-store.ts';

/** The WfSpec versions whose TASK nodes name `taskDefName`, with their count of WfRuns not terminated. */
export async function activeUsesOfTaskDef(
  metadata: RedisMetadataStore, runs: RedisRunStore, tenant: string, taskDefName: string,
): Promise<Array<{ wfSpecId: WfSpecId; activeRuns: number }>> {
  const names = await metadata.wfSpecNames(tenant);
  const specs = (await Promise.all(names.map((n) => metadata.wfSpecVersions(tenant, n)))).flat();
  const using = specs.filter((s) => taskDefNames(s).includes(taskDefName));
  const counts = await Promise.all(using.map((s) => runs.countActiveRuns(tenant, s.id)));
  return using.map((s, i) => ({ wfSpecId: s.id, activeRuns: counts[i]! })).filter((u) => u.activeRuns > 0);
}

/** FAILED_PRECONDITION while WfRuns that have not terminated (running, halted) use the TaskDef. */
export async function refuseWhileTaskDefInUse(metadata: RedisMetadataStore, runs: RedisRunStore, tenant: string, taskDefName: string): Promise<void> {
  const uses = await activeUsesOfTaskDef(metadata, runs, tenant, taskDefName);
  if (uses.length === 0) return;
  const where = uses.map((u) => `${u.wfSpecId.name} ${u.wfSpecId.majorVersion}.${u.wfSpecId.revision} (${u.activeRuns})`).join(', ');
  throw failedPrecondition(`TaskDef ${taskDefName} is used by WfRuns that have not terminated: ${where}`);
}
