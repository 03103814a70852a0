// Tenants, principals and API keys through the API: PutTenant/GetTenant/SearchTenant,
// PutPrincipal/GetPrincipal/SearchPrincipal/DeletePrincipal (never the last admin), Whoami, keys
// issued, stored hashed and revoked.
import request from 'supertest';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../support/redis.ts';
import { startTestServer } from '../support/server.ts';
import type { ServerAcl } from '../../src/auth/acls.ts';
import { ADMIN_API_KEY, asAdmin, bearer, principalWithKey, putTenant } from '../support/principals.ts';

const server = startTestServer('tenants-principals', { authEnabled: true, adminApiKey: ADMIN_API_KEY });
const app = server.app;
const redis = new Redis(testRedisUrl());
afterAll(async () => {
  await redis.quit();
  await server.close();
});

const ADMIN: ServerAcl = { resources: ['ACL_ALL_RESOURCES'], allowedActions: ['ALL_ACTIONS'] };

describe('tenants', () => {
  it('creates, gets and searches tenants; `default` always exists; putting one twice changes nothing', async () => {
    const first = await request(app).post('/tenant').set(asAdmin).send({ id: 'acme' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ id: { id: 'acme' }, createdAt: expect.any(String) });
    const again = await request(app).post('/tenant').set(asAdmin).send({ id: 'acme' });
    expect(again.body).toEqual(first.body);
    expect((await request(app).get('/tenant/acme').set(asAdmin)).body).toEqual(first.body);
    expect((await request(app).get('/tenant/default').set(asAdmin)).body.id).toEqual({ id: 'default' });
    const search = await request(app).get('/tenant/search').set(asAdmin);
    expect(search.status).toBe(200);
    expect(search.body.results).toEqual(expect.arrayContaining([{ id: 'default' }, { id: 'acme' }]));
    const paged = await request(app).get('/tenant/search?limit=1').set(asAdmin);
    expect(paged.body.results).toHaveLength(1);
    const next = await request(app).get(`/tenant/search?limit=1&bookmark=${encodeURIComponent(paged.body.bookmark)}`).set(asAdmin);
    expect(next.body.results).toHaveLength(1);
    expect(next.body.results[0]).not.toEqual(paged.body.results[0]);
  });

  it('refuses unknown tenants (404), bad tenant ids (400) and unknown fields (400)', async () => {
    expect((await request(app).get('/tenant/nobody').set(asAdmin)).status).toBe(404);
    const unknown = await request(app).get('/taskDef').set(asAdmin).set('Tenant-Id', 'never-created');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain("tenant 'never-created' does not exist");
    expect((await request(app).get('/taskDef').set(asAdmin).set('Tenant-Id', 'a:b')).status).toBe(400);
    expect((await request(app).post('/tenant').set(asAdmin).send({ id: '../a' })).status).toBe(400);
    const extra = await request(app).post('/tenant').set(asAdmin).send({ id: 'ok-id', outputTopicConfig: {} });
    expect(extra.status).toBe(400);
    expect(extra.body.message).toContain('outputTopicConfig');
  });
});

