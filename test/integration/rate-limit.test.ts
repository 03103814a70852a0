// Per-tenant quotas, counted in Redis: a tenant over its quota gets 429 with Retry-After on both surfaces,
// other tenants are not slowed, and two replicas on one Redis share the count.
import request from 'supertest';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/main/colt.ts';
import { freePort } from '../support/processes.ts';
import { testRedisUrl } from '../support/redis.ts';
import { startTestServer, testConfig } from '../support/server.ts';

const QUOTA = 3;
const server = startTestServer('rate-limit', { rateLimitPerMinute: QUOTA });
const replica = buildServer(testRedisUrl(), { ...testConfig(server.prefix), rateLimitPerMinute: QUOTA }, pino({ level: 'silent' }));
afterAll(async () => {
  await replica.close();
  await server.close();
});

describe('per-tenant rate limit', () => {
  it('answers 429 RESOURCE_EXHAUSTED with Retry-After once a tenant spends its quota across replicas', async () => {
    const apps = [server.app, replica.app(), server.app];
    for (const app of apps) {
      const res = await request(app).get('/taskDef/nope').set('Tenant-Id', 'busy');
      expect(res.status).toBe(404);
      expect(res.headers.ratelimit).toBeDefined();
    }
    const over = await request(replica.app()).get('/taskDef/nope').set('Tenant-Id', 'busy');
    expect(over.status).toBe(429);
    expect(over.body).toEqual({ code: 'RESOURCE_EXHAUSTED', message: expect.stringContaining("tenant 'busy'") });
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('does not count one tenant against another, nor health checks against anyone', async () => {
    for (let i = 0; i < QUOTA + 2; i++) expect((await request(server.app).get('/healthz').set('Tenant-Id', 'calm')).status).toBe(200);
    expect((await request(server.app).get('/taskDef/nope').set('Tenant-Id', 'calm')).status).toBe(404);
  });

  it('answers the Cloudflare surface in its envelope, counted per account', async () => {
    const path = '/client/v4/accounts/acct-busy/workflows';
    for (let i = 0; i < QUOTA; i++) expect((await request(server.app).get(path)).status).toBe(200);
    const over = await request(server.app).get(path);
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ success: false, result: null, errors: [{ code: 971 }] });
    expect(over.headers['retry-after']).toBeDefined();
    expect((await request(server.app).get('/accounts/acct-calm/workflows')).status).toBe(200);
  });
});

describe('with Redis unreachable', () => {
  it('lets the request through to its 503 rather than failing on the quota', async () => {
    const down = buildServer(`redis://127.0.0.1:${await freePort()}`, { ...testConfig('colt-test-rl-down'), rateLimitPerMinute: QUOTA }, pino({ level: 'silent' }));
    const res = await request(down.app()).get('/wfRun/some-run');
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('UNAVAILABLE');
    await Promise.race([down.close().catch(() => undefined), new Promise((r) => setTimeout(r, 2_000))]);
  });
});
