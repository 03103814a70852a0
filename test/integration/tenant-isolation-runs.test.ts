// Tenants under authentication, for the objects that live inside a WfRun: user tasks (get, list, assign,
// claim, complete, save, comment, cancel, inbox search) and workflow events (get, list, await, search).
// From another tenant, each gets 403 (its key in the wrong tenant) or 404 / an empty page (in its own
// tenant), names nothing of the other tenant, and changes none of its keys.
import request from 'supertest';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../support/redis.ts';
import { startTestServer } from '../support/server.ts';
import { tenantDigest } from '../support/tenant-digest.ts';
import { entry, exit, literal, threadSpec, wfSpec } from '../support/spec-builder.ts';
import { ADMIN_API_KEY, bearer, principalWithKey, putTenant } from '../support/principals.ts';

const server = startTestServer('tenant-isolation-runs', { authEnabled: true, adminApiKey: ADMIN_API_KEY });
const app = server.app;
const redis = new Redis(testRedisUrl());
const ALL = [{ resources: ['ACL_ALL_RESOURCES'], allowedActions: ['ALL_ACTIONS'] }];
let acme: Record<string, string>;
let globex: Record<string, string>;
let taskPath: string;

/** entry -> throw `submitted` -> approve (a USER_TASK for the `finance` group) -> exit. */
const REQUEST_SPEC = wfSpec('purchase', {
  entrypoint: threadSpec([
    entry(),
    { name: 'submitted', body: { throwEvent: { eventDefId: { name: 'submitted' }, content: literal({ str: 'secret-po-77' }) } } },
    { name: 'approve', body: { userTask: { userTaskDefName: 'approve-purchase', userGroup: literal({ str: 'finance' }) } } },
    exit(),
  ]),
});

beforeAll(async () => {
  await putTenant(app, 'acme');
  await putTenant(app, 'globex');
  acme = { ...bearer(await principalWithKey(app, 'acme-runs-admin', { perTenant: { acme: ALL as never } })), 'Tenant-Id': 'acme' };
  globex = { ...bearer(await principalWithKey(app, 'globex-runs-admin', { perTenant: { globex: ALL as never } })), 'Tenant-Id': 'globex' };
  const def = { name: 'approve-purchase', fields: [{ name: 'approved', type: 'BOOL', required: true }] };
  await request(app).post('/userTaskDef').set(acme).send(def).expect(200);
  await request(app).post('/workflowEventDef').set(acme).send({ name: 'submitted', contentType: { returnType: { primitiveType: 'STR' } } }).expect(200);
  await request(app).post('/wfSpec').set(acme).send(REQUEST_SPEC).expect(200);
  await request(app).post('/wfRun').set(acme).send({ wfSpecName: 'purchase', id: 'po-77' }).expect(200);
  const list = await request(app).get('/wfRun/po-77/userTaskRun').set(acme).expect(200);
  expect(list.body.results).toHaveLength(1);
  taskPath = `/wfRun/po-77/userTaskRun/${list.body.results[0].id.userTaskGuid}`;
});

afterAll(async () => {
  await redis.quit();
  await server.close();
});

const acmeDigest = () => tenantDigest(redis, server, 'acme');

/** The same requests, sent with the given headers: every read and every change of acme's run objects. */
function probes(headers: Record<string, string>) {
  const send = (method: 'get' | 'post' | 'put' | 'delete', path: string, body?: object) => {
    const req = request(app)[method](path).set(headers);
    return body === undefined ? req : req.send(body);
  };
  return [
    send('get', taskPath),
    send('get', '/wfRun/po-77/userTaskRun'),
    send('post', `${taskPath}/assign`, { userId: 'mallory', overrideClaim: true }),
    send('post', `${taskPath}/claim`, { userId: 'mallory' }),
    send('post', `${taskPath}/release`, { userId: 'mallory' }),
    send('post', `${taskPath}/save`, { userId: 'mallory', results: { approved: { bool: true } }, policy: 'IGNORE_CLAIM' }),
    send('post', `${taskPath}/comment`, { userId: 'mallory', comment: 'forged' }),
    send('put', `${taskPath}/comment/1`, { userId: 'mallory', comment: 'forged' }),
    send('delete', `${taskPath}/comment/1?userId=mallory`),
    send('post', `${taskPath}/complete`, { userId: 'mallory', results: { approved: { bool: true } } }),
    send('post', `${taskPath}/cancel`),
    send('get', '/userTaskDef/approve-purchase/latest'),
    send('get', '/wfRun/po-77/workflowEvent'),
    send('get', '/wfRun/po-77/workflowEvent/submitted/0'),
    send('post', '/wfRun/po-77/workflowEvent/await', { eventDefIds: [{ name: 'submitted' }], timeoutMs: 50 }),
    send('get', '/workflowEventDef/submitted'),
  ];
}

