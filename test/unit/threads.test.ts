// Child threads, WAIT_FOR_THREADS strategies, EXIT waiting for children, WAIT_FOR_CONDITION,
// child WfRuns, dynamic tasks and the loop guard, through the pure reducer.
import { describe, expect, it } from 'vitest';
import { MissingTaskDefError } from '../../src/engine/commands.ts';
import { advance } from '../../src/engine/reducer.ts';
import type { RunState } from '../../src/engine/types.ts';
import { context, Driver, firstInput } from '../support/engine-driver.ts';
import { assign, entry, exit, literal, nop, output, task, threadSpec, varDef, variable, wfSpec } from '../support/spec-builder.ts';
import { compileSpec, taskDef } from '../support/specs.ts';

const echo = taskDef('echo', [['x', 'STR']], 'STR');
const defs = [echo];
const succeed = (t: Parameters<Parameters<Driver['work']>[0]>[0]) => ({ output: { str: `${String(firstInput(t).str)}!` } });
const threadStatuses = (s: RunState) => s.wfRun.threadRuns.map((t) => `${t.number}:${t.status}`);

/** entrypoint: start `child` threads per `start`, then wait for them with `strategy`. */
function fanOut(strategy: string, childNodes = [entry(), task('work', 'echo', [variable('INPUT')]), exit()], handlers: object[] = []) {
  return compileSpec(
    wfSpec('fan-out', {
      entrypoint: threadSpec(
        [
          entry(),
          { name: 'spawn', body: { startMultipleThreads: { threadSpecName: 'child', iterable: variable('items'), variables: {} } }, edges: [{ sinkNodeName: 'wait', variableMutations: [assign('children', output('spawn'))] }] },
          { name: 'wait', body: { waitForThreads: { threadList: variable('children'), strategy, perThreadFailureHandlers: handlers } } },
          exit(),
        ],
        [varDef('items', 'JSON_ARR'), varDef('children', 'JSON_ARR')],
      ),
      child: threadSpec(childNodes, [varDef('INPUT', 'STR')]),
      handler: threadSpec([entry(), task('mend', 'echo', [variable('INPUT')]), exit()], [varDef('INPUT', 'STR')]),
    }),
    defs,
  );
}

