// A human approval: small expenses are paid at once; larger ones become a user task for the
// `managers` group. A manager completes it (from any app through the REST API, or with the CLI),
// and the expense is paid or refused.
//
//   REDIS_URL=<Colt's Redis> npm run example:approval -- 250
//   # in another terminal, as a manager (the example prints the WfRun id and the task's guid):
//   npm run colt -- complete userTaskRun <wfRunId> <userTaskGuid> --userId ann approved=true
//
// With `--approve-as <name>` the example completes the task itself, as that manager.
import { Workflow } from 'colt/builder';
import { defineTask, runTaskWorkers } from 'colt/worker';
import { API, call, HEADERS, waitForEnd } from './support/colt-api.ts';

const payExpense = defineTask('pay-expense', { inputs: { employee: 'STR', amount: 'DOUBLE' }, returns: 'STR' }, ({ employee, amount }, ctx) => {
  ctx.log(`paying ${amount} to ${employee} (payment key ${ctx.idempotencyKey})`);
  return `paid ${amount} to ${employee}`;
});

const notifyRefusal = defineTask('notify-refusal', { inputs: { employee: 'STR' }, returns: 'STR' }, ({ employee }) => `told ${employee} the expense was refused`);

// The form a manager fills in: a UserTaskDef (`colt deploy userTaskDef <file>` does the same).
const APPROVAL_FORM = {
  name: 'approve-expense',
  description: 'Approve or refuse an expense',
  fields: [
    { name: 'approved', type: 'BOOL', required: true, displayName: 'Approved?' },
    { name: 'comment', type: 'STR' },
  ],
};

const expense = new Workflow('expense-approval', (wf) => {
  const employee = wf.declareStr('employee').required().searchable();
  const amount = wf.declareDouble('amount').required();
  const decision = wf.declareJsonObj('decision').withDefault({ approved: true });
  wf.doIf(wf.condition(amount, '>=', 100), (t) => {
    const approval = t.assignUserTask('approve-expense', { userGroup: 'managers' })
      .withNotes(t.format('{0} asks for {1}', employee, amount))
      .releaseToGroupOnDeadline(24 * 3600); // a manager who claimed it and sat on it for a day loses it
    decision.assign(approval);
  });
  wf.doIf(wf.condition(decision.jsonPath('$.approved'), '==', true), (t) => {
    t.complete(t.execute(payExpense, employee, amount));
  }).doElse((t) => {
    t.execute(notifyRefusal, employee);
    t.fail('expense-refused', 'a manager refused the expense');
  });
});

const args = process.argv.slice(2);
const approver = args.includes('--approve-as') ? args[args.indexOf('--approve-as') + 1] : undefined;
const amount = Number(args.find((a) => /^\d+(\.\d+)?$/.test(a)) ?? '250');

const workers = await runTaskWorkers([payExpense, notifyRefusal]);
await call('POST', '/userTaskDef', APPROVAL_FORM);
await expense.register(API, { headers: HEADERS });

const started = await call('POST', '/wfRun', { wfSpecName: 'expense-approval', variables: { employee: 'obi', amount } });
if (amount >= 100) {
  const task = await userTaskOf(started.id);
  const guid = task.id.userTaskGuid;
  console.log(`WfRun ${started.id} waits for a manager: colt complete userTaskRun ${started.id} ${guid} --userId <you> approved=true`);
  if (approver) {
    await call('POST', `/wfRun/${started.id}/userTaskRun/${guid}/complete`, { userId: approver, results: { approved: true } });
  }
}
const wfRun = await waitForEnd(started.id);
console.log(`WfRun ${wfRun.id}: ${wfRun.status}, output ${JSON.stringify(wfRun.threadRuns[0]?.output ?? null)}`);
await workers.drain();
process.exit(wfRun.status === 'COMPLETED' ? 0 : 1);

/** The run's UserTaskRun, once the run has reached the USER_TASK node. */
async function userTaskOf(wfRunId: string) {
  for (;;) {
    const { results } = await call<{ results: Array<{ id: { userTaskGuid: string } }> }>('GET', `/wfRun/${wfRunId}/userTaskRun`);
    if (results[0]) return results[0];
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
