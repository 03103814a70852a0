// Principals with API keys for tests of a server with authentication on.
import request from 'supertest';
import type { Express } from 'express';
import type { ServerAcl } from '../../src/auth/acls.ts';

export const ADMIN_API_KEY = 'test-admin-key-0123456789abcdef0123456789';

export const asAdmin = { authorization: `Bearer ${ADMIN_API_KEY}` };

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

/** Creates a principal (as the bootstrap admin) and issues it an API key; returns the key. */
export async function principalWithKey(app: Express, id: string, acls: { perTenant?: Record<string, ServerAcl[]>; global?: ServerAcl[] }): Promise<string> {
  const perTenantAcls = Object.fromEntries(Object.entries(acls.perTenant ?? {}).map(([t, list]) => [t, { acls: list }]));
  const put = await request(app).post('/principal').set(asAdmin).send({ id, perTenantAcls, globalAcls: { acls: acls.global ?? [] } });
  if (put.status !== 200) throw new Error(`PutPrincipal ${id}: ${put.status} ${JSON.stringify(put.body)}`);
  const issued = await request(app).post(`/principal/${id}/apiKey`).set(asAdmin);
  if (issued.status !== 200) throw new Error(`createApiKey ${id}: ${issued.status} ${JSON.stringify(issued.body)}`);
  return issued.body.key as string;
}

export async function putTenant(app: Express, id: string): Promise<void> {
  const res = await request(app).post('/tenant').set(asAdmin).send({ id });
  if (res.status !== 200) throw new Error(`PutTenant ${id}: ${res.status} ${JSON.stringify(res.body)}`);
}
