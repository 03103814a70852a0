// Realistic WfSpecs through the REST API with real task workers on BullMQ: an if/else on a task's
// output, a fan-out over a JSON_ARR with a join, a parent WfRun waiting for a child WfRun.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTaskWorkers, TaskException, type TaskDefinition, type TaskWorker } from '../../workers/sdk/index.ts';
import { defaultTenantClient, expectError, expectOk } from '../support/api-client.ts';
import { eventually } from '../support/processes.ts';
import { assign, entry, exit, literal, nop, output, task, threadSpec, varDef, variable, wfSpec } from '../support/spec-builder.ts';
import { startTestServer } from '../support/server.ts';

const server = startTestServer('workflow-shapes');
// Task workers serve the default tenant, so these requests go to it.
const api = defaultTenantClient(server.app);
let workers: TaskWorker[] = [];

const TASKS: TaskDefinition[] = [
  {
    taskDef: { name: 'word-length', inputVars: [{ name: 'word', typeDef: { primitiveType: 'STR' } }], returnType: { returnType: { primitiveType: 'INT' } } },
    handler: ({ word }) => String(word).length,
  },
  {
    taskDef: { name: 'shout', inputVars: [{ name: 'text', typeDef: { primitiveType: 'STR' } }], returnType: { returnType: { primitiveType: 'STR' } } },
    handler: ({ text }) => {
      if (text === 'forbidden') throw new TaskException('not-allowed', 'that word is not allowed', { word: text });
      return String(text).toUpperCase();
    },
  },
  {
    taskDef: { name: 'secret-echo', inputVars: [{ name: 'pin', typeDef: { primitiveType: 'INT', masked: true } }], returnType: { returnType: { primitiveType: 'INT', masked: true } } },
    handler: ({ pin }) => Number(pin),
  },
];

beforeAll(async () => {
  workers = await startTaskWorkers(server.colt.engine, TASKS, pino({ level: 'silent' }), { concurrency: 5, lockMs: 5_000 });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await server.close();
});

async function deploy(spec: object) {
  const res = await api.post('/wfSpec', spec);
  expectOk(res);
  return res.body;
}

async function finished(id: string) {
  return eventually(async () => {
    const res = await api.get(`/wfRun/${id}`);
    return res.body.status === 'RUNNING' ? undefined : res.body;
  }, 20_000, `WfRun ${id} to finish`);
}

describe('if/else on a task output', () => {
  beforeAll(() =>
    deploy(
      wfSpec('long-or-short', {
        entrypoint: threadSpec(
          [
            entry(),
            {
              ...task('measure', 'word-length', [variable('word')]),
              edges: [{ sinkNodeName: 'branch', variableMutations: [assign('length', output('measure'))] }],
            },
            {
              name: 'branch',
              body: { nop: {} },
              edges: [
                { sinkNodeName: 'long', condition: { expression: { lhs: variable('length'), comparator: 'GREATER_THAN', rhs: literal({ int: 5 }) } } },
                { sinkNodeName: 'short' },
              ],
            },
            { ...task('long', 'shout', [variable('word')]), edges: [{ sinkNodeName: 'exit', variableMutations: [assign('verdict', literal({ str: 'long' }))] }] },
            { ...task('short', 'shout', [literal({ str: 'tiny' })]), edges: [{ sinkNodeName: 'exit', variableMutations: [assign('verdict', literal({ str: 'short' }))] }] },
            exit({ returnContent: variable('verdict') }),
          ],
          [varDef('word', 'STR', { required: true }), varDef('length', 'INT'), varDef('verdict', 'STR')],
        ),
      }),
    ),
  );

  it.each([
    ['elephant', 'long', 'ELEPHANT'],
    ['cat', 'short', 'TINY'],
  ])('%s takes the %s branch', async (word, verdict, shouted) => {
    expectOk(await api.post('/wfRun', { wfSpecName: 'long-or-short', id: `branch-${word}`, variables: { word } }));
    const run = await finished(`branch-${word}`);
    expect(run.status).toBe('COMPLETED');
    expect(run.threadRuns[0].output).toEqual({ str: verdict });
    const shoutNode = (await api.get(`/nodeRun/branch-${word}/0/3`)).body;
    expect(shoutNode.nodeName).toBe(verdict);
    const taskRun = (await api.get(`/taskRun/branch-${word}/${shoutNode.task.taskRunId.taskGuid}`)).body;
    expect(taskRun.attempts[0].output).toEqual({ str: shouted });
  });
});

