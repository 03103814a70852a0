// Your first workflow: a task written with defineTask, a workflow written with the builder, a
// worker serving the task, and one run of the workflow, start to finish.
//
//   npm start                                  # Colt, printing its API and Redis URLs
//   REDIS_URL=<printed Redis URL> npm run example:first-workflow -- Ada
import { Workflow } from 'colt/builder';
import { defineTask, runTaskWorkers } from 'colt/worker';

// 1. A task: its inputs and return type become the TaskDef, registered when the worker starts.
const sayHello = defineTask('say-hello', { inputs: { name: 'STR' }, returns: 'STR' }, async ({ name }, ctx) => {
  ctx.log(`saying hello to ${name}`); // kept in the TaskRun's logOutput
  return `Hello, ${name}!`;
});

// 2. A workflow: one required input, one task, its output is the workflow's output.
const hello = new Workflow('hello', (wf) => {
  const name = wf.declareStr('name').required().searchable();
  wf.complete(wf.execute(sayHello, name).withRetries(2));
});

// 3. Serve the task, register the workflow, run it and wait for its result.
const api = process.env.COLT_API_URL ?? 'http://localhost:2023';
const headers: Record<string, string> = process.env.COLT_API_KEY ? { authorization: `Bearer ${process.env.COLT_API_KEY}` } : {};
const workers = await runTaskWorkers([sayHello]);
await hello.register(api, { headers });

const name = process.argv[2] ?? 'world';
const started = await call('POST', '/wfRun', { wfSpecName: 'hello', variables: { name } });
let wfRun = started;
while (wfRun.status === 'RUNNING') {
  await new Promise((resolve) => setTimeout(resolve, 200));
  wfRun = await call('GET', `/wfRun/${started.id}`);
}
console.log(`WfRun ${wfRun.id}: ${wfRun.status}, output ${JSON.stringify(wfRun.threadRuns[0]?.output)}`);
await workers.drain();
process.exit(wfRun.status === 'COMPLETED' ? 0 : 1);

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(api + path, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body ? { body: JSON.stringify(body) } : {}) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; status: string; threadRuns: Array<{ output?: unknown }> };
}
