// A code workflow worker process for tests: serves TEST_WORKFLOWS under SCRIPT for ACCOUNT, counting
// step runs in Redis under COLT_KEY_PREFIX. Prints `ready` once started.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { startWorkflowWorkers } from '../../workers/cloudflare/index.ts';
import { TEST_WORKFLOWS } from './code-workflows.ts';

const need = (name: string) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const redisUrl = need('REDIS_URL');
const prefix = need('COLT_KEY_PREFIX');
const redis = new Redis(redisUrl);
const workers = startWorkflowWorkers({
  scriptName: need('SCRIPT'), account: need('ACCOUNT'), classes: TEST_WORKFLOWS, redisUrl, keyPrefix: prefix,
  lockMs: Number(process.env.LOCK_MS ?? 30_000), env: { redis, prefix }, log: pino({ level: 'warn' }),
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => void workers.close().then(() => redis.quit()).then(() => process.exit(0)));