describe('principals', () => {
  it('puts, gets and searches principals; same ACLs again is a no-op, other ACLs need overwrite', async () => {
    await putTenant(app, 'p-tenant');
    const body = { id: 'reader-1', perTenantAcls: { 'p-tenant': { acls: [{ resources: ['ACL_WORKFLOW'], allowedActions: ['READ'] }] } }, globalAcls: { acls: [] } };
    const put = await request(app).post('/principal').set(asAdmin).send(body);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ ...body, id: { id: 'reader-1' }, createdAt: expect.any(String) });
    expect((await request(app).post('/principal').set(asAdmin).send(body)).body).toEqual(put.body);
    const changed = { ...body, globalAcls: { acls: [{ resources: ['ACL_TASK'], allowedActions: ['READ'] }] } };
    const conflict = await request(app).post('/principal').set(asAdmin).send(changed);
    expect(conflict.status).toBe(409);
    const overwritten = await request(app).post('/principal').set(asAdmin).send({ ...changed, overwrite: true });
    expect(overwritten.status).toBe(200);
    expect(overwritten.body.globalAcls).toEqual(changed.globalAcls);
    expect(overwritten.body.createdAt).toBe(put.body.createdAt);
    expect((await request(app).get('/principal/reader-1').set(asAdmin)).body).toEqual(overwritten.body);
    expect((await request(app).get('/principal/search?tenantId=p-tenant').set(asAdmin)).body.results).toEqual([{ id: 'reader-1' }]);
    expect((await request(app).get('/principal/search?isAdmin=false').set(asAdmin)).body.results).toContainEqual({ id: 'reader-1' });
    expect((await request(app).get('/principal/search?isAdmin=true').set(asAdmin)).body.results).not.toContainEqual({ id: 'reader-1' });
  });

  it('refuses ACL_PRINCIPAL/ACL_TENANT in per-tenant ACLs, unknown tenants, unknown fields and reserved ids', async () => {
    const perTenant = await request(app).post('/principal').set(asAdmin).send({ id: 'p2', perTenantAcls: { default: { acls: [{ resources: ['ACL_PRINCIPAL'], allowedActions: ['READ'] }] } } });
    expect(perTenant.status).toBe(400);
    expect(perTenant.body.message).toContain('ACL_PRINCIPAL can only be granted in globalAcls');
    expect((await request(app).post('/principal').set(asAdmin).send({ id: 'p2', perTenantAcls: { nowhere: { acls: [] } } })).status).toBe(400);
    const mass = await request(app).post('/principal').set(asAdmin).send({ id: 'p2', createdAt: '2020-01-01T00:00:00Z' });
    expect(mass.status).toBe(400);
    expect((await request(app).post('/principal').set(asAdmin).send({ id: 'p2', globalAcls: { acls: [{ resources: ['ACL_ROOT'], allowedActions: ['READ'] }] } })).status).toBe(400);
    expect((await request(app).post('/principal').set(asAdmin).send({ id: 'anonymous' })).status).toBe(400);
    expect((await request(app).post('/principal').set(asAdmin).send({ id: 'bootstrap-admin' })).status).toBe(400);
  });

  it('never deletes or demotes the last admin, and deletes an admin while another remains', async () => {
    await request(app).post('/principal').set(asAdmin).send({ id: 'admin-a', globalAcls: { acls: [ADMIN] } }).expect(200);
    const demote = await request(app).post('/principal').set(asAdmin).send({ id: 'admin-a', globalAcls: { acls: [] }, overwrite: true });
    expect(demote.status).toBe(412);
    const last = await request(app).delete('/principal/admin-a').set(asAdmin);
    expect(last.status).toBe(412);
    expect(last.body.code).toBe('FAILED_PRECONDITION');
    await request(app).post('/principal').set(asAdmin).send({ id: 'admin-b', globalAcls: { acls: [ADMIN] } }).expect(200);
    expect((await request(app).delete('/principal/admin-a').set(asAdmin)).status).toBe(200);
    expect((await request(app).get('/principal/admin-a').set(asAdmin)).status).toBe(404);
    expect((await request(app).delete('/principal/admin-b').set(asAdmin)).status).toBe(412);
    expect((await request(app).delete('/principal/admin-a').set(asAdmin)).status).toBe(404);
  });
});

describe('API keys', () => {
  it('issues keys shown once and stored only as a hash; Whoami names the key holder', async () => {
    const key = await principalWithKey(app, 'key-holder', { perTenant: { default: [{ resources: ['ACL_WORKFLOW'], allowedActions: ['READ'] }] } });
    expect(key).toMatch(/^colt_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    const me = await request(app).get('/whoami').set(bearer(key));
    expect(me.status).toBe(200);
    expect(me.body.id).toEqual({ id: 'key-holder' });
    expect((await request(app).get('/whoami').set(asAdmin)).body.id).toEqual({ id: 'bootstrap-admin' });
    const listed = await request(app).get('/principal/key-holder/apiKey').set(asAdmin);
    expect(listed.body.results).toEqual([{ keyId: expect.any(String), principalId: 'key-holder', createdAt: expect.any(String) }]);
    // Nothing in Redis holds the key itself.
    const dump = await everyValue(server.prefix);
    expect(dump).not.toContain(key);
    expect(dump).not.toContain(key.slice(-43));
  });

  it('revoking a key or deleting its principal locks the key out at once', async () => {
    const key = await principalWithKey(app, 'short-lived', { perTenant: { default: [{ resources: ['ACL_WORKFLOW'], allowedActions: ['READ'] }] } });
    const other = (await request(app).post('/principal/short-lived/apiKey').set(asAdmin)).body as { key: string; keyId: string };
    const keyId = key.slice(5, 37);
    expect((await request(app).get('/wfSpec').set(bearer(key))).status).toBe(200);
    expect((await request(app).delete(`/principal/short-lived/apiKey/${keyId}`).set(asAdmin)).status).toBe(200);
    expect((await request(app).get('/wfSpec').set(bearer(key))).status).toBe(401);
    expect((await request(app).delete(`/principal/short-lived/apiKey/${keyId}`).set(asAdmin)).status).toBe(404);
    expect((await request(app).get('/wfSpec').set(bearer(other.key))).status).toBe(200);
    await request(app).delete('/principal/short-lived').set(asAdmin).expect(200);
    expect((await request(app).get('/wfSpec').set(bearer(other.key))).status).toBe(401);
  });

  it('a principal with a stored admin ACL can administer like the bootstrap admin', async () => {
    const key = await principalWithKey(app, 'ops-admin', { global: [ADMIN] });
    expect((await request(app).post('/tenant').set(bearer(key)).send({ id: 'by-ops' })).status).toBe(200);
    expect((await request(app).get('/principal/search').set(bearer(key))).status).toBe(200);
  });
});

async function everyValue(prefix: string): Promise<string> {
  let out = '';
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'hash') out += JSON.stringify(await redis.hgetall(key));
      else if (type === 'string') out += await redis.get(key);
      else if (type === 'set') out += JSON.stringify(await redis.smembers(key));
    }
  } while (cursor !== '0');
  return out;
}
