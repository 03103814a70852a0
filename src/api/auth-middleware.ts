// Authentication and authorization in front of every route. Each request is matched to an operation
// of the contracts (the route table) and must hold that operation's permission in the request's
// tenant (`Tenant-Id`, or the Cloudflare `account_id`). Operations without a permission, and paths
// that are not operations, are refused to all but admins; only health checks are open.
// Order: 401 (no valid key) -> 403 (no grant; so a caller learns nothing of tenants it cannot use)
// -> 404 (the tenant does not exist: as in LittleHorse, unknown tenants are refused; `default` always
// exists). With authentication off every caller is the `anonymous` admin and any valid tenant id is
// accepted, so local development needs no PutTenant.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ColtError } from '../errors.ts';
import { isValidName } from '../ids.ts';
import { GLOBAL_ONLY_RESOURCES, isAdmin, permits, permitsSomeNames, type Permission, type Principal } from '../auth/acls.ts';
import { ANONYMOUS, type Authenticator } from '../auth/authenticator.ts';
import { presentedKey } from '../auth/credentials.ts';
import { objectNameOf } from '../auth/operation-permissions.ts';
import type { MatchedRoute, RouteTable } from '../auth/route-table.ts';
import type { TenantService } from '../auth/tenant-service.ts';
import { failure } from './cloudflare/envelope.ts';
import { cloudflareErrorMiddleware } from './cloudflare/error-middleware.ts';
import { errorMiddleware } from './error-middleware.ts';
import { DEFAULT_TENANT } from './tenant.ts';

export interface AuthOptions {
  /** Off: every caller is the `anonymous` admin and any tenant id is accepted (local development). */
  enabled: boolean;
  authenticator: Authenticator;
  tenants: TenantService;
  routes: RouteTable;
  /** The TaskDef of a TaskRun, to hold a worker to the TaskDefs it may serve. */
  taskDefOfTaskRun(tenant: string, wfRunId: string, taskGuid: string): Promise<string | undefined>;
}

const OPEN_PATHS = new Set(['/healthz', '/readyz']);
const DOCS = /^\/(docs(\/|$)|openapi\.json$|client\/v4\/openapi\.json$)/;
const BOARD = /^\/admin\/queues(\/|$)/;
const METRICS = '/metrics';
const CLOUDFLARE = /^\/(client\/v4\/)?accounts(\/|$)/;
/** Operations whose object name is in the body: allowed to name-narrowed grants after the body is read. */
const NAMED_BY_BODY = new Set(['pollTask', 'reportTask', 'registerTaskWorker']);

/** Cloudflare's codes for a missing/invalid credential and for a credential without the permission. */
const CLOUDFLARE_UNAUTHENTICATED = 10000;
const CLOUDFLARE_FORBIDDEN = 9109;

export function principalOf(res: Response): Principal {
  return (res.locals.principal as Principal | undefined) ?? ANONYMOUS;
}

export function authMiddleware(options: AuthOptions): RequestHandler {
  return (req, res, next) => {
    if (OPEN_PATHS.has(req.path)) return next();
    if (!options.enabled) {
      res.locals.principal = ANONYMOUS;
      return next();
    }
    authorize(options, req, res).then(() => next(), (err: unknown) => refuse(err, req, res, next));
  };
}

async function authorize(options: AuthOptions, req: Request, res: Response): Promise<void> {
  const presented = presentedKey(req);
  const principal = 'key' in presented ? await options.authenticator.authenticate(presented.key) : undefined;
  if (!principal) throw new ColtError('UNAUTHENTICATED', 'a valid API key is required (Authorization: Bearer <key>)');
  res.locals.principal = principal;
  const matched = options.routes.match(req.method, req.path);
  if (matched) return authorizeOperation(options, req, res, principal, matched);
  if (DOCS.test(req.path)) return;
  if (BOARD.test(req.path)) return authorizeBoard(req, principal);
  if (req.path === METRICS && req.method === 'GET') return authorizeMetrics(principal);
  if (!isAdmin(principal)) throw new ColtError('PERMISSION_DENIED', `${req.method} ${req.path} is not an operation of the API`);
}

