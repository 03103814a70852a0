// Batch terminate and terminate-all as asynchronous jobs (BullMQ, run by the server), with the
// terminate-all status route; and instance delete, one or a batch. For WfSpec-backed and code
// workflows, through HTTP against real Redis and real workflow workers.
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWorkflowWorkers, WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowWorkers } from '../../workers/cloudflare/index.ts';
import { napSpec, cloudflareRoutes, cloudflareResult } from '../support/cloudflare-specs.ts';
import { eventually } from '../support/processes.ts';
import { testRedisUrl } from '../support/redis.ts';
import { startTestServer } from '../support/server.ts';

const server = startTestServer('cf-terminate');
const ACCOUNT = 'cf-terminate';
let workers: WorkflowWorkers;

/** Waits an hour for an approval. */
class Waits extends WorkflowEntrypoint {
  async run(_event: WorkflowEvent, step: WorkflowStep) {
    return step.waitForEvent('approval', { type: 'approval', timeout: '1 hour' });
  }
}

beforeAll(async () => {
  workers = startWorkflowWorkers({
    scriptName: 'terminations', account: ACCOUNT, classes: { Waits }, redisUrl: testRedisUrl(), keyPrefix: server.prefix,
    lockMs: 5_000, log: pino({ level: 'silent' }),
  });
  expect((await request(server.app).post('/wfSpec').set('Tenant-Id', ACCOUNT).send(napSpec('nap'))).status).toBe(200);
  ok(await api.put('/waits', { class_name: 'Waits', script_name: 'terminations' }));
});

afterAll(async () => {
  await workers.close();
  await server.close();
});

const api = cloudflareRoutes(server.app, ACCOUNT);

const ok = cloudflareResult;

const statusOf = async (workflow: string, id: string) => ok(await api.get(`/${workflow}/instances/${id}?simple=true`)).status as string;

async function untilStatus(workflow: string, id: string, status: string): Promise<void> {
  await eventually(async () => ((await statusOf(workflow, id)) === status ? true : undefined), 15_000, `${workflow}/${id} to be ${status}`);
}

async function createAll(workflow: string, ids: string[]): Promise<void> {
  ok(await api.post(`/${workflow}/instances/batch`, ids.map((instance_id) => ({ instance_id }))));
}

for (const [workflow, settledStatus] of [['nap', 'running'], ['waits', 'waiting']] as const) {
  it(`${workflow}: batch terminate answers at once with the count of unfinished instances, and a job terminates them`, async () => {
    const ids = [`${workflow}-b1`, `${workflow}-b2`, `${workflow}-b3`];
    await createAll(workflow, ids);
    for (const id of ids) await untilStatus(workflow, id, settledStatus);
    ok(await api.patch(`/${workflow}/instances/${ids[2]}/status`, { status: 'terminate' }));
    expect(ok(await api.post(`/${workflow}/instances/batch/terminate`, [...ids, ids[0], 'missing']))).toEqual({ instancesTerminated: 2, status: 'ok' });
    for (const id of ids) await untilStatus(workflow, id, 'terminated');
  });

  it(`${workflow}: terminate-all (PUT) terminates the instances in the status asked for; GET tells whether its job runs`, async () => {
    const [paused, other] = [`${workflow}-a1`, `${workflow}-a2`];
    await createAll(workflow, [paused, other]);
    for (const id of [paused, other]) await untilStatus(workflow, id, settledStatus);
    ok(await api.patch(`/${workflow}/instances/${paused}/status`, { status: 'pause' }));
    await untilStatus(workflow, paused, 'paused');

    expect(ok(await api.put(`/${workflow}/instances/terminate?status=paused`))).toEqual({ status: expect.stringMatching(/^(ok|already_running)$/) });
    await untilStatus(workflow, paused, 'terminated');
    expect(await statusOf(workflow, other)).toBe(settledStatus);
    await eventually(async () => (ok(await api.get(`/${workflow}/instances/terminate`)).status === 'not_running' ? true : undefined), 10_000, 'the job to end');

    expect(ok(await api.put(`/${workflow}/instances/terminate`))).toEqual({ status: 'ok' });
    await untilStatus(workflow, other, 'terminated');
  });

  it(`${workflow}: delete removes an instance in any status, alone or in a batch; its id is free again`, async () => {
    const [running, finished, batched] = [`${workflow}-d1`, `${workflow}-d2`, `${workflow}-d3`];
    await createAll(workflow, [running, finished, batched]);
    for (const id of [running, finished, batched]) await untilStatus(workflow, id, settledStatus);
    ok(await api.patch(`/${workflow}/instances/${finished}/status`, { status: 'terminate' }));

    expect(ok(await api.delete(`/${workflow}/instances/${running}`))).toEqual({ instanceId: running, timestamp: expect.any(String) });
    expect((await api.get(`/${workflow}/instances/${running}`)).status).toBe(404);
    expect((await api.delete(`/${workflow}/instances/${running}`)).body.errors[0].code).toBe(10400);

    expect(ok(await api.post(`/${workflow}/instances/batch/delete`, { instances: [finished, batched, running] }))).toEqual({
      deleted: [{ id: finished }, { id: batched }],
      errors: [{ id: running, code: 10400, message: 'workflows.api.error.instance.not_found' }],
    });
    for (const id of [finished, batched]) expect((await api.get(`/${workflow}/instances/${id}`)).status).toBe(404);
    await createAll(workflow, [running]);
    await untilStatus(workflow, running, settledStatus);
    expect((await api.post(`/${workflow}/instances/batch/delete`, { instances: Array.from({ length: 101 }, (_, i) => `x${i}`) })).status).toBe(400);
  });
}

it('terminate-all refuses an unknown status (400) and an unknown workflow (404, 10200)', async () => {
  const bad = await api.put('/nap/instances/terminate?status=complete');
  expect(bad.status, bad.text).toBe(400);
  expect(bad.body.errors[0].message).toMatch(/status/);
  const missing = await api.put('/nope/instances/terminate');
  expect(missing.status, missing.text).toBe(404);
  expect(missing.body.errors[0].code).toBe(10200);
  expect((await api.get('/nope/instances/terminate')).status).toBe(404);
  expect((await api.post('/nope/instances/batch/terminate', ['x'])).status).toBe(404);
});