describe('a loop with a counter (NOP and a back edge)', () => {
  beforeAll(() =>
    deploy(
      wfSpec('count-to-three', {
        entrypoint: threadSpec(
          [
            entry(),
            nop('loop'),
            {
              ...task('say', 'shout', [{ formatString: { format: literal({ str: 'round {0}' }), args: [variable('count')] } }]),
              edges: [{ sinkNodeName: 'again', variableMutations: [assign('count', literal({ int: 1 }), 'ADD'), assign('said', output('say'), 'ADD')] }],
            },
            nop('again', [
              { sinkNodeName: 'loop', condition: { expression: { lhs: variable('count'), comparator: 'LESS_THAN', rhs: literal({ int: 3 }) } } },
              { sinkNodeName: 'exit' },
            ]),
            exit({ returnContent: variable('said') }),
          ],
          [varDef('count', 'INT', { defaultValue: { int: 0 } }), varDef('said', 'JSON_ARR', { defaultValue: { jsonArr: [] } })],
        ),
      }),
    ),
  );

  it('runs the task three times, counting, and collects each output', async () => {
    expectOk(await api.post('/wfRun', { wfSpecName: 'count-to-three', id: 'loop-1' }));
    const run = await finished('loop-1');
    expect(run.status).toBe('COMPLETED');
    expect(run.threadRuns[0].output).toEqual({ jsonArr: ['ROUND 0', 'ROUND 1', 'ROUND 2'] });
    // ENTRYPOINT, then (loop, say, again) three times, then EXIT.
    expect(run.threadRuns[0].currentNodePosition).toBe(10);
    expect((await api.get('/nodeRun/loop-1/0/8')).body).toMatchObject({ nodeName: 'say', status: 'COMPLETED' });
  });
});

describe('fan-out over a JSON_ARR and a join', () => {
  beforeAll(() =>
    deploy(
      wfSpec('shout-all', {
        entrypoint: threadSpec(
          [
            entry(),
            {
              name: 'spawn',
              body: { startMultipleThreads: { threadSpecName: 'one-word', iterable: variable('words'), variables: {} } },
              edges: [{ sinkNodeName: 'join', variableMutations: [assign('children', output('spawn'))] }],
            },
            { name: 'join', body: { waitForThreads: { threadList: variable('children'), strategy: 'WAIT_FOR_ALL' } } },
            exit({ returnContent: variable('children') }),
          ],
          [varDef('words', 'JSON_ARR', { required: true }), varDef('children', 'JSON_ARR')],
        ),
        'one-word': threadSpec([entry(), task('shout', 'shout', [variable('INPUT')]), exit()], [varDef('INPUT', 'STR')]),
      }),
    ),
  );

  it('runs a thread per word and waits for all of them', async () => {
    expectOk(await api.post('/wfRun', { wfSpecName: 'shout-all', id: 'fan-ok', variables: { words: ['a', 'b', 'c', 'd'] } }));
    const run = await finished('fan-ok');
    expect(run.status).toBe('COMPLETED');
    expect(run.threadRuns.map((t: { status: string; type: string }) => `${t.type}:${t.status}`)).toEqual(['ENTRYPOINT:COMPLETED', ...Array(4).fill('CHILD:COMPLETED')]);
    const outputs = [];
    for (const thread of [1, 2, 3, 4]) {
      const node = (await api.get(`/nodeRun/fan-ok/${thread}/1`)).body;
      outputs.push((await api.get(`/taskRun/fan-ok/${node.task.taskRunId.taskGuid}`)).body.attempts[0].output.str);
    }
    expect(outputs).toEqual(['A', 'B', 'C', 'D']);
  });

  it('fails the join with the child’s exception name when one child throws', async () => {
    expectOk(await api.post('/wfRun', { wfSpecName: 'shout-all', id: 'fan-bad', variables: { words: ['fine', 'forbidden'] } }));
    const run = await finished('fan-bad');
    expect(run.status).toBe('EXCEPTION');
    const join = (await api.get('/nodeRun/fan-bad/0/2')).body;
    expect(join.failures[0]).toMatchObject({ failureName: 'not-allowed', content: { jsonObj: { word: 'forbidden' } } });
  });
});

