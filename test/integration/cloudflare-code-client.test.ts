// The official `cloudflare` client (v7) against a code workflow: the example OrderWorkflow
// (workers/examples) run by real workflow workers, driven through workflows.update/get/list/delete,
// versions.list/get, instances.create/bulk/list (auto-paging)/get/step, events.create and status.edit.
import Cloudflare from 'cloudflare';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWorkflowWorkers, type WorkflowWorkers } from '../../workers/cloudflare/index.ts';
import { EXAMPLE_SCRIPT_NAME, EXAMPLE_WORKFLOWS } from '../../workers/examples/order-workflow.ts';
import { eventually } from '../support/processes.ts';
import { testRedisUrl } from '../support/redis.ts';
import { startTestServer, serveOverHttp, type HttpListener } from '../support/server.ts';
import { recordingCloudflareClient } from '../support/cloudflare-specs.ts';

const server = startTestServer('cf-code-client');
const account_id = 'cf-code-client';
const workflow_name = 'orders';
let workers: WorkflowWorkers;
let listener: HttpListener;
let cf: Cloudflare;
/** `METHOD path?query` of every request the client sent, retries included. */
const sent: string[] = [];

beforeAll(async () => {
  workers = startWorkflowWorkers({
    scriptName: EXAMPLE_SCRIPT_NAME, account: account_id, classes: EXAMPLE_WORKFLOWS, redisUrl: testRedisUrl(),
    keyPrefix: server.prefix, lockMs: 5_000, log: pino({ level: 'silent' }),
  });
  listener = await serveOverHttp(server.app);
  cf = recordingCloudflareClient(listener.url, sent);
});

afterAll(async () => {
  await listener.close();
  await workers.close();
  await server.close();
});

const order = (orderId: string, amount: number) => JSON.stringify({ orderId, amount });

async function until(id: string, statuses: string[]) {
  return eventually(async () => {
    const got = await cf.workflows.instances.get(id, { account_id, workflow_name });
    return statuses.includes(got.status) ? got : undefined;
  }, 20_000, `${id} to be ${statuses.join(' or ')}`);
}

it('workflows.update creates the workflow and then new versions; get, list (auto-paging), versions', async () => {
  const first = await cf.workflows.update(workflow_name, { account_id, class_name: 'OrderWorkflow', script_name: EXAMPLE_SCRIPT_NAME });
  const second = await cf.workflows.update(workflow_name, { account_id, class_name: 'OrderWorkflow', script_name: EXAMPLE_SCRIPT_NAME });
  expect(first).toMatchObject({ name: workflow_name, class_name: 'OrderWorkflow', script_name: EXAMPLE_SCRIPT_NAME, is_deleted: 0 });
  expect(second.id).toBe(first.id);
  expect(second.version_id).not.toBe(first.version_id);
  await cf.workflows.update('orders-archive', { account_id, class_name: 'OrderWorkflow', script_name: EXAMPLE_SCRIPT_NAME });

  expect(await cf.workflows.get(workflow_name, { account_id })).toMatchObject({
    id: first.id, name: workflow_name, class_name: 'OrderWorkflow', instances: { queued: 0, complete: 0 },
  });
  sent.length = 0;
  const names: string[] = [];
  for await (const w of cf.workflows.list({ account_id, per_page: 1 })) names.push(w.name);
  expect(names).toEqual([workflow_name, 'orders-archive']);
  expect(sent.filter((r) => r.startsWith('GET ?'))).toHaveLength(3); // two pages and an empty one

  const versions: string[] = [];
  for await (const v of cf.workflows.versions.list(workflow_name, { account_id, per_page: 1 })) versions.push(v.id);
  expect(versions).toEqual([second.version_id, first.version_id]);
  expect(await cf.workflows.versions.get(first.version_id ?? '', { account_id, workflow_name })).toMatchObject({
    id: first.version_id, workflow_id: first.id, class_name: 'OrderWorkflow', has_dag: false,
  });
  expect(await cf.workflows.delete('orders-archive', { account_id })).toEqual({ status: 'ok', success: true });
});

