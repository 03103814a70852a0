// `npm run worker`: runs the example task workers and the example code workflows (account `default`)
// against REDIS_URL until SIGTERM/SIGINT, then drains running tasks (up to the grace period) and exits.
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { buildEngine } from '../src/main/colt.ts';
import { onShutdown } from '../src/main/shutdown.ts';
import { startWorkflowWorkers } from './cloudflare/index.ts';
import { EXAMPLE_TASKS } from './examples/index.ts';
import { EXAMPLE_SCRIPT_NAME, EXAMPLE_WORKFLOWS } from './examples/order-workflow.ts';
import { startTaskWorkers } from './sdk/index.ts';

const config = loadConfig();
const log = pino({ level: config.logLevel });
if (!config.redisUrl) {
  log.error('REDIS_URL is not set: `npm run worker` needs the Redis of a running Colt server');
  process.exit(1);
}
const engine = buildEngine(config.redisUrl, config, log);
const workers = await startTaskWorkers(engine, EXAMPLE_TASKS, log, {
  concurrency: config.workerConcurrency,
  lockMs: config.taskLockMs,
});
const workflows = startWorkflowWorkers({
  scriptName: EXAMPLE_SCRIPT_NAME, classes: EXAMPLE_WORKFLOWS, redisUrl: config.redisUrl, keyPrefix: config.keyPrefix,
  concurrency: config.workerConcurrency, log,
});
onShutdown(log, config.shutdownGraceMs, async () => {
  await Promise.all([...workers.map((w) => w.close()), workflows.close()]);
  await engine.close();
});
