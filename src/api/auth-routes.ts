// Tenant, Principal, API key and Whoami routes (LittleHorse's PutTenant/GetTenant/SearchTenant,
// PutPrincipal/GetPrincipal/SearchPrincipal/DeletePrincipal, Whoami; API keys are Colt's own).
import { Router, type Request } from 'express';
import type { PrincipalService } from '../auth/principal-service.ts';
import type { TenantService } from '../auth/tenant-service.ts';
import { principalOf } from './auth-middleware.ts';

export interface SecurityServices { tenants: TenantService; principals: PrincipalService }

export function authRoutes({ tenants, principals }: SecurityServices): Router {
  const r = Router();
  r.get('/whoami', (_req, res) => void res.json(principalOf(res)));

  r.post('/tenant', async (req, res) => void res.json(await tenants.put(req.body)));
  r.get('/tenant/search', async (req, res) => void res.json(await tenants.search(pageQuery(req))));
  r.get('/tenant/:id', async (req, res) => void res.json(await tenants.get(req.params.id as string)));

  r.post('/principal', async (req, res) => void res.json(await principals.put(req.body)));
  r.get('/principal/search', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    res.json(await principals.search({
      ...pageQuery(req),
      ...(q.isAdmin === undefined ? {} : { isAdmin: q.isAdmin === true || q.isAdmin === 'true' }),
      ...(q.tenantId === undefined ? {} : { tenantId: String(q.tenantId) }),
    }));
  });
  r.get('/principal/:id', async (req, res) => void res.json(await principals.get(req.params.id as string)));
  r.delete('/principal/:id', async (req, res) => {
    await principals.delete(req.params.id as string);
    res.status(200).end();
  });

  r.post('/principal/:id/apiKey', async (req, res) => void res.json(await principals.createApiKey(req.params.id as string)));
  r.get('/principal/:id/apiKey', async (req, res) => void res.json(await principals.listApiKeys(req.params.id as string)));
  r.delete('/principal/:id/apiKey/:keyId', async (req, res) => {
    await principals.revokeApiKey(req.params.id as string, req.params.keyId as string);
    res.status(200).end();
  });
  return r;
}

/** Query integers arrive coerced by the OpenAPI validator. */
function pageQuery(req: Request): { limit?: number; bookmark?: string } {
  const q = req.query as Record<string, unknown>;
  return {
    ...(q.limit === undefined ? {} : { limit: Number(q.limit) }),
    ...(q.bookmark === undefined ? {} : { bookmark: String(q.bookmark) }),
  };
}
