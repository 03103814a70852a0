// The `colt` CLI administering a server with authentication on: tenants, principals, API keys
// created, used and revoked.
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { ADMIN_API_KEY } from '../support/principals.ts';
import { startHttpTestServer } from '../support/server.ts';

const server = startHttpTestServer('cli-security', { authEnabled: true, adminApiKey: ADMIN_API_KEY });

const colt = (key: string | undefined, ...args: string[]) => runCli(['--api', server.url, ...(key ? ['--api-key', key] : []), ...args]);

describe('colt tenant / principal / apikey', () => {
  it('creates a tenant and a reader, issues the reader a key that works, then revokes it', { timeout: 120_000 }, async () => {
    expect((await colt(ADMIN_API_KEY, 'tenant', 'put', 'cli-acme')).json()).toMatchObject({ id: { id: 'cli-acme' } });
    const put = await colt(ADMIN_API_KEY, 'principal', 'put', 'cli-reader', '--grant', 'cli-acme=READ');
    expect(put.json().perTenantAcls).toEqual({ 'cli-acme': { acls: [{ resources: ['ACL_ALL_RESOURCES'], allowedActions: ['READ'] }] } });
    const issued = (await colt(ADMIN_API_KEY, 'apikey', 'create', 'cli-reader')).json();
    expect(issued.key).toMatch(/^colt_/);

    const asReader = (...args: string[]) => runCli(['--api', server.url, '--api-key', issued.key, '--tenant', 'cli-acme', ...args]);
    expect((await asReader('whoami')).json().id).toEqual({ id: 'cli-reader' });
    expect((await asReader('search', 'wfSpec')).code).toBe(0);
    const refused = await asReader('tenant', 'put', 'other');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: PERMISSION_DENIED \(403\)/);

    expect((await colt(ADMIN_API_KEY, 'apikey', 'list', 'cli-reader')).json().results).toHaveLength(1);
    expect((await colt(ADMIN_API_KEY, 'apikey', 'revoke', 'cli-reader', issued.keyId)).code).toBe(0);
    const revoked = await asReader('whoami');
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toMatch(/^error: UNAUTHENTICATED \(401\)/);
  });

  it('refuses the CLI without a key, and deleting the last admin', { timeout: 120_000 }, async () => {
    const none = await colt(undefined, 'tenant', 'search');
    expect(none.stderr).toMatch(/^error: UNAUTHENTICATED \(401\)/);
    expect((await colt(ADMIN_API_KEY, 'principal', 'put', 'cli-admin', '--admin')).code).toBe(0);
    expect((await colt(ADMIN_API_KEY, 'principal', 'search', '--admin')).json().results).toEqual([{ id: 'cli-admin' }]);
    const last = await colt(ADMIN_API_KEY, 'principal', 'delete', 'cli-admin');
    expect(last.stderr).toMatch(/^error: FAILED_PRECONDITION \(412\)/);
  });
});