/** Searches that would name acme's user tasks and workflow events if they leaked. */
function searches(headers: Record<string, string>) {
  return [
    request(app).get('/userTaskRun/search?userGroup=finance').set(headers),
    request(app).get('/userTaskRun/search?userTaskDefName=approve-purchase').set(headers),
    request(app).get('/userTaskRun/search?status=UNASSIGNED').set(headers),
    request(app).get('/userTaskDef/search').set(headers),
    request(app).get('/workflowEvent/search?workflowEventDefName=submitted').set(headers),
    request(app).get('/workflowEventDef/search').set(headers),
  ];
}

/** What only acme's stored objects hold (a refusal may echo the ids the caller sent, nothing more). */
const leaks = (body: unknown) => /secret-po-77|finance|UNASSIGNED|scheduledTime|createdAt|userTaskGuid/.test(JSON.stringify(body ?? {}));

describe("another tenant's user tasks and workflow events", () => {
  it('are refused (403) with a key of tenant B sent as tenant A, and A is unchanged', async () => {
    const before = await acmeDigest();
    const intoAcme = { ...globex, 'Tenant-Id': 'acme' };
    for (const [i, res] of (await Promise.all([...probes(intoAcme), ...searches(intoAcme)])).entries()) {
      expect(res.status, `request ${i}: ${JSON.stringify(res.body)}`).toBe(403);
      expect(leaks(res.body), `request ${i} leaks: ${JSON.stringify(res.body)}`).toBe(false);
    }
    const cloudflare = [
      await request(app).post('/accounts/acme/workflows/purchase/instances/po-77/events/submitted').set(globex).send({ forged: true }),
      await request(app).get('/client/v4/accounts/acme/workflows/purchase/instances/po-77').set(globex),
    ];
    for (const res of cloudflare) {
      expect(res.status).toBe(403);
      expect(leaks(res.body)).toBe(false);
    }
    const ownAccount = await request(app).post('/accounts/globex/workflows/purchase/instances/po-77/events/submitted').set(globex).send({ forged: true });
    expect(ownAccount.status).toBe(404);
    expect(await acmeDigest()).toBe(before);
  });

  it("don't exist in tenant B: gets and changes are 404, searches are empty, and A is unchanged", async () => {
    const before = await acmeDigest();
    for (const [i, res] of (await Promise.all(probes(globex))).entries()) {
      expect(res.status, `request ${i}: ${JSON.stringify(res.body)}`).toBe(404);
      expect(leaks(res.body), `request ${i} leaks: ${JSON.stringify(res.body)}`).toBe(false);
    }
    for (const [i, res] of (await Promise.all(searches(globex))).entries()) {
      expect(res.status, `search ${i}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.results ?? [], `search ${i}`).toEqual([]);
    }
    expect(await acmeDigest()).toBe(before);
  });

  it('are all there for tenant A itself', async () => {
    expect((await request(app).get(taskPath).set(acme)).body).toMatchObject({ status: 'UNASSIGNED', userGroup: 'finance' });
    expect((await request(app).get('/userTaskRun/search?userGroup=finance').set(acme)).body.results).toHaveLength(1);
    expect((await request(app).get('/wfRun/po-77/workflowEvent/submitted/0').set(acme)).body.content).toEqual({ str: 'secret-po-77' });
    expect((await request(app).get('/workflowEvent/search?workflowEventDefName=submitted').set(acme)).body.results).toHaveLength(1);
    await request(app).post(`${taskPath}/complete`).set(acme).send({ userId: 'alice', results: { approved: { bool: true } } }).expect(200);
    expect((await request(app).get(taskPath).set(acme)).body.status).toBe('DONE');
  });
});
