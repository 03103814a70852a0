// `npm start`: Colt all-in-one for local development. Without REDIS_URL it runs a private
// redis-server (data in ./.colt/redis, AOF on), then the server, the example task workers and the
// example code workflows (account `default`).
import { join } from 'node:path';
import { pino } from 'pino';
import { EXAMPLE_TASKS } from '../../workers/examples/index.ts';
import { startTaskWorkers } from '../../workers/sdk/index.ts';
import { startWorkflowWorkers } from '../../workers/cloudflare/index.ts';
import { EXAMPLE_SCRIPT_NAME, EXAMPLE_WORKFLOWS } from '../../workers/examples/order-workflow.ts';
import { loadConfig } from '../config.ts';
import { buildEngine } from './colt.ts';
import { RedisServerMissingError, startPrivateRedis, type PrivateRedis } from './private-redis.ts';
import { PortInUseError, startServer } from './server-role.ts';
import { onShutdown } from './shutdown.ts';

const config = loadConfig();
const log = pino({ level: config.logLevel });
let redis: PrivateRedis | undefined;

try {
  if (!config.redisUrl) {
    const dataDir = join(config.dataDir, 'redis');
    redis = await startPrivateRedis({ dataDir, durable: true, log: (line) => log.info(line) });
    log.info({ redis: redis.url, dataDir }, 'private redis-server started');
  }
  const redisUrl = config.redisUrl ?? (redis as PrivateRedis).url;
  const authEnabled = config.authEnabled ?? false; // local development runs open unless COLT_AUTH=on
  const server = await startServer(redisUrl, { ...config, authEnabled }, log);
  const workerEngine = buildEngine(redisUrl, config, log);
  const workers = await startTaskWorkers(workerEngine, EXAMPLE_TASKS, log, { concurrency: config.workerConcurrency, lockMs: config.taskLockMs });
  const workflows = startWorkflowWorkers({
    scriptName: EXAMPLE_SCRIPT_NAME, classes: EXAMPLE_WORKFLOWS, redisUrl, keyPrefix: config.keyPrefix, concurrency: config.workerConcurrency, log,
  });
  console.log(
    [
      '',
      `  Colt is running.`,
      `  API          ${server.url}`,
      `  API docs     ${server.url}/docs`,
      `  Queues       ${server.url}/admin/queues`,
      `  Redis        ${redisUrl}${redis ? ' (private, data in ' + join(config.dataDir, 'redis') + ')' : ''}`,
      `  Task workers ${EXAMPLE_TASKS.map((t) => t.taskDef.name).join(', ')}`,
      `  Workflows    script ${EXAMPLE_SCRIPT_NAME}: ${Object.keys(EXAMPLE_WORKFLOWS).join(', ')} (account default)`,
      authEnabled ? `  Auth         on: send Authorization: Bearer <key> (COLT_ADMIN_API_KEY)` : `  Auth         OFF: anyone who can reach this port can do anything (COLT_AUTH=on to require API keys)`,
      `  Ctrl-C stops everything.`,
      '',
    ].join('\n'),
  );
  onShutdown(log, config.shutdownGraceMs, async () => {
    await Promise.all([...workers.map((w) => w.close()), workflows.close()]);
    await workerEngine.close();
    await server.stop();
    await redis?.stop();
  });
} catch (err) {
  await redis?.stop();
  if (err instanceof RedisServerMissingError || err instanceof PortInUseError) {
    console.error(`colt: ${err.message}`);
  } else {
    log.error({ err }, 'Colt could not start');
  }
  process.exit(1);
}
