// An example code workflow, written as for Cloudflare Workflows: reserve stock, charge the card (a
// step that fails its first attempt and is retried with backoff), cool off, wait for a manager's
// approval event, then ship or refund. `npm run worker` runs it under the script name below; register
// it with PUT /accounts/default/workflows/order {"class_name":"OrderWorkflow","script_name":"colt-examples"}.
import { NonRetryableError, WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from '../cloudflare/index.ts';

export interface OrderParams { orderId: string; amount: number }

export class OrderWorkflow extends WorkflowEntrypoint<unknown, OrderParams> {
  async run(event: WorkflowEvent<OrderParams>, step: WorkflowStep) {
    const { orderId, amount } = event.payload;
    const reservation = await step.do('reserve stock', async () => ({ reservationId: `res-${orderId}` }));
    const charge = await step.do(
      'charge card',
      { retries: { limit: 3, delay: '1 second', backoff: 'exponential' }, timeout: '30 seconds' },
      async (ctx) => {
        if (!(amount > 0)) throw new NonRetryableError(`amount must be positive, not ${amount}`);
        if (ctx.attempt === 1) throw new Error('payment gateway unavailable'); // a flaky gateway: the retry succeeds
        return { chargeId: `ch-${orderId}`, amount };
      },
    );
    await step.sleep('cool-off', '2 seconds');
    const approval = await step.waitForEvent<{ approved: boolean }>('manager approval', { type: 'approval', timeout: '1 hour' });
    if (!approval.payload.approved) {
      await step.do('refund', async () => ({ refunded: charge.chargeId }));
      return { orderId, status: 'refunded' };
    }
    const shipment = await step.do('ship', async () => ({ trackingNumber: `trk-${reservation.reservationId}` }));
    return { orderId, status: 'shipped', ...shipment };
  }
}

/** The script name the example workers serve, and its classes. */
export const EXAMPLE_SCRIPT_NAME = 'colt-examples';
export const EXAMPLE_WORKFLOWS = { OrderWorkflow };