async function authorizeOperation(options: AuthOptions, req: Request, res: Response, principal: Principal, { route, params }: MatchedRoute): Promise<void> {
  const permission = route.permission;
  if (!permission) throw new ColtError('PERMISSION_DENIED', `operation ${route.operationId} has no permission assigned; it is refused`);
  if (permission.kind === 'authenticated') return;
  const globalOnly = GLOBAL_ONLY_RESOURCES.has(permission.resource);
  const tenant = globalOnly ? '' : tenantOfRequest(req, route.surface === 'cloudflare' ? params.account_id : undefined);
  const name = objectNameOf(route.operationId, permission.resource, params);
  const need: Permission = { resource: permission.resource, action: permission.action, tenant, ...(name === undefined ? {} : { name }) };
  if (permits(principal, need)) {
    // allowed
  } else if (NAMED_BY_BODY.has(route.operationId) && permitsSomeNames(principal, need)) {
    res.locals.pendingNameCheck = { operationId: route.operationId, need } satisfies PendingNameCheck;
  } else {
    throw new ColtError('PERMISSION_DENIED', `principal '${principal.id.id}' may not ${permission.action} ${permission.resource}${globalOnly ? '' : ` in tenant '${tenant}'`}${name === undefined ? '' : ` named '${name}'`}`);
  }
  if (!globalOnly && !(await options.tenants.exists(tenant))) throw new ColtError('NOT_FOUND', `tenant '${tenant}' does not exist; create it with PutTenant`);
}

function tenantOfRequest(req: Request, account: string | undefined): string {
  const tenant = account ?? req.header('Tenant-Id') ?? DEFAULT_TENANT;
  if (!isValidName(tenant)) throw new ColtError('INVALID_ARGUMENT', `${account === undefined ? 'Tenant-Id' : 'account_id'} is not a valid tenant id`, { field: account === undefined ? 'Tenant-Id' : 'account_id' });
  return tenant;
}

/** The queue board shows every tenant's queues: it needs global READ on tasks; changing a queue needs an admin. */
function authorizeBoard(req: Request, principal: Principal): void {
  const reading = req.method === 'GET' || req.method === 'HEAD';
  const allowed = reading ? permits(principal, { resource: 'ACL_TASK', action: 'READ', tenant: '' }) : isAdmin(principal);
  if (!allowed) throw new ColtError('PERMISSION_DENIED', reading ? 'the queue board needs global READ over ACL_TASK' : 'only an admin may change queues on the board');
}

/** Prometheus counts WfRuns, TaskRuns and queues of every tenant: it needs global READ over both. */
function authorizeMetrics(principal: Principal): void {
  const reads = (resource: 'ACL_WORKFLOW' | 'ACL_TASK') => permits(principal, { resource, action: 'READ', tenant: '' });
  if (!reads('ACL_WORKFLOW') || !reads('ACL_TASK')) throw new ColtError('PERMISSION_DENIED', '/metrics needs global READ over ACL_WORKFLOW and ACL_TASK');
}

interface PendingNameCheck { operationId: string; need: Permission }

/**
 * Second half of authorization for operations named by their body (PollTask, ReportTask,
 * RegisterTaskWorker): runs after
 * the body is parsed and validated, and allows the request if a narrowed grant covers the TaskDef.
 */
export function authorizeBodyNames(options: Pick<AuthOptions, 'taskDefOfTaskRun'>): RequestHandler {
  return (req, res, next) => {
    const pending = res.locals.pendingNameCheck as PendingNameCheck | undefined;
    if (!pending) return next();
    taskDefNamed(options, pending, req.body as Record<string, any>).then((name) => {
      if (name !== undefined && permits(principalOf(res), { ...pending.need, name })) return next();
      next(new ColtError('PERMISSION_DENIED', `principal '${principalOf(res).id.id}' may not ${pending.need.action} ${pending.need.resource} of this TaskDef`));
    }, next);
  };
}

async function taskDefNamed(options: Pick<AuthOptions, 'taskDefOfTaskRun'>, pending: PendingNameCheck, body: Record<string, any>): Promise<string | undefined> {
  if (pending.operationId !== 'reportTask') return body?.taskDefId?.name as string | undefined; // pollTask, registerTaskWorker
  const { wfRunId, taskGuid } = body?.taskRunId ?? {};
  if (typeof wfRunId !== 'string' || typeof taskGuid !== 'string') return undefined;
  return options.taskDefOfTaskRun(pending.need.tenant, wfRunId, taskGuid).catch(() => undefined);
}

/** Refusals in the surface's own shape; a 401 is the same whatever was wrong with the credential. */
function refuse(err: unknown, req: Request, res: Response, next: NextFunction): void {
  const code = err instanceof ColtError ? err.code : undefined;
  if (code === 'UNAUTHENTICATED') {
    res.setHeader('WWW-Authenticate', BOARD.test(req.path) || DOCS.test(req.path) ? 'Basic realm="Colt", charset="UTF-8"' : 'Bearer realm="Colt"');
  }
  if (!CLOUDFLARE.test(req.path)) return void errorMiddleware(err, req, res, next);
  if (code === 'UNAUTHENTICATED') return void res.status(401).json(failure(CLOUDFLARE_UNAUTHENTICATED, 'Authentication error'));
  if (code === 'PERMISSION_DENIED') return void res.status(403).json(failure(CLOUDFLARE_FORBIDDEN, (err as Error).message));
  cloudflareErrorMiddleware(err, req, res, next);
}
