// PutTenant, GetTenant, SearchTenant. Tenants are never deleted (LittleHorse has no DeleteTenant), so a
// tenant seen once is remembered in memory; `default` always exists.
import { invalidArgument, notFound } from '../errors.ts';
import { checkName } from '../ids.ts';
import { pageInMemory, pageRequest, resultPage, type PageQuery, type ResultPage } from '../services/paging.ts';
import type { Bookmarks } from '../store/bookmarks.ts';
import type { RedisSecurityStore, Tenant } from '../store/redis/security-store.ts';

export const DEFAULT_TENANT_ID = 'default';

export class TenantService {
  private readonly known = new Set<string>([DEFAULT_TENANT_ID]);
  private defaultStored: Promise<Tenant> | undefined;

  constructor(private readonly store: RedisSecurityStore, private readonly bookmarks: Bookmarks) {}

  /** Creates the tenant; putting an existing one returns it unchanged. */
  async put(req: { id: string; outputTopicConfig?: unknown }): Promise<Tenant> {
    const id = checkName('id', req.id);
    if (req.outputTopicConfig !== undefined) {
      throw invalidArgument('outputTopicConfig: Colt has no output topic yet', { field: 'outputTopicConfig' });
    }
    const tenant = await this.store.putTenantIfAbsent({ id: { id }, createdAt: new Date().toISOString() });
    this.known.add(id);
    return tenant;
  }

  async get(id: string): Promise<Tenant> {
    await this.storeDefault();
    const tenant = await this.store.getTenant(checkName('id', id));
    if (!tenant) throw notFound(`tenant '${id}' does not exist`);
    return tenant;
  }

  async search(q: PageQuery): Promise<ResultPage<{ id: string }>> {
    await this.storeDefault();
    const request = pageRequest(this.bookmarks, q);
    const { page, items } = pageInMemory(await this.store.listTenants(), (t) => [t.createdAt, t.id.id], request);
    return resultPage(this.bookmarks, page, items.map((t) => ({ id: t.id.id })));
  }

  async exists(id: string): Promise<boolean> {
    if (this.known.has(id)) return true;
    const found = (await this.store.getTenant(id)) !== null;
    if (found) this.known.add(id);
    return found;
  }

  /** `default` is a tenant from the start: stored the first time anyone looks. */
  private storeDefault(): Promise<Tenant> {
    this.defaultStored ??= this.store.putTenantIfAbsent({ id: { id: DEFAULT_TENANT_ID }, createdAt: new Date().toISOString() });
    this.defaultStored.catch(() => (this.defaultStored = undefined)); // Redis away: try again next time
    return this.defaultStored;
  }
}
