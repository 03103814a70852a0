// An order: reserve stock (the warehouse API is flaky, so the task retries with exponential
// backoff), wait for the payment event, refuse an underpaid order, then ship.
//
//   REDIS_URL=<Colt's Redis> npm run example:order -- 30      # pays 30 for a 25.50 order
import { Workflow } from 'colt/builder';
import { defineTask, runTaskWorkers, TaskException } from 'colt/worker';
import { call, HEADERS, API, waitForEnd } from './support/colt-api.ts';

const reserveStock = defineTask('reserve-stock', { inputs: { orderId: 'STR', items: 'JSON_ARR' }, returns: 'STR' }, ({ orderId, items }, ctx) => {
  if (ctx.attemptNumber === 0) throw new Error('the warehouse API timed out'); // technical: retried
  if (items.length === 0) throw new TaskException('out-of-stock', 'nothing to reserve'); // business: not retried
  ctx.log(`reserved ${items.length} item(s) for ${orderId}, key ${ctx.idempotencyKey}`);
  return `reservation-${orderId}`;
});

const shipOrder = defineTask('ship-order', { inputs: { orderId: 'STR', reservation: 'STR' }, returns: 'STR' }, ({ orderId, reservation }) => `shipped ${orderId} (${reservation})`);

const order = new Workflow('order', (wf) => {
  const orderId = wf.declareStr('order-id').required().searchable();
  const items = wf.declareJsonArr('items').required();
  const total = wf.declareDouble('total').required();
  const reservation = wf.declareStr('reservation');
  const payment = wf.declareJsonObj('payment');
  reservation.assign(wf.execute(reserveStock, orderId, items).withRetries(3).withExponentialBackoff({ baseIntervalMs: 200, multiplier: 2, maxDelayMs: 2_000 }));
  payment.assign(wf.waitForEvent('payment-received').timeout(3_600));
  wf.doIf(wf.condition(payment.jsonPath('$.amount'), '<', total), (t) => t.fail('underpaid', 'the payment does not cover the total'));
  wf.complete(wf.execute(shipOrder, orderId, reservation));
});

const workers = await runTaskWorkers([reserveStock, shipOrder]);
await call('POST', '/externalEventDef', { name: 'payment-received' });
await order.register(API, { headers: HEADERS });

const paid = Number(process.argv[2] ?? '25.5');
const orderId = `order-${Date.now()}`;
await call('POST', '/wfRun', { wfSpecName: 'order', id: orderId, variables: { 'order-id': orderId, items: ['book', 'pen'], total: 25.5 } });
// Events may arrive before the workflow waits for them: Colt keeps them for the run.
await call('POST', `/wfRun/${orderId}/externalEvent/payment-received`, { content: { jsonObj: { amount: paid } }, guid: `${orderId}-payment` });
const wfRun = await waitForEnd(orderId);
console.log(`WfRun ${orderId}: ${wfRun.status}, output ${JSON.stringify(wfRun.threadRuns[0]?.output ?? null)}`);
await workers.drain();
process.exit(wfRun.status === 'COMPLETED' ? 0 : 1);
