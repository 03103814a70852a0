// PutPrincipal, GetPrincipal, SearchPrincipal, DeletePrincipal, and each principal's API keys.
// Principals are cluster-wide, as in LittleHorse; the last admin can be neither deleted nor demoted.
import { isDeepStrictEqual } from 'node:util';
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '../errors.ts';
import { checkName } from '../ids.ts';
import { pageInMemory, pageRequest, resultPage, type PageQuery, type ResultPage } from '../services/paging.ts';
import type { Bookmarks } from '../store/bookmarks.ts';
import type { ApiKeyRecord, RedisSecurityStore } from '../store/redis/security-store.ts';
import { checkAcls, isAdmin, type Principal, type ServerAcls } from './acls.ts';
import { issueApiKey } from './api-keys.ts';
import { RESERVED_PRINCIPAL_IDS } from './authenticator.ts';
import type { TenantService } from './tenant-service.ts';

export interface PutPrincipalRequest {
  id: string;
  perTenantAcls?: Record<string, ServerAcls>;
  globalAcls?: ServerAcls;
  overwrite?: boolean;
}

export interface PrincipalSearch extends PageQuery { isAdmin?: boolean; tenantId?: string }

export type ApiKeyInfo = Omit<ApiKeyRecord, 'sha256'>;

export class PrincipalService {
  constructor(private readonly store: RedisSecurityStore, private readonly tenants: TenantService, private readonly bookmarks: Bookmarks) {}

  async put(req: PutPrincipalRequest): Promise<Principal> {
    const id = checkName('id', req.id);
    if (RESERVED_PRINCIPAL_IDS.has(id)) throw invalidArgument(`id: '${id}' is reserved for Colt's own principals`, { field: 'id' });
    const perTenantAcls = req.perTenantAcls ?? {};
    const globalAcls = req.globalAcls ?? { acls: [] };
    checkAcls(perTenantAcls, globalAcls);
    for (const tenant of Object.keys(perTenantAcls)) {
      if (!(await this.tenants.exists(tenant))) throw invalidArgument(`perTenantAcls: tenant '${tenant}' does not exist`, { field: `perTenantAcls.${tenant}` });
    }
    const existing = req.overwrite ? await this.store.getPrincipal(id) : null;
    const principal: Principal = { id: { id }, createdAt: existing?.createdAt ?? new Date().toISOString(), perTenantAcls, globalAcls };
    const outcome = await this.store.putPrincipal(principal, isAdmin(principal), req.overwrite === true);
    if ('lastAdmin' in outcome) throw failedPrecondition(`principal '${id}' is the last admin; make another admin first`);
    if ('exists' in outcome) {
      const same = isDeepStrictEqual([outcome.exists.perTenantAcls, outcome.exists.globalAcls], [perTenantAcls, globalAcls]);
      if (!same) throw alreadyExists(`principal '${id}' exists with other ACLs; set overwrite to replace them`);
      return outcome.exists;
    }
    return principal;
  }

  async get(id: string): Promise<Principal> {
    const principal = await this.store.getPrincipal(checkName('id', id));
    if (!principal) throw notFound(`principal '${id}' does not exist`);
    return principal;
  }

  async delete(id: string): Promise<void> {
    const outcome = await this.store.deletePrincipal(checkName('id', id));
    if (outcome === 'missing') throw notFound(`principal '${id}' does not exist`);
    if (outcome === 'last-admin') throw failedPrecondition(`principal '${id}' is the last admin and cannot be deleted`);
  }

  async search(q: PrincipalSearch): Promise<ResultPage<{ id: string }>> {
    const request = pageRequest(this.bookmarks, q);
    const matching = (await this.store.listPrincipals()).filter(
      (p) => (q.isAdmin === undefined || isAdmin(p) === q.isAdmin) && (q.tenantId === undefined || q.tenantId in p.perTenantAcls),
    );
    const { page, items } = pageInMemory(matching, (p) => [p.createdAt, p.id.id], request);
    return resultPage(this.bookmarks, page, items.map((p) => ({ id: p.id.id })));
  }

  /** A new API key of the principal: the key is in this answer only; Colt keeps its hash. */
  async createApiKey(principalId: string): Promise<ApiKeyInfo & { key: string }> {
    checkName('principalId', principalId);
    const { keyId, key, sha256 } = issueApiKey();
    const record: ApiKeyRecord = { keyId, principalId, createdAt: new Date().toISOString(), sha256 };
    if (!(await this.store.addApiKey(record))) throw notFound(`principal '${principalId}' does not exist`);
    return { keyId, principalId, createdAt: record.createdAt, key };
  }

  async listApiKeys(principalId: string): Promise<{ results: ApiKeyInfo[] }> {
    await this.get(principalId);
    const keys = await this.store.listApiKeys(principalId);
    return { results: keys.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(({ sha256: _, ...info }) => info) };
  }

  async revokeApiKey(principalId: string, keyId: string): Promise<void> {
    checkName('principalId', principalId);
    if (!(await this.store.revokeApiKey(principalId, checkName('keyId', keyId)))) {
      throw notFound(`principal '${principalId}' has no API key '${keyId}'`);
    }
  }
}
