// What the reducer needs besides the run: its WfSpec version (immutable, cached for good) and the
// TaskDefs its TASK nodes name (cached briefly, since a TaskDef can be deleted and put again).
import { invalidArgument, notFound } from '../errors.ts';
import type { TaskDef, WfSpec, WfSpecId } from '../engine/types.ts';
import type { RedisMetadataStore } from '../store/redis/metadata-store.ts';
import { reminderTaskDefNames } from '../engine/user-task-specs.ts';

const TASK_DEF_TTL_MS = 5_000;

export interface WfSpecVersionQuery { majorVersion?: number; revision?: number }

export class Definitions {
  private readonly specs = new Map<string, WfSpec>();
  private readonly taskDefs = new Map<string, { def: TaskDef | null; until: number }>();

  constructor(private readonly metadata: RedisMetadataStore) {}

  async wfSpec(tenant: string, id: WfSpecId): Promise<WfSpec> {
    const key = `${tenant}/${id.name}/${id.majorVersion}/${id.revision}`;
    let spec = this.specs.get(key);
    if (!spec) {
      const found = await this.metadata.getWfSpec(tenant, id);
      if (!found) throw notFound(`WfSpec ${id.name} ${id.majorVersion}.${id.revision} does not exist`);
      spec = found;
      this.specs.set(key, spec);
    }
    return spec;
  }

  /** The exact version, the latest revision of a major version, or the latest of all. */
  async resolveWfSpec(tenant: string, name: string, query: WfSpecVersionQuery = {}): Promise<WfSpec> {
    if (query.revision !== undefined && query.majorVersion === undefined) {
      throw invalidArgument('revision needs majorVersion', { field: 'revision' });
    }
    const matching = (await this.metadata.wfSpecVersions(tenant, name)).filter(
      (s) =>
        (query.majorVersion === undefined || s.id.majorVersion === query.majorVersion) &&
        (query.revision === undefined || s.id.revision === query.revision),
    );
    const spec = matching.at(-1);
    if (!spec) throw notFound(`WfSpec ${name}${versionLabel(query)} does not exist`);
    return spec;
  }

  /** The TaskDefs named by the spec's TASK nodes and by `extra` (null where one does not exist). */
  async taskDefsOf(tenant: string, spec: WfSpec, extra: Iterable<string> = []): Promise<Map<string, TaskDef | null>> {
    const names = [...new Set([...taskDefNames(spec), ...extra])];
    const now = Date.now();
    const stale = names.filter((n) => (this.taskDefs.get(`${tenant}/${n}`)?.until ?? 0) < now);
    if (stale.length > 0) {
      const fresh = await this.metadata.getTaskDefs(tenant, stale);
      for (const n of stale) this.taskDefs.set(`${tenant}/${n}`, { def: fresh.get(n) ?? null, until: now + TASK_DEF_TTL_MS });
    }
    return new Map(names.map((n) => [n, this.taskDefs.get(`${tenant}/${n}`)?.def ?? null]));
  }

  /** Forget a TaskDef at once (after this process deleted or put it). */
  forgetTaskDef(tenant: string, name: string): void {
    this.taskDefs.delete(`${tenant}/${name}`);
  }
}

export function taskDefNames(spec: WfSpec): string[] {
  const names = new Set<string>();
  for (const thread of Object.values(spec.threadSpecs)) {
    for (const node of Object.values(thread.nodes)) if (node.task?.taskDefId) names.add(node.task.taskDefId.name);
    for (const node of Object.values(thread.nodes)) for (const name of reminderTaskDefNames(node)) names.add(name);
  }
  return [...names];
}

function versionLabel(q: WfSpecVersionQuery): string {
  if (q.majorVersion === undefined) return '';
  return q.revision === undefined ? ` major version ${q.majorVersion}` : ` ${q.majorVersion}.${q.revision}`;
}