describe('START_MULTIPLE_THREADS and WAIT_FOR_THREADS', () => {
  it('runs one child per element with the element as INPUT, and WAIT_FOR_ALL completes when all do', () => {
    const d = new Driver({ 'fan-out': fanOut('WAIT_FOR_ALL') }, defs);
    const started = d.start('fan-out', 'r', { items: { jsonArr: ['a', 'b', 'c'] } });
    expect(started.variables['0/children']?.value).toEqual({ jsonArr: [1, 2, 3] });
    expect(d.queued().map((t) => t.variables[0]?.value)).toEqual([{ str: 'a' }, { str: 'b' }, { str: 'c' }]);
    expect(started.wfRun.threadRuns.slice(1).map((t) => [t.type, t.parentThreadId])).toEqual([['CHILD', 0], ['CHILD', 0], ['CHILD', 0]]);
    d.workOne('echo', { output: { str: 'a!' } });
    expect(d.run('r').nodeRuns['0/2']?.status).toBe('RUNNING');
    d.work(succeed);
    const done = d.run('r');
    expect(done.wfRun.status).toBe('COMPLETED');
    expect(done.nodeRuns['0/2']?.waitForThreads?.threads.map((w) => w.waitingStatus)).toEqual(Array(3).fill('THREAD_COMPLETED_OR_FAILURE_HANDLED'));
  });

  it.each([
    ['an EXCEPTION keeps its name', { status: 'TASK_EXCEPTION' as const, exception: { name: 'out-of-stock', message: 'none left' } }, 'out-of-stock', 'EXCEPTION'],
    ['an ERROR becomes CHILD_FAILURE', { status: 'TASK_FAILED' as const, error: { type: 'TASK_FAILED', message: 'boom' } }, 'CHILD_FAILURE', 'ERROR'],
  ])('WAIT_FOR_ALL fails when a child fails: %s', (_case, outcome, failureName, status) => {
    const d = new Driver({ 'fan-out': fanOut('WAIT_FOR_ALL') }, defs);
    d.start('fan-out', 'r', { items: { jsonArr: ['a', 'b'] } });
    d.workOne('echo', outcome);
    const failed = d.run('r');
    expect(failed.nodeRuns['0/2']?.failures[0]?.failureName).toBe(failureName);
    expect(failed.wfRun.status).toBe(status);
    // The other child is halted with its parent, once its task has reported.
    expect(threadStatuses(failed)).toEqual(['0:' + status, `1:${status}`, '2:HALTING']);
    d.work(succeed);
    expect(threadStatuses(d.run('r'))).toEqual(['0:' + status, `1:${status}`, '2:HALTED']);
  });

  it('a per-thread failure handler rescues a failed child: it runs under it with the failure content as INPUT', () => {
    const d = new Driver({ 'fan-out': fanOut('WAIT_FOR_ALL', undefined, [{ handlerSpecName: 'handler', specificFailure: 'out-of-stock' }]) }, defs);
    d.start('fan-out', 'r', { items: { jsonArr: ['a'] } });
    d.workOne('echo', { status: 'TASK_EXCEPTION', exception: { name: 'out-of-stock', message: 'none', content: { str: 'sku-1' } } });
    const handling = d.run('r');
    expect(handling.wfRun.threadRuns[2]).toMatchObject({ type: 'FAILURE_HANDLER', parentThreadId: 1, status: 'RUNNING' });
    expect(handling.variables['2/INPUT']?.value).toEqual({ str: 'sku-1' });
    expect(handling.nodeRuns['0/2']?.waitForThreads?.threads[0]).toMatchObject({ waitingStatus: 'THREAD_HANDLING_FAILURE', failureHandlerThreadRunId: 2 });
    d.work(succeed);
    const done = d.run('r');
    expect(done.wfRun.status).toBe('COMPLETED');
    expect(done.wfRun.threadRuns[0]?.handledFailedChildren).toEqual([1]);
  });

  it('a handler that does not match leaves the failure to propagate', () => {
    const d = new Driver({ 'fan-out': fanOut('WAIT_FOR_ALL', undefined, [{ handlerSpecName: 'handler', specificFailure: 'other' }]) }, defs);
    d.start('fan-out', 'r', { items: { jsonArr: ['a'] } });
    d.workOne('echo', { status: 'TASK_EXCEPTION', exception: { name: 'out-of-stock', message: 'none' } });
    expect(d.run('r').wfRun.status).toBe('EXCEPTION');
    expect(d.run('r').wfRun.threadRuns).toHaveLength(2);
  });

  it('WAIT_FOR_FIRST completes with the first child to finish and halts the rest', () => {
    const d = new Driver({ 'fan-out': fanOut('WAIT_FOR_FIRST') }, defs);
    d.start('fan-out', 'r', { items: { jsonArr: ['a', 'b'] } });
    d.workOne('echo', { output: { str: 'first' } });
    expect(d.run('r').nodeRuns['0/2']?.status).toBe('COMPLETED');
    expect(d.run('r').wfRun.threadRuns[2]?.haltReasons).toEqual([{ haltedByParent: { parentThreadRunNumber: 0, waitingNodeRunPosition: 2 } }]);
    // The loser's task is still out, so it is HALTING, and the parent's EXIT waits for it to halt.
    expect(threadStatuses(d.run('r'))).toEqual(['0:RUNNING', '1:COMPLETED', '2:HALTING']);
    expect(d.run('r').nodeRuns['0/3']).toMatchObject({ nodeName: 'exit', status: 'RUNNING' });
    d.work(succeed);
    expect(threadStatuses(d.run('r'))).toEqual(['0:COMPLETED', '1:COMPLETED', '2:HALTED']);
  });

  it('WAIT_FOR_FIRST fails when the first child to finish failed', () => {
    const d = new Driver({ 'fan-out': fanOut('WAIT_FOR_FIRST') }, defs);
    d.start('fan-out', 'r', { items: { jsonArr: ['a', 'b'] } });
    d.workOne('echo', { status: 'TASK_EXCEPTION', exception: { name: 'nope', message: 'x' } });
    expect(d.run('r').wfRun.status).toBe('EXCEPTION');
  });

  it('WAIT_FOR_ANY ignores failures while one child can still complete, and fails only when all failed', () => {
    const fail = { status: 'TASK_EXCEPTION' as const, exception: { name: 'nope', message: 'x' } };
    const d = new Driver({ 'fan-out': fanOut('WAIT_FOR_ANY') }, defs);
    d.start('fan-out', 'r', { items: { jsonArr: ['a', 'b'] } });
    d.workOne('echo', fail);
    expect(d.run('r').wfRun.status).toBe('RUNNING');
    d.workOne('echo', { output: { str: 'ok' } });
    expect(d.run('r').wfRun.status).toBe('COMPLETED');

    const all = new Driver({ 'fan-out': fanOut('WAIT_FOR_ANY') }, defs);
    all.start('fan-out', 'r', { items: { jsonArr: ['a', 'b'] } });
    all.work(() => fail);
    expect(all.run('r').nodeRuns['0/2']?.failures[0]?.failureName).toBe('CHILD_FAILURE');
    expect(all.run('r').wfRun.status).toBe('ERROR');
  });

  it('refuses to go past LittleHorse’s 65 ThreadRuns per WfRun (INTERNAL_ERROR)', () => {
    const d = new Driver({ 'fan-out': fanOut('WAIT_FOR_ALL') }, defs);
    const state = d.start('fan-out', 'r', { items: { jsonArr: Array.from({ length: 65 }, (_, i) => `x${i}`) } });
    expect(state.nodeRuns['0/1']?.failures[0]?.failureName).toBe('INTERNAL_ERROR');
    expect(state.wfRun.threadRuns).toHaveLength(1);
  });
});

