// The Cloudflare-compatible surface: its own contract (openapi/cloudflare.yaml), body parser, request
// validator, routes and error middleware, under `/client/v4/...` and `/accounts/...`. Routes are thin.
import { readFileSync } from 'node:fs';
import express, { Router, type Request, type RequestHandler } from 'express';
import { contractValidator } from '../contract-validator.ts';
import { parse as parseYaml } from 'yaml';
import { ColtError } from '../../errors.ts';
import { checkName } from '../../ids.ts';
import type { CloudflareInstanceStatusService } from '../../services/cloudflare-instance-status.ts';
import type { CloudflareInstanceService, InstanceListQuery } from '../../services/cloudflare-instances.ts';
import type { PageQuery } from '../../services/cloudflare-pages.ts';
import type { CloudflareServices } from '../../services/cloudflare-services.ts';
import type { InstanceStatus } from '../../services/cloudflare-status.ts';
import type { CloudflareWorkflowService } from '../../services/cloudflare-workflows.ts';
import type { CloudflareTerminations } from '../../services/cloudflare-terminations.ts';
import type { CloudflareDeletions } from '../../services/cloudflare-deletions.ts';
import { sendList, sendResult } from './envelope.ts';
import { cloudflareErrorMiddleware } from './error-middleware.ts';

export const CLOUDFLARE_OPENAPI_DOCUMENT = parseYaml(
  readFileSync(new URL('../../../openapi/cloudflare.yaml', import.meta.url), 'utf8'),
) as Record<string, unknown>;

export interface CloudflareApiOptions {
  /** Colt's body limit; not used here (the surface follows Cloudflare's payload limit). */
  bodyLimit?: string;
  validateResponses?: boolean;
}

/** A request body: room for one 1 MiB payload with its envelope, or a batch of smaller ones (2 MiB in all). */
const CLOUDFLARE_BODY_BYTES = 2 * 1024 * 1024;

const PREFIXES = ['/client/v4/accounts/:account_id/workflows', '/accounts/:account_id/workflows'];

/** The surface as one middleware: requests outside its prefixes pass through untouched. */
export function cloudflareApi(services: CloudflareServices, options: CloudflareApiOptions = {}): RequestHandler {
  const surface = Router();
  surface.get('/client/v4/openapi.json', (_req, res) => void res.json(CLOUDFLARE_OPENAPI_DOCUMENT));
  // Any JSON value is a body here (an event payload may be a string or a number). Cloudflare's payload
  // limit (1 MiB, checked in the services) sets the body limit here, not Colt's own body limit.
  surface.use(express.json({ limit: CLOUDFLARE_BODY_BYTES, strict: false }));
  surface.use(contractValidator(CLOUDFLARE_OPENAPI_DOCUMENT, options.validateResponses));
  surface.use(workflowRoutes(services.workflows));
  surface.use(terminationRoutes(services.terminations)); // before `/instances/:instance_id`
  surface.use(deletionRoutes(services.deletions));
  surface.use(instanceRoutes(services.instances, services.instanceStatus));
  surface.use((req, _res, next) => next(new ColtError('NOT_FOUND', `no route ${req.method} ${req.path}`)));
  surface.use(cloudflareErrorMiddleware);
  const onItsPaths: RequestHandler = (req, res, next) => (isCloudflarePath(req.path) ? surface(req, res, next) : next());
  return Object.assign(onItsPaths, { stack: surface.stack }); // its routes stay visible in the router stack
}

function isCloudflarePath(path: string): boolean {
  return /^\/(client\/v4|accounts)(\/|$)/.test(path);
}

function workflowRoutes(workflows: CloudflareWorkflowService): Router {
  const r = Router();
  r.get(at(''), async (req, res) => {
    const search = query(req).search;
    sendList(res, await workflows.list(account(req), { ...pageQuery(req, 10), ...(search === undefined ? {} : { search }) }));
  });
  r.get(at('/:workflow_name'), async (req, res) => sendResult(res, await workflows.get(account(req), wf(req))));
  r.put(at('/:workflow_name'), async (req, res) => sendResult(res, await workflows.put(account(req), wf(req), req.body)));
  r.delete(at('/:workflow_name'), async (req, res) => sendResult(res, await workflows.delete(account(req), wf(req))));
  r.get(at('/:workflow_name/versions'), async (req, res) => {
    sendList(res, await workflows.listVersions(account(req), wf(req), pageQuery(req, 10)));
  });
  r.get(at('/:workflow_name/versions/:version_id'), async (req, res) => {
    sendResult(res, await workflows.getVersion(account(req), wf(req), param(req, 'version_id')));
  });
  r.get(at('/:workflow_name/versions/:version_id/dag'), async (req, res) => {
    sendResult(res, await workflows.getDag(account(req), wf(req), param(req, 'version_id'), false));
  });
  r.get(at('/:workflow_name/versions/:version_id/graph'), async (req, res) => {
    sendResult(res, await workflows.getDag(account(req), wf(req), param(req, 'version_id'), true));
  });
  return r;
}

