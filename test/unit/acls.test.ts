// LittleHorse's ACL semantics as Colt checks them: global and per-tenant grants, name and prefix
// narrowing, global-only resources, admins.
import { describe, expect, it } from 'vitest';
import { checkAcls, isAdmin, permits, permitsSomeNames, type Principal, type ServerAcl } from '../../src/auth/acls.ts';

function principal(global: ServerAcl[], perTenant: Record<string, ServerAcl[]> = {}): Principal {
  return {
    id: { id: 'p' }, createdAt: '2026-01-01T00:00:00.000Z',
    globalAcls: { acls: global },
    perTenantAcls: Object.fromEntries(Object.entries(perTenant).map(([t, acls]) => [t, { acls }])),
  };
}

describe('permits', () => {
  it('grants per-tenant ACLs in their tenant only, global ACLs in every tenant', () => {
    const p = principal([{ resources: ['ACL_TASK'], allowedActions: ['READ'] }], { acme: [{ resources: ['ACL_WORKFLOW'], allowedActions: ['RUN'] }] });
    expect(permits(p, { resource: 'ACL_WORKFLOW', action: 'RUN', tenant: 'acme' })).toBe(true);
    expect(permits(p, { resource: 'ACL_WORKFLOW', action: 'RUN', tenant: 'globex' })).toBe(false);
    expect(permits(p, { resource: 'ACL_WORKFLOW', action: 'READ', tenant: 'acme' })).toBe(false);
    expect(permits(p, { resource: 'ACL_TASK', action: 'READ', tenant: 'globex' })).toBe(true);
  });

  it('reads ALL_ACTIONS and ACL_ALL_RESOURCES as every action and resource', () => {
    const p = principal([], { acme: [{ resources: ['ACL_ALL_RESOURCES'], allowedActions: ['ALL_ACTIONS'] }] });
    for (const action of ['READ', 'RUN', 'WRITE_METADATA'] as const) {
      expect(permits(p, { resource: 'ACL_USER_TASK', action, tenant: 'acme' })).toBe(true);
    }
  });

  it('keeps principals and tenants to global ACLs: a tenant-wide admin administers no one', () => {
    const tenantAdmin = principal([], { acme: [{ resources: ['ACL_ALL_RESOURCES'], allowedActions: ['ALL_ACTIONS'] }] });
    expect(permits(tenantAdmin, { resource: 'ACL_PRINCIPAL', action: 'WRITE_METADATA', tenant: 'acme' })).toBe(false);
    expect(permits(tenantAdmin, { resource: 'ACL_TENANT', action: 'READ', tenant: 'acme' })).toBe(false);
    const admin = principal([{ resources: ['ACL_ALL_RESOURCES'], allowedActions: ['ALL_ACTIONS'] }]);
    expect(permits(admin, { resource: 'ACL_PRINCIPAL', action: 'WRITE_METADATA', tenant: '' })).toBe(true);
  });

  it('narrows a grant to one name or a prefix; unnamed requests need an unnarrowed grant', () => {
    const worker = principal([], { acme: [{ resources: ['ACL_TASK'], allowedActions: ['RUN'], name: 'charge' }, { resources: ['ACL_TASK'], allowedActions: ['READ'], prefix: 'billing-' }] });
    expect(permits(worker, { resource: 'ACL_TASK', action: 'RUN', tenant: 'acme', name: 'charge' })).toBe(true);
    expect(permits(worker, { resource: 'ACL_TASK', action: 'RUN', tenant: 'acme', name: 'refund' })).toBe(false);
    expect(permits(worker, { resource: 'ACL_TASK', action: 'RUN', tenant: 'acme' })).toBe(false);
    expect(permitsSomeNames(worker, { resource: 'ACL_TASK', action: 'RUN', tenant: 'acme' })).toBe(true);
    expect(permitsSomeNames(worker, { resource: 'ACL_WORKFLOW', action: 'RUN', tenant: 'acme' })).toBe(false);
    expect(permits(worker, { resource: 'ACL_TASK', action: 'READ', tenant: 'acme', name: 'billing-charge' })).toBe(true);
    expect(permits(worker, { resource: 'ACL_TASK', action: 'READ', tenant: 'acme', name: 'shipping' })).toBe(false);
  });
});

describe('isAdmin and checkAcls', () => {
  it('counts only unnarrowed global ALL_ACTIONS over ACL_ALL_RESOURCES as admin', () => {
    expect(isAdmin(principal([{ resources: ['ACL_ALL_RESOURCES'], allowedActions: ['ALL_ACTIONS'] }]))).toBe(true);
    expect(isAdmin(principal([{ resources: ['ACL_ALL_RESOURCES'], allowedActions: ['ALL_ACTIONS'], prefix: 'a' }]))).toBe(false);
    expect(isAdmin(principal([], { acme: [{ resources: ['ACL_ALL_RESOURCES'], allowedActions: ['ALL_ACTIONS'] }] }))).toBe(false);
  });

  it('refuses global-only resources in per-tenant ACLs, and name with prefix', () => {
    expect(() => checkAcls({ acme: { acls: [{ resources: ['ACL_TENANT'], allowedActions: ['READ'] }] } }, { acls: [] })).toThrow(/ACL_TENANT can only be granted in globalAcls/);
    expect(() => checkAcls({}, { acls: [{ resources: ['ACL_TASK'], allowedActions: ['READ'], name: 'a', prefix: 'b' }] })).toThrow(/name or prefix, not both/);
  });
});
