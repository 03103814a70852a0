// `npm run worker`: runs the example task workers against REDIS_URL until SIGTERM/SIGINT, then
// drains: running tasks finish and report within COLT_SHUTDOWN_GRACE_MS, the rest go back to their queues.
import { EXAMPLE_TASKS } from './examples/index.ts';
import { runTaskWorkers } from './sdk/index.ts';

try {
  await runTaskWorkers(EXAMPLE_TASKS);
} catch (err) {
  console.error(`npm run worker: ${(err as Error).message}`);
  process.exit(1);
}