describe('START_THREAD, EXIT and WAIT_FOR_CONDITION', () => {
  // The parent starts a child, then waits until the child has set the parent's variable `ready`.
  const spec = compileSpec(
    wfSpec('signal', {
      entrypoint: threadSpec(
        [
          entry(),
          { name: 'start', body: { startThread: { threadSpecName: 'child', variables: { 'child-text': variable('text') } } } },
          { name: 'until-ready', body: { waitForCondition: { condition: { expression: { lhs: variable('ready'), comparator: 'EQUALS', rhs: literal({ bool: true }) } } } } },
          exit({ returnContent: output('start') }),
        ],
        [varDef('ready', 'BOOL', { defaultValue: { bool: false } }), varDef('text', 'STR')],
      ),
      child: threadSpec(
        [entry(), { ...task('work', 'echo', [variable('child-text')]), edges: [{ sinkNodeName: 'exit', variableMutations: [assign('ready', literal({ bool: true }))] }] }, exit()],
        [varDef('child-text', 'STR')],
      ),
    }),
    defs,
  );

  it('a child writes its parent’s variable, and the waiting condition sees it', () => {
    const bad = () => compileSpec(wfSpec('bad', { entrypoint: threadSpec([entry(), { name: 's', body: { startThread: { threadSpecName: 'child', variables: { nope: variable('text') } } } }, exit()], [varDef('text', 'STR')]), child: threadSpec([entry(), exit()]) }), defs);
    expect(bad).toThrow(/startThread\.variables\.nope: thread spec 'child' declares no variable 'nope'/);
    const d = new Driver({ signal: spec }, defs);
    d.start('signal', 'r', { text: { str: 'hi' } });
    expect(d.run('r').nodeRuns['0/2']).toMatchObject({ nodeName: 'until-ready', status: 'RUNNING' });
    expect(d.queued()[0]?.variables[0]?.value).toEqual({ str: 'hi' });
    d.work(succeed);
    const done = d.run('r');
    expect(done.variables['0/ready']?.value).toEqual({ bool: true });
    expect(done.wfRun.status).toBe('COMPLETED');
    expect(done.wfRun.threadRuns[0]?.output).toEqual({ int: 1 });
  });

  it('EXIT waits for running children, and fails with CHILD_FAILURE if one failed unhandled', () => {
    const parentExitsEarly = compileSpec(
      wfSpec('early', {
        entrypoint: threadSpec([entry(), { name: 'start', body: { startThread: { threadSpecName: 'child', variables: {} } } }, exit()]),
        child: threadSpec([entry(), task('work', 'echo', [literal({ str: 'x' })]), exit()]),
      }),
      defs,
    );
    const ok = new Driver({ early: parentExitsEarly }, defs);
    ok.start('early', 'r');
    expect(ok.run('r').wfRun.status).toBe('RUNNING');
    expect(ok.run('r').nodeRuns['0/2']).toMatchObject({ nodeName: 'exit', status: 'RUNNING' });
    ok.work(succeed);
    expect(ok.run('r').wfRun.status).toBe('COMPLETED');

    const failing = new Driver({ early: parentExitsEarly }, defs);
    failing.start('early', 'r');
    failing.work(() => ({ status: 'TASK_FAILED', error: { type: 'TASK_FAILED', message: 'boom' } }));
    expect(failing.run('r').nodeRuns['0/2']?.failures[0]?.failureName).toBe('CHILD_FAILURE');
    expect(failing.run('r').wfRun.status).toBe('ERROR');
  });

  it('EXIT with a failure definition fails the thread with that failure (EXCEPTION for a user name)', () => {
    const s = compileSpec(wfSpec('fails', { entrypoint: threadSpec([entry(), exit({ failureDef: { failureName: 'no-way', message: 'refused', content: literal({ int: 7 }) } })]) }), defs);
    const state = new Driver({ fails: s }, defs).start('fails', 'r');
    expect(state.wfRun.status).toBe('EXCEPTION');
    expect(state.nodeRuns['0/1']?.failures).toEqual([{ failureName: 'no-way', message: 'refused', content: { int: 7 }, wasProperlyHandled: false }]);
  });
});

