// Cloudflare's limits (reference §6 and §1.3), each at the limit and one past it, through HTTP against
// real Redis and real workflow workers: params and event payloads of 1 MiB, batches of 100, instance ids
// and event types of 100 characters of Cloudflare's pattern, and a workflow's `limits.steps`.
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWorkflowWorkers, WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowWorkers } from '../../workers/cloudflare/index.ts';
import { eventually } from '../support/processes.ts';
import { testRedisUrl } from '../support/redis.ts';
import { startTestServer } from '../support/server.ts';
import { cloudflareRoutes, cloudflareResult } from '../support/cloudflare-specs.ts';

const server = startTestServer('cf-limits');
const ACCOUNT = 'cf-limits';
const MiB = 1024 * 1024;
let workers: WorkflowWorkers;

/** Waits an hour for any number of events of the type named in its params. */
class Listens extends WorkflowEntrypoint<unknown, { type?: string }> {
  async run(event: WorkflowEvent<{ type?: string }>, step: WorkflowStep) {
    return step.waitForEvent('listen', { type: event.payload.type ?? 'any', timeout: '1 hour' });
  }
}

/** Runs `n` steps. */
class Steps extends WorkflowEntrypoint<unknown, { n: number }> {
  async run(event: WorkflowEvent<{ n: number }>, step: WorkflowStep) {
    for (let i = 0; i < event.payload.n; i++) await step.do(`step ${i}`, async () => i);
    return event.payload.n;
  }
}

beforeAll(async () => {
  workers = startWorkflowWorkers({
    scriptName: 'limits', account: ACCOUNT, classes: { Listens, Steps }, redisUrl: testRedisUrl(), keyPrefix: server.prefix,
    lockMs: 5_000, log: pino({ level: 'silent' }),
  });
  ok(await api.put('/listens', { class_name: 'Listens', script_name: 'limits' }));
  ok(await api.put('/steps', { class_name: 'Steps', script_name: 'limits', limits: { steps: 2 } }));
});

afterAll(async () => {
  await workers.close();
  await server.close();
});

const api = cloudflareRoutes(server.app, ACCOUNT);

const ok = cloudflareResult;

function refused(res: request.Response, field: RegExp, code?: number): void {
  expect(res.status, res.text.slice(0, 300)).toBe(400);
  expect(res.body).toMatchObject({ success: false, result: null });
  expect(res.body.errors[0].message).toMatch(field);
  if (code !== undefined) expect(res.body.errors[0].code).toBe(code);
}

/** An object whose JSON text is exactly `bytes` long. */
const payloadOf = (bytes: number) => ({ x: 'a'.repeat(bytes - '{"x":""}'.length) });

async function untilStatus(workflow: string, id: string, status: string): Promise<any> {
  return eventually(async () => {
    const got = ok(await api.get(`/${workflow}/instances/${id}`));
    return got.status === status ? got : undefined;
  }, 15_000, `${id} to be ${status}`);
}

it('params: 1 MiB is taken, one byte more is refused naming params', async () => {
  expect(JSON.stringify(payloadOf(MiB)).length).toBe(MiB);
  ok(await api.post('/listens/instances', { instance_id: 'params-at-limit', params: payloadOf(MiB) }));
  expect(ok(await api.get('/listens/instances/params-at-limit')).params).toEqual(payloadOf(MiB));
  refused(await api.post('/listens/instances', { instance_id: 'params-over', params: payloadOf(MiB + 1) }), /^params: 1048577 bytes/, 10004);
  refused(await api.post('/listens/instances', { params: JSON.stringify(payloadOf(MiB + 1)) }), /^params:/, 10004);
  refused(await api.post('/listens/instances/batch', [{}, { params: payloadOf(MiB + 1) }]), /^\[1\]\.params:/, 10004);
  expect((await api.get('/listens/instances/params-over')).status).toBe(404);
});

it('event payload: 1 MiB is delivered, one byte more is refused', async () => {
  ok(await api.post('/listens/instances', { instance_id: 'events', params: { type: 'big' } }));
  await untilStatus('listens', 'events', 'waiting');
  refused(await api.post('/listens/instances/events/events/big', payloadOf(MiB + 1)), /^event payload:/, 10004);
  ok(await api.post('/listens/instances/events/events/big', payloadOf(MiB)));
  expect((await untilStatus('listens', 'events', 'complete')).output.payload).toEqual(payloadOf(MiB));
});

it('batch: 100 instances are created, 101 are refused', async () => {
  const items = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ instance_id: `${prefix}-${i}` }));
  expect(ok(await api.post('/listens/instances/batch', items(100, 'hundred')))).toHaveLength(100);
  refused(await api.post('/listens/instances/batch', items(101, 'over')), /100/);
  expect((await api.get('/listens/instances/over-0')).status).toBe(404);
  refused(await api.post('/listens/instances/batch/terminate', items(101, 'hundred').map((x) => x.instance_id)), /100/);
  refused(await api.post('/listens/instances/batch', []), /1/);
});

it('instance_id: 100 characters of [a-zA-Z0-9-_] are taken; 101, a leading "-" or another character are refused', async () => {
  const id100 = `i${'d'.repeat(99)}`;
  expect(ok(await api.post('/listens/instances', { instance_id: id100 })).id).toBe(id100);
  refused(await api.post('/listens/instances', { instance_id: `${id100}x` }), /instance_id/);
  refused(await api.post('/listens/instances', { instance_id: '-leading' }), /instance_id/);
  refused(await api.post('/listens/instances', { instance_id: 'has.dot' }), /instance_id/);
  refused(await api.post('/listens/instances/batch', [{ instance_id: 'fine' }, { instance_id: 'not fine' }]), /instance_id/);
  // Without an id (and even without a body), the instance gets a UUID.
  expect(ok(await api.post('/listens/instances')).id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

it('event type: 100 characters of the name pattern are taken; 101, a leading "-" or another character are refused', async () => {
  const type100 = `t${'y'.repeat(99)}`;
  ok(await api.post('/listens/instances', { instance_id: 'typed', params: { type: type100 } }));
  await untilStatus('listens', 'typed', 'waiting');
  refused(await api.post(`/listens/instances/typed/events/${type100}z`, {}), /event_type/);
  refused(await api.post('/listens/instances/typed/events/-leading', {}), /event_type/);
  refused(await api.post('/listens/instances/typed/events/has.dot', {}), /event_type/);
  ok(await api.post(`/listens/instances/typed/events/${type100}`, { ok: true }));
  expect((await untilStatus('listens', 'typed', 'complete')).output).toMatchObject({ type: type100, payload: { ok: true } });
});

it('steps: a workflow may run as many steps as its limits.steps, and errors at one more', async () => {
  ok(await api.post('/steps/instances', { instance_id: 'at-limit', params: { n: 2 } }));
  expect((await untilStatus('steps', 'at-limit', 'complete')).output).toBe(2);
  ok(await api.post('/steps/instances', { instance_id: 'over-limit', params: { n: 3 } }));
  const over = await untilStatus('steps', 'over-limit', 'errored');
  expect(over.error.message).toMatch(/The limit of 2 steps has been reached/);
  expect(over.step_count).toBe(2);
  refused(await api.put('/steps', { class_name: 'Steps', script_name: 'limits', limits: { steps: 25_001 } }), /limits\.steps/);
});