it('instances: create, a used id refused once, bulk, list (auto-paging), events, get with the steps log', async () => {
  const created = await cf.workflows.instances.create(workflow_name, { account_id, instance_id: 'order-1', params: order('o1', 25) });
  expect(created).toMatchObject({ id: 'order-1', status: 'queued' });
  sent.length = 0;
  const taken = await cf.workflows.instances.create(workflow_name, { account_id, instance_id: 'order-1' }).catch((e: unknown) => e);
  expect(taken).toBeInstanceOf(Cloudflare.ConflictError);
  expect(sent).toHaveLength(1); // x-should-retry: false
  const bulk = [];
  for await (const item of cf.workflows.instances.bulk(workflow_name, {
    account_id, body: [{ instance_id: 'order-2', params: order('o2', 10) }, { instance_id: 'order-3', params: order('o3', 5) }, { instance_id: 'order-4', params: order('o4', 0) }],
  })) bulk.push(item.id);
  expect(bulk).toEqual(['order-2', 'order-3', 'order-4']);

  sent.length = 0;
  const listed: string[] = [];
  for await (const i of cf.workflows.instances.list(workflow_name, { account_id, per_page: 3 })) listed.push(i.id);
  expect(listed.sort()).toEqual(['order-1', 'order-2', 'order-3', 'order-4']);
  expect(sent.filter((r) => r.startsWith('GET /orders/instances?'))).toHaveLength(3);

  await cf.workflows.instances.events.create('approval', { account_id, workflow_name, instance_id: 'order-1', body: { approved: true } });
  const shipped = await until('order-1', ['complete', 'errored']);
  expect(shipped.output).toEqual({ orderId: 'o1', status: 'shipped', trackingNumber: 'trk-res-o1' });
  expect(shipped.steps?.map((s: any) => s.name ?? s.type)).toEqual(['reserve stock-1', 'charge card-1', 'cool-off-1', 'manager approval-1', 'ship-1']);
  const charge = shipped.steps?.[1] as any;
  expect(charge.attempts.map((a: any) => a.error?.message ?? 'ok')).toEqual(['payment gateway unavailable', 'ok']);

  const step = (name: string, type: 'step' | 'waitForEvent', attempt?: number) =>
    cf.workflows.instances.step('order-1', { account_id, workflow_name, name, type, ...(attempt === undefined ? {} : { attempt }) });
  expect(await step('charge card-1', 'step')).toEqual({ status: 'complete', error: null, output: { chargeId: 'ch-o1', amount: 25 } });
  expect(await step('charge card-1', 'step', 1)).toEqual({ status: 'errored', error: { name: 'Error', message: 'payment gateway unavailable' } });
  expect(await step('manager approval-1', 'waitForEvent')).toMatchObject({ status: 'complete', event_type: 'approval', output: { payload: { approved: true } } });
  expect(await step('charge card-2', 'step').catch((e: unknown) => e)).toBeInstanceOf(Cloudflare.NotFoundError);

  const refusedAmount = await until('order-4', ['errored']);
  expect(refusedAmount.error).toEqual({ name: 'NonRetryableError', message: 'amount must be positive, not 0' });
  const simple = await cf.workflows.instances.get('order-4', { account_id, workflow_name, simple: 'true' });
  expect(simple.steps).toBeUndefined();
});

it('instances.status.edit: pause, resume, terminate, restart; then the workflow is deleted', async () => {
  const edit = (id: string, status: 'pause' | 'resume' | 'terminate' | 'restart') =>
    cf.workflows.instances.status.edit(id, { account_id, workflow_name, status });
  expect((await edit('order-2', 'pause')).status).toMatch(/^(paused|waitingForPause)$/);
  await until('order-2', ['paused']);
  expect((await edit('order-2', 'resume')).status).toBe('queued');
  expect((await edit('order-2', 'terminate')).status).toBe('terminated');
  expect((await edit('order-2', 'restart')).status).toBe('queued');
  await cf.workflows.instances.events.create('approval', { account_id, workflow_name, instance_id: 'order-2', body: { approved: false } });
  expect((await until('order-2', ['complete'])).output).toEqual({ orderId: 'o2', status: 'refunded' });
  expect((await edit('order-3', 'terminate')).status).toBe('terminated');

  expect(await cf.workflows.delete(workflow_name, { account_id })).toEqual({ status: 'ok', success: true });
  const gone = await cf.workflows.get(workflow_name, { account_id }).catch((e: unknown) => e);
  expect(gone).toBeInstanceOf(Cloudflare.NotFoundError);
  expect((gone as InstanceType<typeof Cloudflare.NotFoundError>).errors).toEqual([{ code: 10200, message: expect.any(String) }]);
});
