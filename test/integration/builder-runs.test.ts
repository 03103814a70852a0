// Workflows written with the builder, registered over real HTTP with `register()`, and run by a
// Colt server (real Redis) with real task workers to the result a user expects.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ColtApiError, INPUT, Workflow } from '../../src/builder/index.ts';
import { SUPPORTED_NODE_TYPES } from '../../src/engine/types.ts';
import { startTaskWorkers, TaskException, type TaskDefinition, type TaskWorker } from '../../workers/sdk/index.ts';
import { defaultTenantClient, expectOk } from '../support/api-client.ts';
import { eventually } from '../support/processes.ts';
import { startHttpTestServer } from '../support/server.ts';

const server = startHttpTestServer('builder-runs');
// Task workers serve the default tenant, so these requests go to it.
const api = defaultTenantClient(server.app);
let workers: TaskWorker[] = [];

const str = (name: string) => [{ name, typeDef: { primitiveType: 'STR' as const } }];
const returnsStr = { returnType: { primitiveType: 'STR' as const } };
const TASKS: TaskDefinition[] = [
  { taskDef: { name: 'greet', inputVars: str('name'), returnType: returnsStr }, handler: ({ name }) => `Hello, ${String(name)}!` },
  {
    taskDef: { name: 'shout', inputVars: str('text'), returnType: returnsStr },
    handler: ({ text }) => {
      if (text === 'forbidden') throw new TaskException('not-allowed', 'that word is not allowed', { word: text });
      return String(text).toUpperCase();
    },
  },
  { taskDef: { name: 'word-length', inputVars: str('word'), returnType: { returnType: { primitiveType: 'INT' } } }, handler: ({ word }) => String(word).length },
  {
    taskDef: { name: 'flaky', inputVars: str('text'), returnType: returnsStr },
    handler: ({ text }, context) => {
      if (context.attemptNumber === 0) throw new Error('first attempts always fail');
      return `${String(text)} (attempt ${context.attemptNumber})`;
    },
  },
  {
    taskDef: { name: 'always-broken', inputVars: str('text'), returnType: returnsStr },
    handler: () => {
      throw new Error('broken for good');
    },
  },
];

beforeAll(async () => {
  workers = await startTaskWorkers(server.colt.engine, TASKS, pino({ level: 'silent' }), { concurrency: 5, lockMs: 5_000 });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
});

async function run(wfSpecName: string, id: string, variables: Record<string, unknown> = {}) {
  expectOk(await api.post('/wfRun', { wfSpecName, id, variables }));
  return eventually(async () => {
    const res = await api.get(`/wfRun/${id}`);
    return res.body.status === 'RUNNING' ? undefined : res.body;
  }, 20_000, `WfRun ${id} to finish`);
}

const outputOf = (wfRun: { threadRuns: Array<{ output?: unknown }> }) => wfRun.threadRuns[0]?.output;

describe('a task chain with retries', () => {
  const chain = new Workflow('greet-chain', (wf) => {
    const name = wf.declareStr('name').required();
    const greeting = wf.execute('greet', name);
    const loud = wf.execute('shout', greeting);
    wf.complete(wf.execute('flaky', loud).withRetries(1));
  });

  it('registers (returning the stored WfSpec) and runs each task on the previous output', async () => {
    const stored = await chain.register(server.url);
    expect(stored.id).toEqual({ name: 'greet-chain', majorVersion: 0, revision: 0 });
    const wfRun = await run('greet-chain', 'chain-1', { name: 'Ada' });
    expect(wfRun.status).toBe('COMPLETED');
    expect(outputOf(wfRun)).toEqual({ str: 'HELLO, ADA! (attempt 1)' });
    const flaky = (await api.get('/nodeRun/chain-1/0/3')).body;
    expect(flaky.nodeName).toBe('3-flaky-TASK');
    const taskRun = (await api.get(`/taskRun/chain-1/${flaky.task.taskRunId.taskGuid}`)).body;
    expect(taskRun.attempts.map((a: { status: string }) => a.status)).toEqual(['TASK_FAILED', 'TASK_SUCCESS']);
  });

  it('registering the same workflow again is idempotent; a refused spec throws the server’s error', async () => {
    expect((await chain.register(server.url)).id).toEqual({ name: 'greet-chain', majorVersion: 0, revision: 0 });
    const unknownTask = new Workflow('unknown-task', (wf) => void wf.execute('no-such-task'));
    const refused = unknownTask.register(server.url);
    await expect(refused).rejects.toBeInstanceOf(ColtApiError);
    await expect(refused).rejects.toMatchObject({ status: 400, code: 'INVALID_ARGUMENT', message: expect.stringContaining("TaskDef 'no-such-task' does not exist") });
  });
});

