// Removing single objects from a stored WfRun (with their index entries), version-checked like a
// commit: what ExternalEventDef retention does to events nobody claimed.
import type { Redis } from 'ioredis';
import type { Keys } from '../keys.ts';
import { allEntries } from './run-indexes.ts';
import type { LoadedRun } from './run-store.ts';
import { callScript, withScripts, type ScriptedRedis } from './scripts.ts';

export class RedisRunPruning {
  private readonly redis: ScriptedRedis;

  constructor(redis: Redis, private readonly keys: Keys) {
    this.redis = withScripts(redis);
  }

  /** Removes `fields` of the run as loaded; false if it changed since (load it again and retry). */
  async forget(tenant: string, loaded: LoadedRun, fields: string[]): Promise<boolean> {
    const stored = new Map(fields.flatMap((f) => (loaded.fields.has(f) ? [[f, loaded.fields.get(f)!] as const] : [])));
    const entries = allEntries({ keys: this.keys, tenant, searchable: () => true }, stored);
    const patch = { fields: [...stored.keys()], zrem: entries.map(([, , member], i) => [1 + i, member]) };
    const keys = [this.keys.run(tenant, loaded.state.wfRun.id), ...entries.map(([key]) => key)];
    return (await callScript(this.redis, 'coltForgetRunFields', keys, [loaded.version, JSON.stringify(patch)])) !== -1;
  }
}
