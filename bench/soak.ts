// `npm run soak`: keeps a steady stream of 3-task WfRuns going through Colt on a private Redis for a
// while and prints Redis memory as it goes, to show that retention keeps it bounded: finished runs go
// after their WfSpec's `retentionPolicy`, BullMQ keeps at most its capped count of finished jobs.
// A script that prints figures, not a test.
//   npm run soak -- [--minutes 5] [--rate 100] [--retention 10]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { buildServer } from '../src/main/colt.ts';
import { startPrivateRedis } from '../src/main/private-redis.ts';
import { startTaskWorkers } from '../workers/sdk/index.ts';
import { chainSpecRequest } from '../test/support/specs.ts';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    rate: { type: 'string', default: '100' },
    retention: { type: 'string', default: '10' },
  },
});
const DURATION_MS = Number(args.minutes) * 60_000;
const RUNS_PER_SECOND = Number(args.rate);
const RETENTION_SECONDS = Number(args.retention);
const SAMPLE_MS = 10_000;

const dir = await mkdtemp(join(tmpdir(), 'colt-soak-'));
const redis = await startPrivateRedis({ dataDir: dir, durable: false });
const log = pino({ level: 'warn' });
const server = buildServer(redis.url, {
  keyPrefix: 'soak', bookmarkSecret: 'soak', pollWaitMs: 1000, taskLockMs: 30_000, outboxSweepMs: 2_000,
  timerPollMs: 250, bodyLimit: '1mb', rateLimitPerMinute: 0,
}, log);
server.startLoops();
const probe = new Redis(redis.url);
const step = {
  taskDef: { name: 'soak-step', inputVars: [{ name: 'x', typeDef: { primitiveType: 'STR' } }], returnType: { returnType: { primitiveType: 'STR' } } },
  handler: ({ x }: Record<string, unknown>) => `${String(x)}.`,
};
const workers = await startTaskWorkers(server.engine, [step], log, { concurrency: 50 });
await server.metadata.putWfSpec('default', {
  ...chainSpecRequest('soak-chain', ['soak-step', 'soak-step', 'soak-step']),
  retentionPolicy: { secondsAfterWfTermination: RETENTION_SECONDS },
});

let started = 0;
let failed = 0;
const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await probe.info('memory'))?.[1] ?? NaN);
const runKeys = async () => (await probe.keys('*:run:*')).length;
/** Keys grouped by their shape (ids and numbers starred), largest first. */
async function memoryByPattern(): Promise<Array<[string, { keys: number; bytes: number }]>> {
  const groups = new Map<string, { keys: number; bytes: number }>();
  for await (const batch of probe.scanStream({ count: 1000 }) as AsyncIterable<string[]>) {
    for (const key of batch) {
      const pattern = key.replace(/[0-9a-f]{16,}|\d+/g, '*');
      const group = groups.get(pattern) ?? { keys: 0, bytes: 0 };
      group.keys++;
      group.bytes += Number(await probe.memory('USAGE', key)) || 0;
      groups.set(pattern, group);
    }
  }
  return [...groups].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 12);
}
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1).padStart(7);

console.log(`soak: ${RUNS_PER_SECOND} WfRuns/s of a 3-task chain for ${args.minutes} min, retention ${RETENTION_SECONDS} s`);
console.log(`${'t (s)'.padStart(6)} ${'started'.padStart(8)} ${'failed'.padStart(7)} ${'runs kept'.padStart(10)} ${'MiB used'.padStart(9)}`);
const baseline = await usedMemory();
const t0 = Date.now();
const sample = async () =>
  console.log(`${String(Math.round((Date.now() - t0) / 1000)).padStart(6)} ${String(started).padStart(8)} ${String(failed).padStart(7)} ${String(await runKeys()).padStart(10)} ${mib(await usedMemory())}`);
const sampler = setInterval(() => void sample(), SAMPLE_MS);
const starter = setInterval(() => {
  for (let i = 0; i < RUNS_PER_SECOND / 10; i++) {
    started++;
    server.wfRuns.runWf('default', { wfSpecName: 'soak-chain', variables: { input: 'x' } }).catch(() => failed++);
  }
}, 100);

await new Promise((resolve) => setTimeout(resolve, DURATION_MS));
clearInterval(starter);
// Let the last runs finish and pass their retention.
await new Promise((resolve) => setTimeout(resolve, (RETENTION_SECONDS + 10) * 1000));
clearInterval(sampler);
await sample();
console.log('what the memory is held by (key pattern, keys, KiB):');
for (const [pattern, { keys, bytes }] of await memoryByPattern()) console.log(`  ${pattern.padEnd(60)} ${String(keys).padStart(7)} ${(bytes / 1024).toFixed(0).padStart(8)}`);
console.log(`Redis used memory: ${mib(baseline).trim()} MiB before, ${mib(await usedMemory()).trim()} MiB after ${started} WfRuns; runs left: ${await runKeys()}`);

await Promise.all(workers.map((w) => w.close()));
await server.close();
await probe.quit();
await redis.stop();
await rm(dir, { recursive: true, force: true });
