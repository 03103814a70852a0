// Turns a presented API key into the Principal it belongs to: the bootstrap admin key from the
// configuration, or a key issued through the API (looked up by its keyId, compared by hash).
import { ADMIN_ACLS, type Principal } from './acls.ts';
import { keyIdOf, keyMatches, sha256Hex } from './api-keys.ts';
import type { RedisSecurityStore } from '../store/redis/security-store.ts';

/** Who holds the bootstrap key (COLT_ADMIN_API_KEY): an admin that lives in the configuration only. */
export const BOOTSTRAP_ADMIN: Principal = { id: { id: 'bootstrap-admin' }, createdAt: new Date(0).toISOString(), perTenantAcls: {}, globalAcls: ADMIN_ACLS };
/** Every caller when authentication is off (local development). */
export const ANONYMOUS: Principal = { id: { id: 'anonymous' }, createdAt: new Date(0).toISOString(), perTenantAcls: {}, globalAcls: ADMIN_ACLS };
export const RESERVED_PRINCIPAL_IDS: ReadonlySet<string> = new Set([BOOTSTRAP_ADMIN.id.id, ANONYMOUS.id.id]);

export class Authenticator {
  private readonly adminKeySha256: string | undefined;

  constructor(private readonly store: RedisSecurityStore, adminApiKey: string | undefined) {
    this.adminKeySha256 = adminApiKey ? sha256Hex(adminApiKey) : undefined;
  }

  /** The key's principal, or undefined for any key that is not valid now (unknown, revoked, malformed). */
  async authenticate(key: string): Promise<Principal | undefined> {
    if (this.adminKeySha256 !== undefined && keyMatches(key, this.adminKeySha256)) return BOOTSTRAP_ADMIN;
    const keyId = keyIdOf(key);
    if (keyId === undefined) return undefined;
    const record = await this.store.getApiKey(keyId);
    if (!record || !keyMatches(key, record.sha256)) return undefined;
    return (await this.store.getPrincipal(record.principalId)) ?? undefined;
  }
}
