// With Redis unreachable, Colt answers 503 UNAVAILABLE (never a 500 or a hang) and /readyz says so.
import request from 'supertest';
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { buildServer } from '../../src/main/colt.ts';
import { freePort } from '../support/processes.ts';
import { testConfig } from '../support/server.ts';

const deadRedis = `redis://127.0.0.1:${await freePort()}`;
const colt = buildServer(deadRedis, testConfig('colt-test-down'), pino({ level: 'silent' }));
const app = colt.app({ validateResponses: true });
afterAll(() => Promise.race([colt.close().catch(() => undefined), new Promise((r) => setTimeout(r, 2_000))]));

it('answers 503 UNAVAILABLE for reads and writes', async () => {
  for (const call of [request(app).get('/wfRun/some-run'), request(app).post('/taskDef').send({ name: 'greet' })]) {
    const res = await call;
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ code: 'UNAVAILABLE', message: 'storage is unavailable; try again' });
  }
});

it('reports not ready on /readyz, while /healthz stays up', async () => {
  expect((await request(app).get('/readyz')).status).toBe(503);
  expect((await request(app).get('/healthz')).status).toBe(200);
});
