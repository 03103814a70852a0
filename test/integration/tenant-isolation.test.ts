// Tenants under authentication: nothing of one tenant is visible, searchable, countable or mutable from
// another, on either surface; hostile tenant and object ids get 400 and create no keys.
import request from 'supertest';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../support/redis.ts';
import { startTestServer } from '../support/server.ts';
import { tenantDigest } from '../support/tenant-digest.ts';
import { chainSpecRequest } from '../support/specs.ts';
import { ADMIN_API_KEY, asAdmin, bearer, principalWithKey, putTenant } from '../support/principals.ts';

const server = startTestServer('tenant-isolation', { authEnabled: true, adminApiKey: ADMIN_API_KEY });
const app = server.app;
const redis = new Redis(testRedisUrl());
let acme: Record<string, string>;
let globex: Record<string, string>;

const ALL = [{ resources: ['ACL_ALL_RESOURCES'], allowedActions: ['ALL_ACTIONS'] }] as const;

beforeAll(async () => {
  await putTenant(app, 'acme');
  await putTenant(app, 'globex');
  acme = { ...bearer(await principalWithKey(app, 'acme-admin', { perTenant: { acme: [...ALL] as never } })), 'Tenant-Id': 'acme' };
  globex = { ...bearer(await principalWithKey(app, 'globex-admin', { perTenant: { globex: [...ALL] as never } })), 'Tenant-Id': 'globex' };
  await request(app).post('/taskDef').set(acme).send({ name: 'charge', inputVars: [{ name: 'input', typeDef: { primitiveType: 'STR' } }] }).expect(200);
  await request(app).post('/wfSpec').set(acme).send(chainSpecRequest('billing', ['charge'])).expect(200);
  await request(app).post('/externalEventDef').set(acme).send({ name: 'paid' }).expect(200);
  await request(app).post('/wfRun').set(acme).send({ wfSpecName: 'billing', id: 'order-1', variables: { input: 'x' } }).expect(200);
  await request(app).post('/wfRun/order-1/externalEvent/paid').set(acme).send({ content: { str: 'yes' }, guid: 'e1' }).expect(200);
});

afterAll(async () => {
  await redis.quit();
  await server.close();
});

const acmeDigest = () => tenantDigest(redis, server, 'acme');

async function allKeys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${server.prefix}*`, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys.sort();
}

describe('another tenant sees and changes nothing', () => {
  it('refuses a key of tenant B on tenant A, on both surfaces, and leaves A unchanged', async () => {
    const before = await acmeDigest();
    expect(Number(before.split(':')[0])).toBeGreaterThan(3); // the run, its indexes, the defs...
    const intoAcme = { ...globex, 'Tenant-Id': 'acme' };
    const tries = [
      request(app).get('/wfRun/order-1').set(intoAcme),
      request(app).get('/wfRun/search?wfSpecName=billing').set(intoAcme),
      request(app).get('/taskDef').set(intoAcme),
      request(app).delete('/wfRun/order-1').set(intoAcme),
      request(app).post('/wfRun/order-1/stop').set(intoAcme).send({}),
      request(app).post('/wfRun/order-1/externalEvent/paid').set(intoAcme).send({ content: { str: 'forged' } }),
      request(app).get('/wfRun/order-1/externalEvent/paid/e1').set(intoAcme),
      request(app).get('/accounts/acme/workflows').set(globex),
      request(app).get('/client/v4/accounts/acme/workflows/billing/instances/order-1').set(globex),
      request(app).patch('/accounts/acme/workflows/billing/instances/order-1/status').set(globex).send({ status: 'terminate' }),
    ];
    for (const [i, res] of (await Promise.all(tries)).entries()) {
      expect(res.status, `request ${i}`).toBe(403);
      expect(JSON.stringify(res.body)).not.toContain('order-1');
    }
    expect(await acmeDigest()).toBe(before);
  });

  it("shows tenant B none of A's objects in its own tenant: gets are 404, searches and lists are empty", async () => {
    const before = await acmeDigest();
    expect((await request(app).get('/wfRun/order-1').set(globex)).status).toBe(404);
    expect((await request(app).get('/taskDef/charge').set(globex)).status).toBe(404);
    expect((await request(app).get('/wfSpec/billing').set(globex)).status).toBe(404);
    expect((await request(app).get('/externalEventDef/paid').set(globex)).status).toBe(404);
    expect((await request(app).get('/wfRun/order-1/externalEvent/paid/e1').set(globex)).status).toBe(404);
    expect((await request(app).delete('/wfRun/order-1').set(globex)).status).toBe(404);
    expect((await request(app).post('/wfRun/order-1/stop').set(globex).send({})).status).toBe(404);
    expect((await request(app).get('/wfRun/search?wfSpecName=billing').set(globex)).body.results).toEqual([]);
    expect((await request(app).get('/taskDef').set(globex)).body.results).toEqual([]);
    expect((await request(app).get('/wfSpec').set(globex)).body.results).toEqual([]);
    expect((await request(app).get('/taskRun/search?taskDefName=charge').set(globex)).body.results ?? []).toEqual([]);
    expect((await request(app).get('/accounts/globex/workflows').set(globex)).body.result).toEqual([]);
    expect((await request(app).get('/accounts/globex/workflows/billing/instances/order-1').set(globex)).status).toBe(404);
    expect(await acmeDigest()).toBe(before);
    // ...while A sees its own.
    expect((await request(app).get('/wfRun/order-1').set(acme)).status).toBe(200);
    expect((await request(app).get('/wfRun/search?wfSpecName=billing').set(acme)).body.results).toHaveLength(1);
  });
});

describe('hostile ids', () => {
  const HOSTILE = ['../a', 'a:b', '{t}', '*', '\u0000', 'x'.repeat(10_000), 'ünïcödé', '-a', 'a b'];

  it('answer 400 as a tenant, an account, a WfRun id or a new tenant, and create no keys', async () => {
    const before = await allKeys();
    for (const id of HOSTILE) {
      const segment = encodeURIComponent(id);
      const header = /^[\x20-\x7e]*$/.test(id) ? id : encodeURIComponent(id);
      const answers = [
        await request(app).get('/taskDef').set(asAdmin).set('Tenant-Id', header),
        await request(app).get(`/accounts/${segment}/workflows`).set(asAdmin),
        await request(app).get(`/wfRun/${segment}`).set(asAdmin),
        await request(app).post('/wfRun').set(asAdmin).send({ wfSpecName: 'billing', id }),
        await request(app).post('/tenant').set(asAdmin).send({ id }),
        await request(app).post('/principal').set(asAdmin).send({ id }),
      ];
      answers.forEach((res, i) => expect(res.status, `request ${i} with ${JSON.stringify(id.slice(0, 20))}`).toBe(400));
    }
    expect(await allKeys()).toEqual(before);
  });
});
