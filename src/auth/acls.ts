// LittleHorse's access model: a Principal holds global ACLs and per-tenant ACLs, each granting
// actions over resources, optionally narrowed to one name or a name prefix. Positive grants only.
import { invalidArgument } from '../errors.ts';

export const ACL_RESOURCES = [
  'ACL_WORKFLOW', 'ACL_TASK', 'ACL_EXTERNAL_EVENT', 'ACL_USER_TASK', 'ACL_PRINCIPAL', 'ACL_TENANT',
  'ACL_ALL_RESOURCES', 'ACL_TASK_WORKER_GROUP', 'ACL_WORKFLOW_EVENT', 'ACL_STRUCT',
] as const;
export type AclResource = (typeof ACL_RESOURCES)[number];

export const ACL_ACTIONS = ['READ', 'RUN', 'WRITE_METADATA', 'ALL_ACTIONS'] as const;
export type AclAction = (typeof ACL_ACTIONS)[number];

/** Resources that only global ACLs can grant: they are not inside any one tenant. */
export const GLOBAL_ONLY_RESOURCES: ReadonlySet<AclResource> = new Set(['ACL_PRINCIPAL', 'ACL_TENANT']);

export interface ServerAcl {
  resources: AclResource[];
  allowedActions: AclAction[];
  /** Only the object of exactly this name (e.g. one TaskDef). */
  name?: string;
  /** Only objects whose name starts with this. */
  prefix?: string;
}

export interface ServerAcls { acls: ServerAcl[] }

export interface Principal {
  id: { id: string };
  createdAt: string;
  perTenantAcls: Record<string, ServerAcls>;
  globalAcls: ServerAcls;
}

/** What one request needs: an action over a resource, in a tenant, on a named object if it names one. */
export interface Permission {
  resource: AclResource;
  action: AclAction;
  tenant: string;
  name?: string;
}

export const ADMIN_ACLS: ServerAcls = { acls: [{ resources: ['ACL_ALL_RESOURCES'], allowedActions: ['ALL_ACTIONS'] }] };

/** LittleHorse's definition of an admin: ALL_ACTIONS over ACL_ALL_RESOURCES in the global ACLs, unnarrowed. */
export function isAdmin(principal: Pick<Principal, 'globalAcls'>): boolean {
  return principal.globalAcls.acls.some(
    (acl) => acl.name === undefined && acl.prefix === undefined && acl.resources.includes('ACL_ALL_RESOURCES') && acl.allowedActions.includes('ALL_ACTIONS'),
  );
}

export function permits(principal: Principal, need: Permission): boolean {
  return grantsOf(principal, need).some((acl) => aclMatches(acl, need, need.name));
}

/**
 * Whether some grant would allow `need` for some object names only (a name- or prefix-narrowed ACL):
 * the request is then allowed once the object's name is known and matches.
 */
export function permitsSomeNames(principal: Principal, need: Permission): boolean {
  return grantsOf(principal, need).some((acl) => (acl.name !== undefined || acl.prefix !== undefined) && aclMatches(acl, need, undefined, true));
}

/** Global ACLs apply in every tenant; per-tenant ACLs only in theirs, and never to global-only resources. */
function grantsOf(principal: Principal, need: Permission): ServerAcl[] {
  const global = principal.globalAcls.acls;
  if (GLOBAL_ONLY_RESOURCES.has(need.resource)) return global;
  return [...global, ...(principal.perTenantAcls[need.tenant]?.acls ?? [])];
}

function aclMatches(acl: ServerAcl, need: Permission, name: string | undefined, ignoreName = false): boolean {
  if (!acl.resources.includes(need.resource) && !acl.resources.includes('ACL_ALL_RESOURCES')) return false;
  if (!acl.allowedActions.includes(need.action) && !acl.allowedActions.includes('ALL_ACTIONS')) return false;
  if (ignoreName) return true;
  if (acl.name !== undefined) return name === acl.name;
  if (acl.prefix !== undefined) return name !== undefined && name.startsWith(acl.prefix);
  return true;
}

/** Checks a PutPrincipal's ACLs beyond what the contract's schema checks. */
export function checkAcls(perTenantAcls: Record<string, ServerAcls>, globalAcls: ServerAcls): void {
  for (const [tenant, { acls }] of Object.entries(perTenantAcls)) {
    acls.forEach((acl, i) => {
      const global = acl.resources.find((r) => GLOBAL_ONLY_RESOURCES.has(r));
      if (global) throw invalidArgument(`perTenantAcls.${tenant}.acls[${i}].resources: ${global} can only be granted in globalAcls`, { field: `perTenantAcls.${tenant}.acls[${i}].resources` });
      checkNarrowing(acl, `perTenantAcls.${tenant}.acls[${i}]`);
    });
  }
  globalAcls.acls.forEach((acl, i) => checkNarrowing(acl, `globalAcls.acls[${i}]`));
}

function checkNarrowing(acl: ServerAcl, field: string): void {
  if (acl.name !== undefined && acl.prefix !== undefined) {
    throw invalidArgument(`${field}: give name or prefix, not both`, { field });
  }
}