describe('if/else on a task output', () => {
  beforeAll(() =>
    new Workflow('long-or-short', (wf) => {
      const word = wf.declareStr('word').required();
      const length = wf.declareInt('length');
      const verdict = wf.declareStr('verdict');
      length.assign(wf.execute('word-length', word));
      wf.doIf(wf.condition(length, '>', 5), (t) => {
        verdict.assign(t.execute('shout', word));
      }).doElse((t) => {
        t.execute('shout', 'tiny');
        verdict.assign('short');
      });
      wf.complete(verdict);
    }).register(server.url),
  );

  it.each([
    ['elephant', 'ELEPHANT'],
    ['cat', 'short'],
  ])('%s gives %s', async (word, verdict) => {
    const wfRun = await run('long-or-short', `branch-${word}`, { word });
    expect(wfRun.status).toBe('COMPLETED');
    expect(outputOf(wfRun)).toEqual({ str: verdict });
  });
});

describe('a doWhile counter loop', () => {
  it('runs the body while count < 3 and collects each output', async () => {
    await new Workflow('count-to-three', (wf) => {
      const count = wf.declareInt('count').withDefault(0);
      const said = wf.declareJsonArr('said').withDefault([]);
      wf.doWhile(wf.condition(count, '<', 3), (t) => {
        said.add(t.execute('shout', t.format('round {0}', count)));
        count.add(1);
      });
      wf.complete(said);
    }).register(server.url);
    const wfRun = await run('count-to-three', 'loop-1');
    expect(wfRun.status).toBe('COMPLETED');
    expect(outputOf(wfRun)).toEqual({ jsonArr: ['ROUND 0', 'ROUND 1', 'ROUND 2'] });
  });
});

describe('fan-out and fan-in', () => {
  it('one thread per word; a per-child handler takes the refused word as INPUT; the join completes', async () => {
    await new Workflow('shout-all', (wf) => {
      const words = wf.declareJsonArr('words').required();
      const shouted = wf.declareJsonArr('shouted').withDefault([]);
      const refused = wf.declareJsonArr('refused').withDefault([]);
      const each = wf.spawnThreadForEach(words, 'shout-word', (t) => {
        shouted.add(t.execute('shout', t.declareStr(INPUT)));
      });
      wf.waitForThreads(each).handleExceptionOnChild('not-allowed', (h) => {
        refused.add(h.declareJsonObj(INPUT).jsonPath('$.word'));
      });
      wf.complete(wf.extend(shouted, refused));
    }).register(server.url);
    const wfRun = await run('shout-all', 'fan-1', { words: ['a', 'forbidden', 'b'] });
    expect(wfRun.status).toBe('COMPLETED');
    expect((outputOf(wfRun) as { jsonArr: string[] }).jsonArr.sort()).toEqual(['A', 'B', 'forbidden']);
    expect(wfRun.threadRuns.map((t: { type: string }) => t.type)).toEqual(['ENTRYPOINT', 'CHILD', 'CHILD', 'CHILD', 'FAILURE_HANDLER']);
  });

  it('two spawned threads with inputs, waited for together', async () => {
    await new Workflow('two-greetings', (wf) => {
      const name = wf.declareStr('name').required();
      const greetings = wf.declareJsonArr('greetings').withDefault([]);
      const polite = wf.spawnThread('greet-politely', (t) => greetings.add(t.execute('greet', t.declareStr('who'))), { who: name });
      const loud = wf.spawnThread('greet-loudly', (t) => greetings.add(t.execute('shout', t.declareStr('loud-who'))), { 'loud-who': name });
      wf.waitForThreads(polite, loud);
      wf.complete(greetings);
    }).register(server.url);
    const wfRun = await run('two-greetings', 'two-1', { name: 'Ada' });
    expect(wfRun.status).toBe('COMPLETED');
    expect((outputOf(wfRun) as { jsonArr: string[] }).jsonArr.sort()).toEqual(['ADA', 'Hello, Ada!']);
  });
});

