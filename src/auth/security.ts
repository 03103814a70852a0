// Builds Colt's security parts (tenants, principals, API keys, the authenticator) for a server.
import type { Redis } from 'ioredis';
import { isValidName } from '../ids.ts';
import { Bookmarks } from '../store/bookmarks.ts';
import type { Keys } from '../store/keys.ts';
import type { RedisRunStore } from '../store/redis/run-store.ts';
import { RedisSecurityStore } from '../store/redis/security-store.ts';
import { Authenticator } from './authenticator.ts';
import { PrincipalService } from './principal-service.ts';
import { TenantService } from './tenant-service.ts';

export interface SecurityConfig {
  bookmarkSecret: string;
  /** Off (the default here) lets every caller in as the `anonymous` admin. */
  authEnabled?: boolean;
  adminApiKey?: string;
}

export function buildSecurity(parts: { redis: Redis; keys: Keys; runs: RedisRunStore }, config: SecurityConfig) {
  const store = new RedisSecurityStore(parts.redis, parts.keys);
  const bookmarks = new Bookmarks(`${config.bookmarkSecret}/security`);
  const tenants = new TenantService(store, bookmarks);
  const principals = new PrincipalService(store, tenants, bookmarks);
  return {
    enabled: config.authEnabled === true,
    tenants,
    principals,
    authenticator: new Authenticator(store, config.adminApiKey),
    async taskDefOfTaskRun(tenant: string, wfRunId: string, taskGuid: string): Promise<string | undefined> {
      if (!wfRunId.split('_').every(isValidName) || !isValidName(taskGuid)) return undefined;
      return (await parts.runs.load(tenant, wfRunId))?.state.taskRuns[taskGuid]?.taskDefId.name;
    },
  };
}

export type Security = ReturnType<typeof buildSecurity>;
