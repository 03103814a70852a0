// UserTaskDef versions in per-tenant Redis hashes (one per name), and the set of names.
import type { Redis } from 'ioredis';
import type { UserTaskDef } from '../../engine/user-task-types.ts';
import type { Keys } from '../keys.ts';

export class RedisUserTaskDefStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  /** Adds a version; false if a concurrent put took that version first. */
  async addVersion(tenant: string, def: UserTaskDef): Promise<boolean> {
    const [[, added]] = (await this.redis
      .multi()
      .hsetnx(this.keys.userTaskDefVersions(tenant, def.name), String(def.version), JSON.stringify(def))
      .zadd(this.keys.userTaskDefNames(tenant), 'NX', Date.parse(def.createdAt), def.name)
      .exec()) as [[null, number]];
    return added === 1;
  }

  /** Every version of one name, oldest first. */
  async versions(tenant: string, name: string): Promise<UserTaskDef[]> {
    const all = await this.redis.hvals(this.keys.userTaskDefVersions(tenant, name));
    return all.map((json) => JSON.parse(json) as UserTaskDef).sort((a, b) => a.version - b.version);
  }

  async get(tenant: string, name: string, version: number): Promise<UserTaskDef | null> {
    const json = await this.redis.hget(this.keys.userTaskDefVersions(tenant, name), String(version));
    return json === null ? null : (JSON.parse(json) as UserTaskDef);
  }

  /** The version numbers of each name (no entry: none). */
  async versionNumbers(tenant: string, names: string[]): Promise<Map<string, number[]>> {
    const pipeline = this.redis.pipeline();
    for (const name of names) pipeline.hkeys(this.keys.userTaskDefVersions(tenant, name));
    const found = ((await pipeline.exec()) ?? []).map(([, keys]) => (keys as string[]).map(Number));
    return new Map(names.map((name, i) => [name, found[i] ?? []]));
  }

  async names(tenant: string): Promise<string[]> {
    return this.redis.zrange(this.keys.userTaskDefNames(tenant), 0, -1);
  }

  /** Deletes one version (the name goes once it has none left); false if it did not exist. */
  async delete(tenant: string, name: string, version: number): Promise<boolean> {
    const key = this.keys.userTaskDefVersions(tenant, name);
    const deleted = (await this.redis.hdel(key, String(version))) === 1;
    if (deleted && (await this.redis.hlen(key)) === 0) await this.redis.zrem(this.keys.userTaskDefNames(tenant), name);
    return deleted;
  }
}