describe('a child workflow', () => {
  it('the parent waits for the child WfRun and returns its output', async () => {
    await new Workflow('shout-one', (wf) => wf.complete(wf.execute('shout', wf.declareStr('text').required()))).register(server.url);
    await new Workflow('delegate', (wf) => {
      const child = wf.runChildWf('shout-one', { text: wf.declareStr('text').required() });
      wf.complete(wf.waitForChildWf(child));
    }).register(server.url);
    const wfRun = await run('delegate', 'parent-1', { text: 'hello' });
    expect(wfRun.status).toBe('COMPLETED');
    expect(outputOf(wfRun)).toEqual({ str: 'HELLO' });
    const childId = (await api.get('/nodeRun/parent-1/0/1')).body.runChildWf.childWfRunId;
    expect((await api.get(`/wfRun/${childId}`)).body).toMatchObject({ status: 'COMPLETED', wfSpecId: { name: 'shout-one' } });
  });
});

describe('failure handlers', () => {
  beforeAll(() =>
    new Workflow('careful-shout', (wf) => {
      const word = wf.declareStr('word').required();
      const outcome = wf.declareStr('outcome');
      const loud = wf.execute('shout', word);
      outcome.assign(loud);
      wf.handleException(loud, 'not-allowed', (h) => {
        outcome.assign(h.format('refused {0}', h.declareJsonObj(INPUT).jsonPath('$.word')));
      });
      wf.complete(outcome);
    }).register(server.url),
  );

  it.each([
    ['hello', 'HELLO'],
    ['forbidden', 'refused forbidden'],
  ])('an exception handler: %s ends with %s', async (word, outcome) => {
    const wfRun = await run('careful-shout', `careful-${word}`, { word });
    expect(wfRun.status).toBe('COMPLETED');
    expect(outputOf(wfRun)).toEqual({ str: outcome });
  });

  it('an error handler that fails the workflow with a business exception', async () => {
    await new Workflow('give-up', (wf) => {
      const broken = wf.execute('always-broken', 'x').withRetries(1);
      wf.handleError(broken, 'TASK_FAILURE', (h) => h.fail('gave-up', 'the task kept failing'));
    }).register(server.url);
    const wfRun = await run('give-up', 'give-up-1');
    expect(wfRun.status).toBe('EXCEPTION');
    expect(wfRun.threadRuns[1]).toMatchObject({ type: 'FAILURE_HANDLER', status: 'EXCEPTION', threadSpecName: 'exn-handler-1-always-broken-TASK-TASK_FAILURE' });
  });
});

describe('sleep', () => {
  it('sleepSeconds waits on a durable timer, then goes on', async () => {
    await new Workflow('nap', (wf) => {
      wf.sleepSeconds(1);
      wf.complete('rested');
    }).register(server.url);
    const wfRun = await run('nap', 'nap-1');
    expect(wfRun.status).toBe('COMPLETED');
    expect(outputOf(wfRun)).toEqual({ str: 'rested' });
    expect((await api.get('/nodeRun/nap-1/0/1')).body).toMatchObject({ nodeName: '1-sleep-SLEEP', sleep: { matured: true } });
  });
});

// EXTERNAL_EVENT nodes run only where this build lists them; elsewhere the unit tests pin their JSON.
describe.runIf(SUPPORTED_NODE_TYPES.includes('externalEvent'))('waiting for an external event', () => {
  it('blocks until the event is posted; its content is the node output', async () => {
    expectOk(await api.post('/externalEventDef', { name: 'approval' }));
    await new Workflow('await-approval', (wf) => {
      const decision = wf.declareStr('decision');
      decision.assign(wf.waitForEvent('approval').timeout(30));
      wf.complete(decision);
    }).register(server.url);
    expectOk(await api.post('/wfRun', { wfSpecName: 'await-approval', id: 'approval-1' }));
    await eventually(async () => ((await api.get('/nodeRun/approval-1/0/1')).body.status === 'RUNNING' ? true : undefined), 10_000, 'the event wait');
    expect((await api.get('/wfRun/approval-1')).body.status).toBe('RUNNING');
    expectOk(await api.post('/wfRun/approval-1/externalEvent/approval', { content: { str: 'approved' } }));
    const wfRun = await eventually(async () => {
      const res = await api.get('/wfRun/approval-1');
      return res.body.status === 'RUNNING' ? undefined : res.body;
    }, 10_000, 'WfRun approval-1 to finish');
    expect(wfRun.status).toBe('COMPLETED');
    expect(outputOf(wfRun)).toEqual({ str: 'approved' });
  });
});
