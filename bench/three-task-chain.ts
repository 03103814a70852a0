// `npm run bench`: N WfRuns of a 3-TASK WfSpec through Colt, and the same 3-step chain hand-rolled
// with plain BullMQ, on the same private Redis in the same run. Prints runs/s, the ratio, and
// p50/p99 latency, in a burst (all runs at once) and one at a time. A script, not a test.
//   npm run bench -- [--runs 2000] [--serial 200] [--concurrency 50] [--durable]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { buildServer } from '../src/main/colt.ts';
import { startPrivateRedis } from '../src/main/private-redis.ts';
import { startTaskWorkers } from '../workers/sdk/index.ts';
import { chainSpecRequest } from '../test/support/specs.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '2000' },
    serial: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '50' },
    durable: { type: 'boolean', default: false },
  },
});
const RUNS = Number(args.runs);
const SERIAL = Number(args.serial);
const CONCURRENCY = Number(args.concurrency);

/** One contender: start a chain with input 0, resolve when its 3rd step is done. */
interface Contender {
  name: string;
  start(id: string): Promise<void>;
  done: Map<string, () => void>;
  close(): Promise<void>;
}

interface Figures { runsPerSecond: number; p50: number; p99: number }

async function measure(contender: Contender, ids: string[], oneAtATime: boolean): Promise<Figures> {
  const latencies: number[] = [];
  const runOne = async (id: string) => {
    const started = performance.now();
    const finished = new Promise<void>((resolve) => contender.done.set(id, resolve));
    await contender.start(id);
    await finished;
    latencies.push(performance.now() - started);
  };
  const t0 = performance.now();
  if (oneAtATime) for (const id of ids) await runOne(id);
  else await Promise.all(ids.map(runOne));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { runsPerSecond: ids.length / seconds, p50: at(0.5), p99: at(0.99) };
}

async function colt(redisUrl: string): Promise<Contender> {
  const server = buildServer(redisUrl, { keyPrefix: 'bench-colt', bookmarkSecret: 'bench', pollWaitMs: 1000, taskLockMs: 30_000, outboxSweepMs: 60_000, timerPollMs: 1_000, bodyLimit: '1mb', rateLimitPerMinute: 0 }, pino({ level: 'warn' }));
  const done = new Map<string, () => void>();
  const log = pino({ level: 'warn' });
  const step = { taskDef: { name: 'bench-step', inputVars: [{ name: 'x', typeDef: { primitiveType: 'INT' } }], returnType: { returnType: { primitiveType: 'INT' } } }, handler: ({ x }: Record<string, unknown>) => Number(x) + 1 };
  const workers = await startTaskWorkers(server.engine, [step], log, {
    concurrency: CONCURRENCY,
    onReported: (task) => {
      if (task.source.taskNode?.nodeRunId.position === 3) done.get(task.taskRunId.wfRunId)?.();
    },
  });
  const spec = chainSpecRequest('bench-chain', ['bench-step', 'bench-step', 'bench-step']);
  const defs = spec.threadSpecs.entrypoint as { variableDefs: Array<{ varDef: { typeDef: { primitiveType: string } } }> };
  for (const d of defs.variableDefs) d.varDef.typeDef.primitiveType = 'INT';
  await server.metadata.putWfSpec('default', spec);
  return {
    name: 'Colt',
    done,
    start: async (id) => void (await server.wfRuns.runWf('default', { wfSpecName: 'bench-chain', id, variables: { input: 0 } })),
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await server.close();
    },
  };
}

async function plainBullmq(redisUrl: string): Promise<Contender> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const opts = { connection, prefix: 'bench-bullmq' };
  const queues = [1, 2, 3].map((i) => new Queue(`chain-${i}`, opts));
  const done = new Map<string, () => void>();
  const jobOptions = { removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600 } };
  const workers = [0, 1, 2].map(
    (i) =>
      new Worker(
        `chain-${i + 1}`,
        async (job) => {
          const next = { id: job.data.id as string, x: Number(job.data.x) + 1 };
          const queue = queues[i + 1];
          if (queue) await queue.add('step', next, { ...jobOptions, jobId: `${next.id}-${i + 2}` });
        },
        { ...opts, concurrency: CONCURRENCY },
      ),
  );
  workers[2]?.on('completed', (job) => done.get(job.data.id as string)?.());
  return {
    name: 'BullMQ chain',
    done,
    start: async (id) => void (await queues[0]?.add('step', { id, x: 0 }, { ...jobOptions, jobId: `${id}-1` })),
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(queues.map((q) => q.close()));
      await connection.quit();
    },
  };
}

function row(label: string, a: Figures, b: Figures): string {
  const f = (n: number) => n.toFixed(1).padStart(8);
  return `${label.padEnd(10)} ${f(a.runsPerSecond)} ${f(b.runsPerSecond)} ${(a.runsPerSecond / b.runsPerSecond).toFixed(2).padStart(7)}x ${f(a.p50)} ${f(a.p99)} ${f(b.p50)} ${f(b.p99)}`;
}

const dir = await mkdtemp(join(tmpdir(), 'colt-bench-'));
const redis = await startPrivateRedis({ dataDir: dir, durable: args.durable });
try {
  const contenders = [await colt(redis.url), await plainBullmq(redis.url)] as const;
  const ids = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag}-${i}`);
  // Warm up both (JIT, scripts, connections), then alternate who goes first.
  for (const c of contenders) await measure(c, ids(`warm-${c.name.length}`, 200), false);
  const burst = { colt: await measure(contenders[0], ids('burst', RUNS), false), bull: await measure(contenders[1], ids('burst', RUNS), false) };
  const serial = { bull: await measure(contenders[1], ids('serial', SERIAL), true), colt: await measure(contenders[0], ids('serial', SERIAL), true) };
  console.log(`\n3-task chain, ${RUNS} runs in a burst and ${SERIAL} one at a time; task concurrency ${CONCURRENCY}; Redis ${args.durable ? 'AOF everysec' : 'in memory'}`);
  console.log(`${''.padEnd(10)} ${'Colt/s'.padStart(8)} ${'BullMQ/s'.padStart(8)} ${'ratio'.padStart(8)} ${'Colt p50'.padStart(8)} ${'p99 ms'.padStart(8)} ${'Bull p50'.padStart(8)} ${'p99 ms'.padStart(8)}`);
  console.log(row('burst', burst.colt, burst.bull));
  console.log(row('serial', serial.colt, serial.bull));
  for (const c of contenders) await c.close();
} finally {
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
}
