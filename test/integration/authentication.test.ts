// Authentication: every bad credential gets the same 401 on each surface; the accepted forms
// (Bearer, Basic for browsers, Cloudflare's X-Auth-Key); the docs, the OpenAPI documents, the queue
// board and any path that is not an operation are behind it; only health checks are open.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { buildServer } from '../../src/main/colt.ts';
import { testRedisUrl } from '../support/redis.ts';
import { startTestServer, testConfig } from '../support/server.ts';
import { ADMIN_API_KEY, asAdmin, bearer, principalWithKey } from '../support/principals.ts';

const server = startTestServer('authentication', { authEnabled: true, adminApiKey: ADMIN_API_KEY });
const app = server.app;
let reader: string;
let revoked: string;
let ofDeleted: string;
let boardViewer: string;

const READ_DEFAULT = { perTenant: { default: [{ resources: ['ACL_ALL_RESOURCES'], allowedActions: ['READ'] }] } } as never;

beforeAll(async () => {
  reader = await principalWithKey(app, 'reader', READ_DEFAULT);
  revoked = (await request(app).post('/principal/reader/apiKey').set(asAdmin)).body.key;
  await request(app).delete(`/principal/reader/apiKey/${revoked.slice(5, 37)}`).set(asAdmin).expect(200);
  ofDeleted = await principalWithKey(app, 'gone', READ_DEFAULT);
  await request(app).delete('/principal/gone').set(asAdmin).expect(200);
  boardViewer = await principalWithKey(app, 'board-viewer', { global: [{ resources: ['ACL_TASK'], allowedActions: ['READ'] }] });
});

