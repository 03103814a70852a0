// A human approval: small expenses are paid at once; larger ones wait for a manager's decision,
// posted as an event (from any app, or the CLI), then are paid or refused.
//
//   REDIS_URL=<Colt's Redis> npm run example:approval -- 250
//   # in another terminal, as the manager (the example prints the WfRun id):
//   npm run colt -- postEvent <wfRunId> expense-decision JSON_OBJ '{"approved": true, "by": "ann"}'
//
// With `--approve-as <name>` the example posts the manager's approval itself.
import { Workflow } from 'colt/builder';
import { defineTask, runTaskWorkers } from 'colt/worker';
import { API, call, HEADERS, waitForEnd } from './support/colt-api.ts';

const payExpense = defineTask('pay-expense', { inputs: { employee: 'STR', amount: 'DOUBLE' }, returns: 'STR' }, ({ employee, amount }, ctx) => {
  ctx.log(`paying ${amount} to ${employee} (payment key ${ctx.idempotencyKey})`);
  return `paid ${amount} to ${employee}`;
});

const notifyRefused = defineTask('notify-refused', { inputs: { employee: 'STR', by: 'STR' } }, ({ employee, by }) => `told ${employee} that ${by} refused`);

const expense = new Workflow('expense-approval', (wf) => {
  const employee = wf.declareStr('employee').required().searchable();
  const amount = wf.declareDouble('amount').required();
  const decision = wf.declareJsonObj('decision').withDefault({ approved: true, by: 'policy' });
  wf.doIf(wf.condition(amount, '>=', 100), (t) => {
    decision.assign(t.waitForEvent('expense-decision').timeout(7 * 24 * 3600));
  });
  wf.doIf(wf.condition(decision.jsonPath('$.approved'), '==', true), (t) => {
    t.complete(t.execute(payExpense, employee, amount));
  }).doElse((t) => {
    t.execute(notifyRefused, employee, decision.jsonPath('$.by'));
    t.fail('expense-refused', 'the manager refused the expense');
  });
});

const args = process.argv.slice(2);
const approver = args.includes('--approve-as') ? args[args.indexOf('--approve-as') + 1] : undefined;
const amount = Number(args.find((a) => /^\d+(\.\d+)?$/.test(a)) ?? '250');

const workers = await runTaskWorkers([payExpense, notifyRefused]);
await call('POST', '/externalEventDef', { name: 'expense-decision' });
await expense.register(API, { headers: HEADERS });

const started = await call('POST', '/wfRun', { wfSpecName: 'expense-approval', variables: { employee: 'obi', amount } });
if (amount >= 100) {
  console.log(`WfRun ${started.id} waits for a decision: colt postEvent ${started.id} expense-decision JSON_OBJ '{"approved": true, "by": "ann"}'`);
  if (approver) {
    await call('POST', `/wfRun/${started.id}/externalEvent/expense-decision`, { content: { jsonObj: { approved: true, by: approver } } });
  }
}
const wfRun = await waitForEnd(started.id);
console.log(`WfRun ${wfRun.id}: ${wfRun.status}, output ${JSON.stringify(wfRun.threadRuns[0]?.output ?? null)}`);
await workers.drain();
process.exit(wfRun.status === 'COMPLETED' ? 0 : 1);
