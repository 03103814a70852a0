// `npm run worker`: runs the example task workers and the example code workflows (script
// `colt-examples`, account `default`) against REDIS_URL until SIGTERM/SIGINT, then drains: running
// tasks finish and report within COLT_SHUTDOWN_GRACE_MS, the rest go back to their queues; workflow
// executions stop at once and are replayed from their recorded steps by the next worker.
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { startWorkflowWorkers } from './cloudflare/index.ts';
import { EXAMPLE_TASKS } from './examples/index.ts';
import { EXAMPLE_SCRIPT_NAME, EXAMPLE_WORKFLOWS } from './examples/order-workflow.ts';
import { runTaskWorkers } from './sdk/index.ts';

const config = loadConfig();
const log = pino({ level: config.logLevel });
try {
  const tasks = await runTaskWorkers(EXAMPLE_TASKS, { handleSignals: false, log });
  const workflows = startWorkflowWorkers({
    scriptName: EXAMPLE_SCRIPT_NAME, classes: EXAMPLE_WORKFLOWS, redisUrl: config.redisUrl as string,
    keyPrefix: config.keyPrefix, concurrency: config.workerConcurrency, log,
  });
  const stop = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'draining workers');
    Promise.all([tasks.drain(), workflows.close()]).then(
      ([allFinished]) => process.exit(allFinished ? 0 : 1),
      (err: unknown) => {
        log.error({ err }, 'error while draining workers');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (err) {
  console.error(`npm run worker: ${(err as Error).message}`);
  process.exit(1);
}
