// A worker process built with defineTask + runTaskWorkers whose task takes TASK_MS, so a test can
// send it SIGTERM mid-task and watch it drain.
import { defineTask, runTaskWorkers } from '../../../workers/sdk/index.ts';

const taskMs = Number(process.env.TASK_MS ?? '1000');
const slowEcho = defineTask('slow-echo', { inputs: { text: 'STR' }, returns: 'STR' }, async ({ text }, ctx) => {
  console.log(`started ${ctx.wfRunId}`);
  await new Promise((resolve) => setTimeout(resolve, taskMs));
  return `echo ${text}`;
});
await runTaskWorkers([slowEcho]);
console.log('worker ready');
