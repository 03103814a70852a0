// TaskDefs and WfSpec versions in per-tenant Redis hashes.
import type { Redis } from 'ioredis';
import type { TaskDef, WfSpec, WfSpecId } from '../../engine/types.ts';
import type { Keys } from '../keys.ts';

const versionField = (id: Pick<WfSpecId, 'majorVersion' | 'revision'>) => `${id.majorVersion}/${id.revision}`;

export class RedisMetadataStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  /** Stores `def` unless a TaskDef of that name exists; returns the one stored. */
  async putTaskDefIfAbsent(tenant: string, def: TaskDef): Promise<TaskDef> {
    const key = this.keys.taskDefs(tenant);
    const [[, created], [, stored]] = (await this.redis
      .multi()
      .hsetnx(key, def.id.name, JSON.stringify(def))
      .hget(key, def.id.name)
      .exec()) as [[null, number], [null, string]];
    return created ? def : (JSON.parse(stored) as TaskDef);
  }

  async getTaskDef(tenant: string, name: string): Promise<TaskDef | null> {
    const json = await this.redis.hget(this.keys.taskDefs(tenant), name);
    return json === null ? null : (JSON.parse(json) as TaskDef);
  }

  async getTaskDefs(tenant: string, names: string[]): Promise<Map<string, TaskDef>> {
    if (names.length === 0) return new Map();
    const found = await this.redis.hmget(this.keys.taskDefs(tenant), ...names);
    return new Map(found.flatMap((json) => (json === null ? [] : [JSON.parse(json) as TaskDef])).map((d) => [d.id.name, d]));
  }

  async listTaskDefs(tenant: string): Promise<TaskDef[]> {
    const all = await this.redis.hvals(this.keys.taskDefs(tenant));
    return all.map((json) => JSON.parse(json) as TaskDef).sort(byCreation);
  }

  async deleteTaskDef(tenant: string, name: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.taskDefs(tenant), name)) === 1;
  }

  /** Adds a new WfSpec version; false if that version was taken by a concurrent put. */
  async addWfSpecVersion(tenant: string, spec: WfSpec): Promise<boolean> {
    const [[, added]] = (await this.redis
      .multi()
      .hsetnx(this.keys.wfSpecVersions(tenant, spec.id.name), versionField(spec.id), JSON.stringify(spec))
      .zadd(this.keys.wfSpecNames(tenant), 'NX', Date.parse(spec.createdAt), spec.id.name)
      .exec()) as [[null, number]];
    return added === 1;
  }

  async getWfSpec(tenant: string, id: WfSpecId): Promise<WfSpec | null> {
    const json = await this.redis.hget(this.keys.wfSpecVersions(tenant, id.name), versionField(id));
    return json === null ? null : (JSON.parse(json) as WfSpec);
  }

  /** Every version of one WfSpec, oldest first. */
  async wfSpecVersions(tenant: string, name: string): Promise<WfSpec[]> {
    const all = await this.redis.hvals(this.keys.wfSpecVersions(tenant, name));
    return all.map((json) => JSON.parse(json) as WfSpec).sort(byVersion);
  }

  async wfSpecNames(tenant: string): Promise<string[]> {
    return this.redis.zrange(this.keys.wfSpecNames(tenant), 0, -1);
  }

  async deleteWfSpec(tenant: string, id: WfSpecId): Promise<boolean> {
    return (await this.redis.hdel(this.keys.wfSpecVersions(tenant, id.name), versionField(id))) === 1;
  }
}

function byCreation(a: { createdAt: string }, b: { createdAt: string }): number {
  return a.createdAt.localeCompare(b.createdAt);
}

export function byVersion(a: WfSpec, b: WfSpec): number {
  return a.id.majorVersion - b.id.majorVersion || a.id.revision - b.id.revision;
}