function instanceRoutes(instances: CloudflareInstanceService, status: CloudflareInstanceStatusService): Router {
  const r = Router();
  r.post(at('/:workflow_name/instances'), async (req, res) => {
    sendResult(res, await instances.create(account(req), wf(req), req.body ?? {}));
  });
  r.get(at('/:workflow_name/instances'), async (req, res) => {
    sendList(res, await instances.list(account(req), wf(req), instanceListQuery(req)));
  });
  r.post(at('/:workflow_name/instances/batch'), async (req, res) => {
    sendResult(res, await instances.createBatch(account(req), wf(req), req.body));
  });
  r.get(at('/:workflow_name/instances/:instance_id'), async (req, res) => {
    const q = query(req);
    const order = q.order === 'desc' ? 'desc' : 'asc';
    sendResult(res, await instances.get(account(req), wf(req), param(req, 'instance_id'), { simple: q.simple === 'true', order }));
  });
  r.get(at('/:workflow_name/instances/:instance_id/step'), async (req, res) => {
    const q = query(req);
    const step = { name: q.name ?? '', type: q.type === 'waitForEvent' ? 'waitForEvent' as const : 'step' as const, ...(q.attempt === undefined ? {} : { attempt: Number(q.attempt) }) };
    sendResult(res, await instances.getStep(account(req), wf(req), param(req, 'instance_id'), step));
  });
  r.patch(at('/:workflow_name/instances/:instance_id/status'), async (req, res) => {
    sendResult(res, await status.change(account(req), wf(req), param(req, 'instance_id'), req.body));
  });
  r.post(at('/:workflow_name/instances/:instance_id/events/:event_type'), async (req, res) => {
    sendResult(res, await status.sendEvent(account(req), wf(req), param(req, 'instance_id'), param(req, 'event_type'), req.body));
  });
  return r;
}

function terminationRoutes(terminations: CloudflareTerminations): Router {
  const r = Router();
  r.post(at('/:workflow_name/instances/batch/terminate'), async (req, res) => {
    sendResult(res, await terminations.terminateBatch(account(req), wf(req), req.body));
  });
  r.put(at('/:workflow_name/instances/terminate'), async (req, res) => {
    sendResult(res, await terminations.terminateAll(account(req), wf(req), query(req).status));
  });
  r.get(at('/:workflow_name/instances/terminate'), async (req, res) => {
    sendResult(res, await terminations.terminateAllStatus(account(req), wf(req)));
  });
  return r;
}

function deletionRoutes(deletions: CloudflareDeletions): Router {
  const r = Router();
  r.post(at('/:workflow_name/instances/batch/delete'), async (req, res) => {
    sendResult(res, await deletions.deleteBatch(account(req), wf(req), req.body));
  });
  r.delete(at('/:workflow_name/instances/:instance_id'), async (req, res) => {
    sendResult(res, await deletions.deleteInstance(account(req), wf(req), param(req, 'instance_id')));
  });
  return r;
}

/** The route under both prefixes. */
function at(path: string): string[] {
  return PREFIXES.map((p) => `${p}${path}`);
}

function param(req: Request, name: string): string {
  return String(req.params[name]);
}

/** The account is Colt's tenant, so it follows Colt's id rule. */
function account(req: Request): string {
  return checkName('account_id', req.params.account_id);
}

function wf(req: Request): string {
  return param(req, 'workflow_name');
}

function query(req: Request): Record<string, string | undefined> {
  return req.query as Record<string, string | undefined>;
}

function pageQuery(req: Request, defaultPerPage: number): PageQuery {
  const q = query(req);
  return { page: q.page === undefined ? 1 : Number(q.page), perPage: q.per_page === undefined ? defaultPerPage : Number(q.per_page) };
}

function instanceListQuery(req: Request): InstanceListQuery {
  const q = query(req);
  return {
    ...pageQuery(req, 25),
    ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
    ...(q.direction === 'asc' || q.direction === 'desc' ? { direction: q.direction } : {}),
    ...(q.status === undefined ? {} : { status: q.status as InstanceStatus }),
    ...(q.date_start === undefined ? {} : { dateStart: q.date_start }),
    ...(q.date_end === undefined ? {} : { dateEnd: q.date_end }),
  };
}
