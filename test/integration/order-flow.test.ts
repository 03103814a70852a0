// An order flow through HTTP with real task workers: reserve stock, wait for the `payment-received`
// ExternalEvent, ship with the payment. The event is posted after the node is reached, or before
// (while stock is being reserved), and a guid posted twice counts once.
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTaskWorkers, type TaskDefinition, type TaskWorker } from '../../workers/sdk/index.ts';
import { expectOk } from '../support/api-client.ts';
import { eventually } from '../support/processes.ts';
import { startTestServer } from '../support/server.ts';
import { assign, entry, exit, output, task, threadSpec, varDef, variable, wfSpec } from '../support/spec-builder.ts';

const server = startTestServer('order-flow');
// Task workers serve the default tenant, so these requests carry no Tenant-Id.
const get = (path: string) => request(server.app).get(path);
const post = (path: string, body: object) => request(server.app).post(path).send(body);
let workers: TaskWorker[] = [];

/** Reservations hold until the test lets them go, so that an event can be posted before the wait is reached. */
const held = new Map<string, () => void>();
const shipped: string[] = [];
const STR = { primitiveType: 'STR' as const };
const TASKS: TaskDefinition[] = [
  {
    taskDef: { name: 'reserve-stock', inputVars: [{ name: 'order', typeDef: STR }], returnType: { returnType: STR } },
    handler: async ({ order }) => {
      await new Promise<void>((resolve) => held.set(String(order), resolve));
      return `reserved ${String(order)}`;
    },
  },
  {
    taskDef: { name: 'ship-order', inputVars: [{ name: 'order', typeDef: STR }, { name: 'payment', typeDef: { primitiveType: 'JSON_OBJ' } }], returnType: { returnType: STR } },
    handler: ({ order, payment }) => {
      shipped.push(`${String(order)} paid ${JSON.stringify(payment)}`);
      return `shipped ${String(order)}`;
    },
  },
];

beforeAll(async () => {
  workers = await startTaskWorkers(server.colt.engine, TASKS, pino({ level: 'silent' }), { concurrency: 4, lockMs: 5_000 });
  expectOk(await post('/externalEventDef', { name: 'payment-received', contentType: { returnType: { primitiveType: 'JSON_OBJ' } } }));
  const spec = wfSpec('order', {
    entrypoint: threadSpec(
      [
        entry(),
        task('reserve', 'reserve-stock', [variable('order')]),
        {
          name: 'payment',
          body: { externalEvent: { externalEventDefId: { name: 'payment-received' } } },
          edges: [{ sinkNodeName: 'ship', variableMutations: [assign('paid', output('payment'))] }],
        },
        task('ship', 'ship-order', [variable('order'), variable('paid')]),
        exit({ returnContent: output('ship') }),
      ],
      [varDef('order', 'STR', { required: true }), varDef('paid', 'JSON_OBJ')],
    ),
  });
  expectOk(await post('/wfSpec', spec));
});

afterAll(async () => {
  for (const release of held.values()) release();
  await Promise.all(workers.map((w) => w.close()));
  await server.close();
});

const release = (order: string) => eventually(async () => held.get(order), 10_000, `${order} to be reserving`).then((r) => r());

async function ended(id: string) {
  return eventually(async () => {
    const res = await get(`/wfRun/${id}`);
    return res.body.status === 'RUNNING' ? undefined : res.body;
  }, 10_000, `${id} to end`);
}

describe('an order waiting for payment-received', () => {
  it('takes a payment posted after it reached the wait, and ships with it', async () => {
    expectOk(await post('/wfRun', { wfSpecName: 'order', id: 'o-after', variables: { order: 'A-1' } }));
    await release('A-1');
    await eventually(async () => ((await get('/nodeRun/o-after/0/2')).body.status === 'RUNNING' ? true : undefined), 10_000, 'the wait');
    const posted = await post('/wfRun/o-after/externalEvent/payment-received', { content: { jsonObj: { amount: 42 } }, guid: 'pay-1' });
    expect(posted.body).toMatchObject({ claimed: true, threadRunNumber: 0, nodeRunPosition: 2 });
    const run = await ended('o-after');
    expect(run).toMatchObject({ status: 'COMPLETED', threadRuns: [{ output: { str: 'shipped A-1' } }] });
    expect(shipped).toContain('A-1 paid {"amount":42}');
  });

  it('keeps a payment posted while stock is still being reserved, and claims it on reaching the wait', async () => {
    expectOk(await post('/wfRun', { wfSpecName: 'order', id: 'o-before', variables: { order: 'B-1' } }));
    await eventually(async () => held.get('B-1'), 10_000, 'B-1 to be reserving');
    const posted = await post('/wfRun/o-before/externalEvent/payment-received', { content: { jsonObj: { amount: 7 } }, guid: 'pay-2' });
    expect(posted.body).toMatchObject({ claimed: false, id: { guid: 'pay-2' } });
    expect((await get('/wfRun/o-before')).body.status).toBe('RUNNING');
    await release('B-1');
    const run = await ended('o-before');
    expect(run.status).toBe('COMPLETED');
    expect((await get('/wfRun/o-before/externalEvent/payment-received/pay-2')).body).toMatchObject({ claimed: true, nodeRunPosition: 2 });
    expect(shipped).toContain('B-1 paid {"amount":7}');
  });

  it('a payment guid posted twice counts once: the second post returns the first event and pays nothing more', async () => {
    expectOk(await post('/wfRun', { wfSpecName: 'order', id: 'o-dup', variables: { order: 'C-1' } }));
    const first = await post('/wfRun/o-dup/externalEvent/payment-received', { content: { jsonObj: { amount: 5 } }, guid: 'pay-3' });
    expectOk(first);
    const again = await post('/wfRun/o-dup/externalEvent/payment-received', { content: { jsonObj: { amount: 500 } }, guid: 'pay-3' });
    expectOk(again);
    expect(again.body).toEqual(first.body);
    await release('C-1');
    expect((await ended('o-dup')).status).toBe('COMPLETED');
    expect((await get('/wfRun/o-dup/externalEvent')).body.results).toHaveLength(1);
    expect(shipped).toContain('C-1 paid {"amount":5}');
    // After the claim, the same guid still answers the event as stored.
    const late = await post('/wfRun/o-dup/externalEvent/payment-received', { content: { jsonObj: { amount: 1 } }, guid: 'pay-3' });
    expect(late.body).toMatchObject({ content: { jsonObj: { amount: 5 } }, claimed: true });
  });
});
