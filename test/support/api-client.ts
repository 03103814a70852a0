// Helpers for integration tests that talk to the REST API through supertest: clients bound to a
// tenant of their own (Tenant-Id header), and checks on answers and on the `{code, message, details?}` error shape.
import request from 'supertest';
import { expect } from 'vitest';
import type { TestServer } from './server.ts';

/** Requests to `app` in tenant `tenant`. */
function clientFor(app: TestServer['app'], tenant: string) {
  return {
    tenant,
    get: (path: string) => request(app).get(path).set('Tenant-Id', tenant),
    /** POST with `body` as JSON; with no body at all when `body` is left out. */
    post: (path: string, body?: unknown) => {
      const req = request(app).post(path).set('Tenant-Id', tenant);
      return body === undefined ? req : req.send(body as object);
    },
    /** POST with `text` as the body, as it is, under `contentType`. */
    raw: (path: string, contentType: string, text: string | Buffer) =>
      request(app).post(path).set('Tenant-Id', tenant).set('Content-Type', contentType).send(text),
    delete: (path: string) => request(app).delete(path).set('Tenant-Id', tenant),
    /** PUT with `body` as JSON. */
    put: (path: string, body: unknown) => request(app).put(path).set('Tenant-Id', tenant).send(body as object),
  };
}

/** A client bound to one tenant. */
export type ApiClient = ReturnType<typeof clientFor>;

/** A client of the default tenant: the one task workers serve and the builder registers into. */
export function defaultTenantClient(app: TestServer['app']): ApiClient {
  return clientFor(app, 'default');
}

/**
 * A `client()` factory for one test file: each call gives a client bound to a fresh tenant,
 * `${tenantPrefix}-1`, `${tenantPrefix}-2`, …, so that tests do not see each other's objects.
 */
export function tenantClients(app: TestServer['app'], tenantPrefix: string): () => ApiClient {
  let tenants = 0;
  return () => clientFor(app, `${tenantPrefix}-${++tenants}`);
}

export function expectOk(res: request.Response): void {
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/**
 * An error in the `{code, message, details?}` shape, sent as JSON, whose message names `field`
 * (as a whole word) when given.
 */
export function expectError(res: request.Response, status: number, code: string, field?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body.code).toBe(code);
  expect(typeof res.body.message).toBe('string');
  expect(Object.keys(res.body).every((k) => ['code', 'message', 'details'].includes(k))).toBe(true);
  if (field !== undefined) expect(res.body.message).toMatch(naming(field));
}

/** `field` as a whole word of a message (so that `id` does not match inside `invalid`). */
export function naming(field: string): RegExp {
  return new RegExp(`(^|[\\s;.'])${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[\\s:;.,'/[])`);
}
