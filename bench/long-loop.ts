// `npm run bench:loop`: one WfRun looping over a TASK (a doWhile with a counter) N times, on a private
// Redis, one task at a time. Prints the time per iteration as the run grows (each iteration adds
// NodeRuns and a TaskRun to the same WfRun), to show what a long run costs per step. A script, not a test.
//   npm run bench:loop -- [--iterations 1000]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { Workflow } from '../src/builder/index.ts';
import { buildServer } from '../src/main/colt.ts';
import { startPrivateRedis } from '../src/main/private-redis.ts';
import { startTaskWorkers } from '../workers/sdk/index.ts';

const { values: args } = parseArgs({ options: { iterations: { type: 'string', default: '1000' } } });
const N = Number(args.iterations);
const WINDOW = 100;

const dir = await mkdtemp(join(tmpdir(), 'colt-bench-loop-'));
const redis = await startPrivateRedis({ dataDir: dir, durable: false });
const log = pino({ level: 'warn' });
const server = buildServer(redis.url, { keyPrefix: 'bench-loop', bookmarkSecret: 'bench', pollWaitMs: 1000, taskLockMs: 30_000, outboxSweepMs: 60_000, timerPollMs: 1_000, bodyLimit: '1mb', rateLimitPerMinute: 0 }, log);
const ticks: number[] = [];
const tick = {
  taskDef: { name: 'bench-tick', inputVars: [{ name: 'i', typeDef: { primitiveType: 'INT' as const } }], returnType: { returnType: { primitiveType: 'INT' as const } } },
  handler: ({ i }: Record<string, unknown>) => {
    ticks.push(performance.now());
    return Number(i) + 1;
  },
};
const workers = await startTaskWorkers(server.engine, [tick], log, { concurrency: 1 });
try {
  const loop = new Workflow('bench-loop', (wf) => {
    const i = wf.declareInt('i').withDefault(0);
    wf.doWhile(wf.condition(i, '<', N), (body) => i.assign(body.execute('bench-tick', i)));
  });
  await server.metadata.putWfSpec('default', loop.compile() as never);
  await server.wfRuns.runWf('default', { wfSpecName: 'bench-loop', id: 'loop-1', variables: {} });
  while (ticks.length < N) await new Promise((resolve) => setTimeout(resolve, 50));
  console.log(`\none WfRun, ${N} iterations of a TASK in a doWhile, one at a time; ms per iteration:`);
  const ends = [...new Set([WINDOW, ...[1, 2, 3, 4, 5].map((k) => Math.round((N * k) / 5))])].filter((end) => end >= WINDOW);
  for (const end of ends) {
    const ms = (ticks[end - 1]! - ticks[end - WINDOW]!) / (WINDOW - 1);
    console.log(`  iterations ${String(end - WINDOW + 1).padStart(5)}-${String(end).padEnd(5)} ${ms.toFixed(2).padStart(8)}`);
  }
} finally {
  await Promise.all(workers.map((w) => w.close()));
  await server.close();
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
}