describe('a parent WfRun running a child WfRun', () => {
  beforeAll(async () => {
    await deploy(wfSpec('shout-one', { entrypoint: threadSpec([entry(), task('shout', 'shout', [variable('text')]), exit({ returnContent: output('shout') })], [varDef('text', 'STR', { required: true })]) }));
    await deploy(
      wfSpec('delegate', {
        entrypoint: threadSpec(
          [
            entry(),
            { name: 'run', body: { runChildWf: { wfSpecName: 'shout-one', inputs: { text: variable('text') } } }, edges: [{ sinkNodeName: 'wait', variableMutations: [assign('child', output('run'))] }] },
            { name: 'wait', body: { waitForChildWf: { childWfRunId: variable('child') } } },
            exit({ returnContent: output('wait') }),
          ],
          [varDef('text', 'STR', { required: true }), varDef('child', 'WF_RUN_ID')],
        ),
      }),
    );
  });

  it('waits for the child and returns its output; the child is stored as <parent>_<guid>', async () => {
    expectOk(await api.post('/wfRun', { wfSpecName: 'delegate', id: 'parent-1', variables: { text: 'hello' } }));
    const run = await finished('parent-1');
    expect(run.status).toBe('COMPLETED');
    expect(run.threadRuns[0].output).toEqual({ str: 'HELLO' });
    const childId = (await api.get('/nodeRun/parent-1/0/1')).body.runChildWf.childWfRunId;
    expect(childId).toMatch(/^parent-1_[0-9a-f]{32}$/);
    const child = (await api.get(`/wfRun/${childId}`)).body;
    expect(child).toMatchObject({ status: 'COMPLETED', parentWfRunId: 'parent-1', wfSpecId: { name: 'shout-one' } });
  });

  it('rethrows the child’s exception in the parent', async () => {
    expectOk(await api.post('/wfRun', { wfSpecName: 'delegate', id: 'parent-2', variables: { text: 'forbidden' } }));
    const run = await finished('parent-2');
    expect(run.status).toBe('EXCEPTION');
    expect((await api.get('/nodeRun/parent-2/0/2')).body.failures[0].failureName).toBe('not-allowed');
  });
});

describe('masked values', () => {
  it('a masked task input and output never come back in clear', async () => {
    await deploy(wfSpec('pin', { entrypoint: threadSpec([entry(), task('echo', 'secret-echo', [variable('pin')]), exit()], [varDef('pin', 'INT', { required: true })]) }));
    expectOk(await api.post('/wfRun', { wfSpecName: 'pin', id: 'pin-1', variables: { pin: 1234 } }));
    expect((await finished('pin-1')).status).toBe('COMPLETED');
    const node = (await api.get('/nodeRun/pin-1/0/1')).body;
    const taskRun = (await api.get(`/taskRun/pin-1/${node.task.taskRunId.taskGuid}`)).body;
    expect(taskRun.inputVariables).toEqual([{ varName: 'pin', value: { str: '*****' }, masked: true }]);
    expect(taskRun.attempts[0]).toMatchObject({ output: { str: '*****' }, maskedValue: true });
    expect(JSON.stringify(taskRun)).not.toContain('1234');
  });
});

describe('bad specs', () => {
  it.each([
    ['an unknown thread spec', { startThread: { threadSpecName: 'nope', variables: {} } }, 'threadSpecs.entrypoint.nodes.bad.startThread.threadSpecName'],
    ['a task argument of the wrong type', { task: { taskDefId: { name: 'secret-echo' }, variables: [literal({ str: 'x' })] } }, 'threadSpecs.entrypoint.nodes.bad.task.variables[0]'],
    ['an unknown TaskDef', { task: { taskDefId: { name: 'no-such-task' }, variables: [] } }, 'threadSpecs.entrypoint.nodes.bad.task.taskDefId'],
    ['an undeclared variable', { task: { taskDefId: { name: 'word-length' }, variables: [variable('ghost')] } }, 'threadSpecs.entrypoint.nodes.bad'],
  ])('%s is a 400 naming the node and field', async (_case, body, field) => {
    const res = await api.post('/wfSpec', wfSpec('bad-spec', { entrypoint: threadSpec([entry(), { name: 'bad', body }, exit()]) }));
    expectError(res, 400, 'INVALID_ARGUMENT');
    expect(res.body.message.startsWith(`${field}:`)).toBe(true);
  });
});
