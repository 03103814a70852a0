// The README's "first workflow" (examples/first-workflow.ts) run verbatim as its own process against
// a live server, importing Colt by its package name (`colt/builder`, `colt/worker`) as users do.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import * as builder from '../../src/builder/index.ts';
import * as worker from '../../workers/sdk/index.ts';
import { runCli } from '../support/cli.ts';
import { spawnColt } from '../support/processes.ts';
import { testRedisUrl } from '../support/redis.ts';
import { startHttpTestServer } from '../support/server.ts';

const server = startHttpTestServer('first-workflow');

describe('the package entry points', () => {
  it('colt/builder and colt/worker resolve to the builder and the worker SDK', async () => {
    const byName = { builder: await import('colt/builder'), worker: await import('colt/worker') };
    expect(byName.builder.Workflow).toBe(builder.Workflow);
    expect(byName.worker.defineTask).toBe(worker.defineTask);
    expect(byName.worker.runTaskWorkers).toBe(worker.runTaskWorkers);
  });
});

describe('examples/first-workflow.ts', { timeout: 90_000 }, () => {
  it('registers its task and workflow, runs it, prints the greeting and exits 0', async () => {
    const example = spawnColt('examples/first-workflow.ts', { REDIS_URL: testRedisUrl(), COLT_KEY_PREFIX: server.prefix, COLT_API_URL: server.url });
    example.child.stdin?.end();
    const [code] = (await once(example.child, 'exit')) as [number | null];
    expect(example.output()).toMatch(/WfRun \S+: COMPLETED, output \{"str":"Hello, world!"\}/);
    expect(code).toBe(0);

    const taskDef = (await request(server.app).get('/taskDef/say-hello')).body;
    expect(taskDef.inputVars).toMatchObject([{ name: 'name', typeDef: { primitiveType: 'STR' } }]);
  });

  it('the README\'s `npx colt` lines that look at the run work as written', async () => {
    const commands = readmeCliLines();
    expect(commands.length).toBeGreaterThanOrEqual(3);
    const search = await runCli(commands[0]!, { COLT_API_URL: server.url });
    expect(search.code).toBe(0);
    const wfRunId: string = search.json().results[0].id;
    for (const args of commands.slice(1)) {
      const result = await runCli(args.map((a) => (a === '<wfRunId>' ? wfRunId : a)), { COLT_API_URL: server.url });
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
    }
  });
});

// The README shows the example under an `<!-- examples/first-workflow.ts -->` marker; this keeps the
// two identical, so the code the README shows is the code the test above runs.
const readmeBlock = /<!-- examples\/first-workflow\.ts -->\s*```ts\n([\s\S]*?)```/.exec(readFileSync(new URL('../../README.md', import.meta.url), 'utf8'));

/** The `npx colt ...` lines of the README's shell block that follows the example, as argument lists. */
function readmeCliLines(): string[][] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /Then look at it with the CLI[^\n]*\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  return block.split('\n').filter((line) => line.startsWith('npx colt ')).map((line) => line.replace(/#.*$/, '').trim().split(/\s+/).slice(2));
}

describe('the README', () => {
  it('shows examples/first-workflow.ts verbatim', () => {
    expect(readmeBlock?.[1]).toBe(readFileSync(new URL('../../examples/first-workflow.ts', import.meta.url), 'utf8'));
  });
});

describe('the other examples', { timeout: 90_000 }, () => {
  async function runExample(script: string, ...args: string[]) {
    const env = { ...process.env, LOG_LEVEL: 'warn', REDIS_URL: testRedisUrl(), COLT_KEY_PREFIX: server.prefix, COLT_API_URL: server.url };
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, output };
  }

  it('order-with-payment: reserves stock after a retried failure, takes the payment event, ships', async () => {
    const { code, output } = await runExample('examples/order-with-payment.ts');
    expect(output).toMatch(/WfRun (order-\d+): COMPLETED, output \{"str":"shipped order-\d+ \(reservation-order-\d+\)"\}/);
    expect(code).toBe(0);
    const orderId = /WfRun (order-\d+)/.exec(output)![1]!;
    const nodeRun = (await request(server.app).get(`/nodeRun/${orderId}/0/1`)).body;
    const taskRun = (await request(server.app).get(`/taskRun/${orderId}/${nodeRun.task.taskRunId.taskGuid}`)).body;
    expect(taskRun.attempts.map((a: { status: string }) => a.status)).toEqual(['TASK_FAILED', 'TASK_SUCCESS']);
  });

  it('fan-out-fan-in: one thread per supplier, then the cheapest quote', async () => {
    const { code, output } = await runExample('examples/fan-out-fan-in.ts');
    expect(output).toMatch(/WfRun \S+: COMPLETED, output \{"jsonObj":\{"supplier":"\w+","price":\d+\}\}/);
    expect(code).toBe(0);
  });

  it('human-approval: a large expense becomes a user task for the managers; completed by one, it is paid', async () => {
    const { code, output } = await runExample('examples/human-approval.ts', '250', '--approve-as', 'ann');
    expect(output).toMatch(/WfRun (\S+) waits for a manager: colt complete userTaskRun \1 \S+ --userId <you> approved=true/);
    expect(output).toMatch(/WfRun \S+: COMPLETED, output \{"str":"paid 250 to obi"\}/);
    expect(code).toBe(0);
    const wfRunId = /WfRun (\S+): COMPLETED/.exec(output)![1]!;
    const [task] = (await request(server.app).get(`/wfRun/${wfRunId}/userTaskRun`)).body.results;
    expect(task).toMatchObject({ status: 'DONE', userId: 'ann', userGroup: 'managers', notes: 'obi asks for 250.0', results: { approved: { bool: true } } });
  });

  it('human-approval: a small expense is paid without asking', async () => {
    const { code, output } = await runExample('examples/human-approval.ts', '40');
    expect(output).not.toContain('waits for a manager');
    expect(output).toMatch(/WfRun \S+: COMPLETED, output \{"str":"paid 40 to obi"\}/);
    expect(code).toBe(0);
  });
});