afterAll(() => server.close());

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('bad credentials', () => {
  const BAD: Array<[string, () => Record<string, string>]> = [
    ['no credential', () => ({})],
    ['an empty Bearer', () => ({ authorization: 'Bearer' })],
    ['a Bearer of garbage', () => ({ authorization: 'Bearer not-a-key' })],
    ['a well-formed key Colt never issued', () => ({ authorization: `Bearer colt_${'0'.repeat(32)}_${'A'.repeat(43)}` })],
    ['an issued key with its secret changed', () => ({ authorization: `Bearer ${reader.slice(0, -1)}${reader.endsWith('A') ? 'B' : 'A'}` })],
    ['the admin key with a character more', () => ({ authorization: `Bearer ${ADMIN_API_KEY}x` })],
    ['a revoked key', () => ({ authorization: `Bearer ${revoked}` })],
    ["a deleted principal's key", () => ({ authorization: `Bearer ${ofDeleted}` })],
    ['a JWT with alg none', () => ({ authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.' })],
    ['an unknown scheme', () => ({ authorization: `Token ${ADMIN_API_KEY}` })],
    ['Basic with a wrong password', () => ({ authorization: basic('admin', 'wrong') })],
    ['Basic that is not base64 of user:password', () => ({ authorization: 'Basic !!!' })],
    ['a wrong X-Auth-Key', () => ({ 'x-auth-key': 'wrong', 'x-auth-email': 'a@b.c' })],
    ['only X-Auth-Email', () => ({ 'x-auth-email': 'admin@example.com' })],
  ];

  it('get one uniform 401 on the LittleHorse surface, with WWW-Authenticate', async () => {
    const bodies = new Set<string>();
    for (const [what, headers] of BAD) {
      const res = await request(app).get('/wfSpec').set(headers());
      expect(res.status, what).toBe(401);
      expect(res.headers['www-authenticate'], what).toMatch(/^Bearer/);
      bodies.add(JSON.stringify(res.body));
    }
    expect([...bodies]).toEqual([JSON.stringify({ code: 'UNAUTHENTICATED', message: 'a valid API key is required (Authorization: Bearer <key>)' })]);
  });

  it("get one uniform 401 in Cloudflare's envelope on the Cloudflare surface", async () => {
    const bodies = new Set<string>();
    for (const [what, headers] of BAD) {
      const res = await request(app).get('/client/v4/accounts/default/workflows').set(headers());
      expect(res.status, what).toBe(401);
      bodies.add(JSON.stringify(res.body));
    }
    expect([...bodies]).toEqual([JSON.stringify({ success: false, errors: [{ code: 10000, message: 'Authentication error' }], messages: [], result: null })]);
  });

  it('never reads a key from the query string', async () => {
    for (const name of ['api_key', 'apiKey', 'token', 'access_token', 'key']) {
      expect((await request(app).get(`/wfSpec?${name}=${ADMIN_API_KEY}`)).status).toBe(401);
    }
  });
});

describe('accepted credentials', () => {
  it('takes Bearer (any case), Basic with the key as password, and X-Auth-Key / X-Auth-User-Service-Key', async () => {
    expect((await request(app).get('/wfSpec').set(bearer(reader))).status).toBe(200);
    expect((await request(app).get('/wfSpec').set({ authorization: `bearer ${reader}` })).status).toBe(200);
    expect((await request(app).get('/wfSpec').set({ authorization: basic('anyone', reader) })).status).toBe(200);
    expect((await request(app).get('/accounts/default/workflows').set({ 'x-auth-key': reader, 'x-auth-email': 'r@example.com' })).status).toBe(200);
    expect((await request(app).get('/accounts/default/workflows').set({ 'x-auth-user-service-key': reader })).status).toBe(200);
  });
});

describe('paths that are not operations', () => {
  it('leaves only the health checks open', async () => {
    expect((await request(app).get('/healthz')).status).toBe(200);
    expect((await request(app).get('/readyz')).status).toBe(200);
  });

  it('puts the docs and OpenAPI documents behind a login browsers can answer (Basic)', async () => {
    for (const path of ['/docs/', '/openapi.json', '/client/v4/openapi.json']) {
      const none = await request(app).get(path);
      expect(none.status, path).toBe(401);
      expect(none.headers['www-authenticate'], path).toMatch(/^Basic realm="Colt"/);
      expect((await request(app).get(path).set({ authorization: basic('me', reader) })).status, path).toBe(200);
    }
  });

  it('shows the queue board to global task readers, lets only admins change queues', async () => {
    expect((await request(app).get('/admin/queues')).status).toBe(401);
    expect((await request(app).get('/admin/queues').set(bearer(reader))).status).toBe(403); // per-tenant grants do not see all tenants
    expect((await request(app).get('/admin/queues').set(bearer(boardViewer))).status).toBe(200);
    expect((await request(app).get('/admin/queues/api/queues').set(bearer(boardViewer))).status).toBe(200);
    expect((await request(app).put('/admin/queues/api/queues/any/retry/failed').set(bearer(boardViewer))).status).toBe(403);
    expect((await request(app).put('/admin/queues/api/queues/any/retry/failed').set(asAdmin)).status).not.toBe(403);
  });

  it('refuses any other path to non-admins (a route outside the contracts cannot slip through)', async () => {
    expect((await request(app).get('/metrics')).status).toBe(401);
    expect((await request(app).get('/metrics').set(bearer(reader))).status).toBe(403);
    expect((await request(app).get('/no/such/route').set(bearer(reader))).status).toBe(403);
    expect((await request(app).get('/no/such/route').set(asAdmin)).status).toBe(404);
  });
});

describe('errors carry no internals', () => {
  it('answers malformed bodies with 4xx and no stack trace', async () => {
    const answers = [
      await request(app).post('/tenant').set(asAdmin).set('content-type', 'application/json').send('{"id": '),
      await request(app).post('/tenant').set(asAdmin).set('content-type', 'text/plain').send('id=x'),
      await request(app).post('/principal').set(asAdmin).set('content-type', 'application/json').send('{"id":"p","__proto__":{"isAdmin":true},"globalAcls":{"acls":[],"constructor":{"prototype":{"x":1}}}}'),
      await request(app).post('/principal').set(asAdmin).send('['.repeat(5000) + ']'.repeat(5000)),
    ];
    for (const res of answers) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('no mass assignment', () => {
  it('refuses fields a request does not have, naming them, instead of ignoring them', async () => {
    const tries: Array<[string, unknown, string]> = [
      ['/wfRun', { wfSpecName: 'any', status: 'COMPLETED' }, 'status'],
      ['/wfRun', { wfSpecName: 'any', tenantId: 'other' }, 'tenantId'],
      ['/pollTask', { taskDefId: { name: 't' }, clientId: 'c', tenant: 'other' }, 'tenant'],
      ['/reportTask', { taskRunId: { wfRunId: 'r', taskGuid: 'g' }, attemptNumber: 0, status: 'TASK_SUCCESS', taskWorkerId: 'x' }, 'taskWorkerId'],
      ['/principal', { id: 'p9', createdAt: '2020-01-01T00:00:00Z' }, 'createdAt'],
      ['/tenant', { id: 't9', createdAt: '2020-01-01T00:00:00Z' }, 'createdAt'],
    ];
    for (const [path, body, field] of tries) {
      const res = await request(app).post(path).set(asAdmin).send(body as object);
      expect(res.status, `${path} with ${field}`).toBe(400);
      expect(res.body.code).toBe('INVALID_ARGUMENT');
      expect(res.body.message, path).toContain(field);
    }
  });
});

describe('request logs', () => {
  it('never hold an API key', async () => {
    const lines: string[] = [];
    const logged = buildServer(testRedisUrl(), { ...testConfig(server.prefix), authEnabled: true, adminApiKey: ADMIN_API_KEY }, pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }));
    try {
      const loggedApp = logged.app();
      await request(loggedApp).get('/wfSpec').set(asAdmin).expect(200);
      await request(loggedApp).get('/accounts/default/workflows').set({ 'x-auth-key': reader }).expect(200);
      await request(loggedApp).get('/wfSpec').set({ authorization: basic('u', reader) }).expect(200);
      expect(lines.length).toBeGreaterThan(2);
      const all = lines.join('');
      for (const secret of [ADMIN_API_KEY, reader, reader.slice(-43), Buffer.from(`u:${reader}`).toString('base64')]) expect(all).not.toContain(secret);
    } finally {
      await logged.close();
    }
  });
});

describe('rate limits and credentials', () => {
  it("do not let callers without a valid key spend a tenant's quota", async () => {
    const limited = buildServer(testRedisUrl(), { ...testConfig(`${server.prefix}-quota`), rateLimitPerMinute: 3, authEnabled: true, adminApiKey: ADMIN_API_KEY }, pino({ level: 'silent' }));
    try {
      const limitedApp = limited.app();
      for (let i = 0; i < 6; i++) expect((await request(limitedApp).get('/wfSpec').set('Tenant-Id', 'default').set({ authorization: 'Bearer forged' })).status).toBe(401);
      expect((await request(limitedApp).get('/wfSpec').set(asAdmin)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

