// A worker process built with the SDK whose greet takes a while, so a test can kill it mid-task.
import { pino } from 'pino';
import { loadConfig } from '../../../src/config.ts';
import { buildEngine } from '../../../src/main/colt.ts';
import { onShutdown } from '../../../src/main/shutdown.ts';
import { greet } from '../../../workers/examples/greet.ts';
import { startTaskWorkers } from '../../../workers/sdk/index.ts';

const config = loadConfig();
const log = pino({ level: config.logLevel });
const engine = buildEngine(config.redisUrl as string, config, log);
const slowGreet = {
  ...greet,
  handler: async (inputs: Record<string, unknown>, context: Parameters<typeof greet.handler>[1]) => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    return greet.handler(inputs, context);
  },
};
const workers = await startTaskWorkers(engine, [slowGreet], log, { concurrency: 10, lockMs: config.taskLockMs });
console.log('worker ready');
onShutdown(log, 5_000, async () => {
  await Promise.all(workers.map((w) => w.close()));
  await engine.close();
});
