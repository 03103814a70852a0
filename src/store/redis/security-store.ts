// Tenants, Principals and API key records in Redis, cluster-wide (see Keys.security). The scripts
// keep the invariants that span keys: at least one admin; a deleted principal's keys die with it.
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { Principal } from '../../auth/acls.ts';
import type { Keys } from '../keys.ts';

export interface Tenant { id: { id: string }; createdAt: string }

/** What Colt keeps of an API key: never the key, only its SHA-256. */
export interface ApiKeyRecord { keyId: string; principalId: string; createdAt: string; sha256: string }

export type PutPrincipalOutcome = { stored: true } | { exists: Principal } | { lastAdmin: true };

const lua = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
const SCRIPTS = {
  coltPutPrincipal: { lua: lua('put-principal'), numberOfKeys: 2 },
  coltDeletePrincipal: { lua: lua('delete-principal'), numberOfKeys: 4 },
  coltAddApiKey: { lua: lua('add-api-key'), numberOfKeys: 3 },
  coltRevokeApiKey: { lua: lua('revoke-api-key'), numberOfKeys: 2 },
} as const;
type Scripted = Redis & Record<keyof typeof SCRIPTS, (...args: Array<string | number>) => Promise<unknown>>;

export class RedisSecurityStore {
  private readonly redis: Scripted;

  constructor(redis: Redis, private readonly keys: Keys) {
    for (const [name, script] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, script);
    }
    this.redis = redis as Scripted;
  }

  /** Stores the tenant unless one of that id exists; returns the one stored. */
  async putTenantIfAbsent(tenant: Tenant): Promise<Tenant> {
    const key = this.keys.security('tenants');
    const [[, created], [, stored]] = (await this.redis.multi().hsetnx(key, tenant.id.id, JSON.stringify(tenant)).hget(key, tenant.id.id).exec()) as [[null, number], [null, string]];
    return created ? tenant : (JSON.parse(stored) as Tenant);
  }

  async getTenant(id: string): Promise<Tenant | null> {
    const json = await this.redis.hget(this.keys.security('tenants'), id);
    return json === null ? null : (JSON.parse(json) as Tenant);
  }

  async listTenants(): Promise<Tenant[]> {
    return (await this.redis.hvals(this.keys.security('tenants'))).map((json) => JSON.parse(json) as Tenant);
  }

  async putPrincipal(principal: Principal, admin: boolean, overwrite: boolean): Promise<PutPrincipalOutcome> {
    const reply = (await this.redis.coltPutPrincipal(
      this.keys.security('principals'), this.keys.security('admins'),
      principal.id.id, JSON.stringify(principal), admin ? '1' : '0', overwrite ? '1' : '0',
    )) as [string, string?];
    if (reply[0] === 'EXISTS') return { exists: JSON.parse(reply[1] as string) as Principal };
    if (reply[0] === 'LAST_ADMIN') return { lastAdmin: true };
    return { stored: true };
  }

  async getPrincipal(id: string): Promise<Principal | null> {
    const json = await this.redis.hget(this.keys.security('principals'), id);
    return json === null ? null : (JSON.parse(json) as Principal);
  }

  async listPrincipals(): Promise<Principal[]> {
    return (await this.redis.hvals(this.keys.security('principals'))).map((json) => JSON.parse(json) as Principal);
  }

  /** 'deleted', 'missing', or 'last-admin' (refused). */
  async deletePrincipal(id: string): Promise<'deleted' | 'missing' | 'last-admin'> {
    const n = (await this.redis.coltDeletePrincipal(
      this.keys.security('principals'), this.keys.security('admins'), this.keys.security('api-keys'), this.keys.principalApiKeys(id), id,
    )) as number;
    return n === 1 ? 'deleted' : n === 0 ? 'missing' : 'last-admin';
  }

  /** False when the principal does not exist. */
  async addApiKey(record: ApiKeyRecord): Promise<boolean> {
    const n = await this.redis.coltAddApiKey(
      this.keys.security('principals'), this.keys.security('api-keys'), this.keys.principalApiKeys(record.principalId),
      record.principalId, record.keyId, JSON.stringify(record),
    );
    return n === 1;
  }

  async getApiKey(keyId: string): Promise<ApiKeyRecord | null> {
    const json = await this.redis.hget(this.keys.security('api-keys'), keyId);
    return json === null ? null : (JSON.parse(json) as ApiKeyRecord);
  }

  async listApiKeys(principalId: string): Promise<ApiKeyRecord[]> {
    const keyIds = await this.redis.smembers(this.keys.principalApiKeys(principalId));
    if (keyIds.length === 0) return [];
    const found = await this.redis.hmget(this.keys.security('api-keys'), ...keyIds);
    return found.flatMap((json) => (json === null ? [] : [JSON.parse(json) as ApiKeyRecord]));
  }

  async revokeApiKey(principalId: string, keyId: string): Promise<boolean> {
    return (await this.redis.coltRevokeApiKey(this.keys.security('api-keys'), this.keys.principalApiKeys(principalId), keyId)) === 1;
  }
}
