// Hardening with authentication on: no mass assignment (unknown or internal fields are 400 naming the
// field, on both surfaces, while every field LittleHorse or Cloudflare define is taken); failed
// authentications are counted per client address and answered 429 with Retry-After past the limit;
// GET /metrics (every tenant's counts) needs global READ.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.ts';
import { chainSpecRequest } from '../support/specs.ts';
import { ADMIN_API_KEY, asAdmin, bearer, principalWithKey } from '../support/principals.ts';

const FAILURES_ALLOWED = 4;
const server = startTestServer('security-hardening', { authEnabled: true, adminApiKey: ADMIN_API_KEY, authFailuresPerMinute: FAILURES_ALLOWED });
const app = server.app;

afterAll(() => server.close());

beforeAll(async () => {
  await request(app).post('/taskDef').set(asAdmin).send({ name: 'charge', inputVars: [{ name: 'input', typeDef: { primitiveType: 'STR' } }] }).expect(200);
  await request(app).post('/wfSpec').set(asAdmin).send(chainSpecRequest('billing', ['charge'])).expect(200);
});

function expectRefusedField(res: request.Response, field: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(JSON.stringify(res.body)).toContain(field);
  expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack trace
}

describe('no mass assignment', () => {
  it('refuses internal or unknown fields on the LittleHorse surface, naming them, and stores nothing', async () => {
    expectRefusedField(await request(app).post('/wfRun').set(asAdmin).send({ wfSpecName: 'billing', id: 'forged-1', status: 'COMPLETED' }), 'status');
    expectRefusedField(await request(app).post('/wfRun').set(asAdmin).send({ wfSpecName: 'billing', id: 'forged-2', tenantId: 'other' }), 'tenantId');
    expect((await request(app).get('/wfRun/forged-1').set(asAdmin)).status).toBe(404);
    expect((await request(app).get('/wfRun/forged-2').set(asAdmin)).status).toBe(404);
    const spec = chainSpecRequest('forged', ['charge']);
    expectRefusedField(await request(app).post('/wfSpec').set(asAdmin).send({ ...spec, status: 'INACTIVE' }), 'status');
    expectRefusedField(await request(app).post('/wfSpec').set(asAdmin).send({ ...spec, id: { name: 'forged', majorVersion: 7, revision: 0 } }), 'id');
    expectRefusedField(await request(app).post('/wfSpec').set(asAdmin).send({ ...spec, createdAt: '2020-01-01T00:00:00Z' }), 'createdAt');
    expect((await request(app).get('/wfSpec/forged').set(asAdmin)).status).toBe(404);
    expectRefusedField(await request(app).post('/taskDef').set(asAdmin).send({ name: 'forged', createdAt: '2020-01-01T00:00:00Z' }), 'createdAt');
    expectRefusedField(await request(app).post('/principal').set(asAdmin).send({ id: 'forged', isAdmin: true }), 'isAdmin');
    expectRefusedField(await request(app).post('/tenant').set(asAdmin).send({ id: 'forged', createdAt: '2020-01-01T00:00:00Z' }), 'createdAt');
    expectRefusedField(await request(app).post('/pollTask').set(asAdmin).send({ taskDefId: { name: 'charge', tenantId: 'x' }, clientId: 'w' }), 'tenantId');
    expectRefusedField(await request(app).post('/wfRun/any/stop').set(asAdmin).send({ threadRunNumber: 0, status: 'HALTED' }), 'status');
  });

  it("takes every field of LittleHorse's requests, refusing the ones Colt lacks with a 400 naming them", async () => {
    const taskDef = { name: 'described', inputVars: [], returnType: { returnType: { primitiveType: 'STR' } }, description: 'says hello' };
    const put = await request(app).post('/taskDef').set(asAdmin).send(taskDef);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ description: 'says hello', returnType: { returnType: { primitiveType: 'STR' } } });
    const spec = { ...chainSpecRequest('guarded', ['charge']), allowedUpdates: 'NO_UPDATES', retentionPolicy: { secondsAfterWfTermination: 60 } };
    expect((await request(app).post('/wfSpec').set(asAdmin).send(spec)).status).toBe(200);
    expectRefusedField(await request(app).post('/wfSpec').set(asAdmin).send({ ...spec, name: 'child', parentWfSpec: { wfSpecName: 'guarded', tenantId: 'other' } }), 'tenantId');
    expectRefusedField(await request(app).post('/tenant').set(asAdmin).send({ id: 'topics', outputTopicConfig: { defaultRecordingLevel: 'ALL_ENTITY_EVENTS' } }), 'outputTopicConfig');
    expect((await request(app).get('/tenant/topics').set(asAdmin)).status).toBe(404);
  });

  it('refuses unknown fields on the Cloudflare surface, in its envelope', async () => {
    const account = '/client/v4/accounts/default/workflows/billing';
    const created = await request(app).post(`${account}/instances`).set(asAdmin).send({ instance_id: 'cf-forged', params: {}, status: 'complete' });
    expect(created.status, JSON.stringify(created.body)).toBe(400);
    expect(created.body.success).toBe(false);
    expect(JSON.stringify(created.body)).toContain('status');
    const patched = await request(app).patch(`${account}/instances/cf-forged/status`).set(asAdmin).send({ status: 'pause', output: 'x' });
    expect(patched.status).toBe(400);
    expect(JSON.stringify(patched.body)).toContain('output');
    expect((await request(app).get(`${account}/instances/cf-forged`).set(asAdmin)).status).toBe(404);
  });
});

describe('GET /metrics', () => {
  it('needs a key with global READ over workflows and tasks', async () => {
    const tenantReader = await principalWithKey(app, 'tenant-reader', { perTenant: { default: [{ resources: ['ACL_ALL_RESOURCES'], allowedActions: ['READ'] }] } });
    const scraper = await principalWithKey(app, 'scraper', { global: [{ resources: ['ACL_WORKFLOW', 'ACL_TASK'], allowedActions: ['READ'] }] });
    expect((await request(app).get('/metrics').set(bearer(tenantReader))).status).toBe(403);
    const scraped = await request(app).get('/metrics').set(bearer(scraper));
    expect(scraped.status).toBe(200);
    expect(scraped.text).toContain('colt_wf_runs_total');
    expect((await request(app).get('/metrics').set(asAdmin)).status).toBe(200);
  });
});

// Last: it uses up this address's allowance of failed authentications for the rest of the minute.
describe('failed authentications', () => {
  it('are limited per client address: past the limit every request is 429 with Retry-After', async () => {
    for (let i = 0; i < 3; i++) expect((await request(app).get('/taskDef').set(asAdmin)).status).toBe(200); // successes don't count
    for (let i = 0; i < FAILURES_ALLOWED; i++) {
      expect((await request(app).get('/taskDef').set(bearer(`guess-${i}`))).status).toBe(401);
    }
    const over = await request(app).get('/taskDef').set(bearer('guess-again'));
    expect(over.status).toBe(429);
    expect(over.body).toEqual({ code: 'RESOURCE_EXHAUSTED', message: expect.stringContaining('failed authentications') });
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    const cloudflare = await request(app).get('/client/v4/accounts/default/workflows').set(bearer('guess-cf'));
    expect(cloudflare.status).toBe(429);
    expect(cloudflare.body.success).toBe(false);
    expect((await request(app).get('/taskDef').set(asAdmin)).status).toBe(429); // the address, not the key, is limited
    expect((await request(app).get('/healthz')).status).toBe(200); // health checks stay open
  });
});