describe('child WfRuns', () => {
  const child = compileSpec(wfSpec('child', { entrypoint: threadSpec([entry(), task('work', 'echo', [variable('name')]), exit({ returnContent: output('work') })], [varDef('name', 'STR', { required: true })]) }), defs);
  const parent = compileSpec(
    wfSpec('parent', {
      entrypoint: threadSpec(
        [
          entry(),
          { name: 'run', body: { runChildWf: { wfSpecName: 'child', inputs: { name: variable('who') } } }, edges: [{ sinkNodeName: 'wait', variableMutations: [assign('child-id', output('run'))] }] },
          { name: 'wait', body: { waitForChildWf: { childWfRunId: variable('child-id') } } },
          exit({ returnContent: output('wait') }),
        ],
        [varDef('who', 'STR'), varDef('child-id', 'WF_RUN_ID')],
      ),
    }),
    defs,
  );

  it('starts a child with id <parent>_<guid> and returns its output once it completes', () => {
    const d = new Driver({ parent, child }, defs);
    const started = d.start('parent', 'p', { who: { str: 'Ada' } });
    const childId = started.variables['0/child-id']?.value.wfRunId?.id as string;
    expect(childId).toMatch(/^p_g\d+$/);
    expect(d.run(childId).wfRun.parentWfRunId).toBe('p');
    expect(d.run('p').nodeRuns['0/2']).toMatchObject({ nodeName: 'wait', status: 'RUNNING', waitForChildWf: { childWfRunId: childId } });
    d.work(succeed);
    expect(d.run(childId).wfRun.status).toBe('COMPLETED');
    expect(d.run('p').wfRun.status).toBe('COMPLETED');
    expect(d.run('p').wfRun.threadRuns[0]?.output).toEqual({ str: 'Ada!' });
  });

  it.each([
    ['EXCEPTION rethrows the same name', { status: 'TASK_EXCEPTION' as const, exception: { name: 'declined', message: 'no' } }, 'declined', 'EXCEPTION'],
    ['ERROR becomes CHILD_FAILURE', { status: 'TASK_FAILED' as const, error: { type: 'TASK_FAILED', message: 'boom' } }, 'CHILD_FAILURE', 'ERROR'],
  ])('a failed child: %s', (_case, outcome, failureName, status) => {
    const d = new Driver({ parent, child }, defs);
    d.start('parent', 'p', { who: { str: 'Ada' } });
    d.work(() => outcome);
    expect(d.run('p').nodeRuns['0/2']?.failures[0]?.failureName).toBe(failureName);
    expect(d.run('p').wfRun.status).toBe(status);
  });

  it('a repeated notice from a child changes nothing', () => {
    const d = new Driver({ parent, child }, defs);
    d.start('parent', 'p', { who: { str: 'Ada' } });
    d.work(succeed);
    const before = structuredClone(d.run('p'));
    const notice = d.otherEffects.find((e) => e.type === 'NotifyParentWfRun');
    if (notice?.type !== 'NotifyParentWfRun') throw new Error('no notice');
    d.apply('p', { type: 'ChildWfRunEnded', childWfRunId: notice.childWfRunId, result: { status: 'ERROR' } });
    expect(d.run('p')).toEqual(before);
  });
});

describe('dynamic tasks and the loop guard', () => {
  it('a TASK whose TaskDef name comes from a variable asks for that TaskDef, then dispatches to it', () => {
    const spec = compileSpec(wfSpec('dyn', { entrypoint: threadSpec([entry(), { name: 't', body: { task: { dynamicTask: variable('which'), variables: [literal({ str: 'x' })] } } }, exit()], [varDef('which', 'STR')]) }), defs);
    const cmd = { type: 'RunWf' as const, wfRunId: 'r', variables: { which: { str: 'echo' } } };
    expect(() => advance(null, cmd, context(spec, []))).toThrow(MissingTaskDefError);
    const { effects } = advance(null, cmd, context(spec, [echo]));
    expect(effects).toEqual([expect.objectContaining({ type: 'DispatchTask', task: expect.objectContaining({ taskDefId: { name: 'echo' } }) })]);
  });

  it('fails a run that loops without waiting with INTERNAL_ERROR after 512 steps', () => {
    const spec = compileSpec(wfSpec('spin', { entrypoint: threadSpec([entry(), nop('a', [{ sinkNodeName: 'b' }]), nop('b', [{ sinkNodeName: 'a' }])]) }), defs);
    const { state } = advance(null, { type: 'RunWf', wfRunId: 'r', variables: {} }, context(spec, defs));
    expect(state.wfRun.status).toBe('ERROR');
    expect(state.wfRun.threadRuns[0]?.failure?.failureName).toBe('INTERNAL_ERROR');
  });
});
