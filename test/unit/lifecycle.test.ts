// Node failure handlers, StopWfRun / ResumeWfRun and RescueThreadRun through the pure reducer.
import { describe, expect, it } from 'vitest';
import { Driver } from '../support/engine-driver.ts';
import { assign, entry, exit, literal, task, threadSpec, varDef, variable, wfSpec } from '../support/spec-builder.ts';
import { compileSpec, taskDef } from '../support/specs.ts';

const charge = taskDef('charge', [['amount', 'INT']], 'STR');
const notify = taskDef('notify', [['what', 'STR']], 'STR');
const defs = [charge, notify];
const declined = { status: 'TASK_EXCEPTION' as const, exception: { name: 'card-declined', message: 'no funds', content: { str: 'card-42' } } };
const broken = { status: 'TASK_FAILED' as const, error: { type: 'TASK_FAILED', message: 'gateway down' } };

/** charge (with `handlers`) -> notify -> exit; the edge after charge sets `charged`. */
function order(handlers: object[], handlerNodes = [entry(), task('tell', 'notify', [variable('INPUT')]), exit()]) {
  return compileSpec(
    wfSpec('order', {
      entrypoint: threadSpec(
        [
          entry(),
          { name: 'charge', body: { task: { taskDefId: { name: 'charge' }, variables: [literal({ int: 10 })] }, failureHandlers: handlers }, edges: [{ sinkNodeName: 'notify', variableMutations: [assign('charged', literal({ bool: true }))] }] },
          task('notify', 'notify', [literal({ str: 'done' })]),
          exit(),
        ],
        [varDef('charged', 'BOOL', { defaultValue: { bool: false } })],
      ),
      handler: threadSpec(handlerNodes, [varDef('INPUT', 'STR')]),
    }),
    defs,
  );
}

const threads = (d: Driver) => d.run('r').wfRun.threadRuns.map((t) => `${t.number}:${t.type}:${t.status}`);

describe('node failure handlers', () => {
  it('an EXCEPTION caught by name runs the handler with the failure content as INPUT, then continues after the node without its mutations', () => {
    const d = new Driver({ order: order([{ handlerSpecName: 'handler', specificFailure: 'card-declined' }]) }, defs);
    d.start('order', 'r');
    d.workOne('charge', declined);
    expect(threads(d)).toEqual(['0:ENTRYPOINT:HALTED', '1:FAILURE_HANDLER:RUNNING']);
    expect(d.run('r').variables['1/INPUT']?.value).toEqual({ str: 'card-42' });
    expect(d.run('r').nodeRuns['0/1']).toMatchObject({ status: 'EXCEPTION', failureHandlerIds: [1], failures: [{ failureName: 'card-declined', failureHandlerThreadRunId: 1 }] });
    d.workOne('notify', { output: { str: 'told' } }); // the handler's task
    expect(threads(d)).toEqual(['0:ENTRYPOINT:RUNNING', '1:FAILURE_HANDLER:COMPLETED']);
    expect(d.run('r').nodeRuns['0/1']?.failures[0]?.wasProperlyHandled).toBe(true);
    expect(d.run('r').nodeRuns['0/2']).toMatchObject({ nodeName: 'notify', status: 'RUNNING' });
    d.work(() => ({ output: { str: 'ok' } }));
    expect(d.run('r').wfRun.status).toBe('COMPLETED');
    expect(d.run('r').variables['0/charged']?.value).toEqual({ bool: false }); // the edge's mutation was skipped
  });

  it.each([
    ['FAILURE_TYPE_ERROR catches TASK_FAILURE', { anyFailureOfType: 'FAILURE_TYPE_ERROR' }, broken, true],
    ['FAILURE_TYPE_EXCEPTION does not catch TASK_FAILURE', { anyFailureOfType: 'FAILURE_TYPE_EXCEPTION' }, broken, false],
    ['FAILURE_TYPE_EXCEPTION catches a user exception', { anyFailureOfType: 'FAILURE_TYPE_EXCEPTION' }, declined, true],
    ['TASK_ERROR catches TASK_FAILURE', { specificFailure: 'TASK_ERROR' }, broken, true],
    ['a handler with no filter catches anything', {}, broken, true],
  ])('%s', (_case, filter, outcome, caught) => {
    const d = new Driver({ order: order([{ handlerSpecName: 'handler', ...filter }]) }, defs);
    d.start('order', 'r');
    d.workOne('charge', outcome);
    expect(d.run('r').wfRun.threadRuns.length).toBe(caught ? 2 : 1);
    expect(d.run('r').wfRun.status).toBe(caught ? 'HALTED' : outcome === broken ? 'ERROR' : 'EXCEPTION');
  });

  it('a handler that fails fails the thread with the handler’s failure', () => {
    const failingHandler = [entry(), exit({ failureDef: { failureName: 'order-abandoned', message: 'gave up' } })];
    const d = new Driver({ order: order([{ handlerSpecName: 'handler' }], failingHandler) }, defs);
    d.start('order', 'r');
    d.workOne('charge', declined);
    expect(d.run('r').wfRun.status).toBe('EXCEPTION');
    expect(d.run('r').wfRun.threadRuns[0]?.failure?.failureName).toBe('order-abandoned');
  });
});

describe('RescueThreadRun', () => {
  it('re-runs the failed node as a new NodeRun with a new TaskRun, and the run completes', () => {
    const d = new Driver({ order: order([]) }, defs);
    d.start('order', 'r');
    d.workOne('charge', broken);
    expect(d.run('r').wfRun).toMatchObject({ status: 'ERROR', endTime: expect.any(String) });
    d.apply('r', { type: 'RescueThreadRun', threadRunNumber: 0, skipCurrentNode: false });
    const rescued = d.run('r');
    expect(rescued.wfRun.status).toBe('RUNNING');
    expect(rescued.wfRun.endTime).toBeUndefined();
    expect(rescued.nodeRuns['0/2']).toMatchObject({ nodeName: 'charge', status: 'RUNNING' });
    expect(Object.keys(rescued.taskRuns)).toHaveLength(2);
    d.work(() => ({ output: { str: 'ok' } }));
    expect(d.run('r').wfRun.status).toBe('COMPLETED');
    expect(d.run('r').variables['0/charged']?.value).toEqual({ bool: true });
  });

  it('with skipCurrentNode follows the failed node’s edges, mutations included', () => {
    const d = new Driver({ order: order([]) }, defs);
    d.start('order', 'r');
    d.workOne('charge', broken);
    d.apply('r', { type: 'RescueThreadRun', threadRunNumber: 0, skipCurrentNode: true });
    expect(d.run('r').nodeRuns['0/2']).toMatchObject({ nodeName: 'notify', status: 'RUNNING' });
    expect(d.run('r').variables['0/charged']?.value).toEqual({ bool: true });
  });

  it.each([
    ['a RUNNING thread', null],
    ['a thread in EXCEPTION', declined],
  ])('refuses %s with FAILED_PRECONDITION', (_case, outcome) => {
    const d = new Driver({ order: order([]) }, defs);
    d.start('order', 'r');
    if (outcome) d.workOne('charge', outcome);
    expect(() => d.apply('r', { type: 'RescueThreadRun', threadRunNumber: 0, skipCurrentNode: false })).toThrow(
      expect.objectContaining({ code: 'FAILED_PRECONDITION' }),
    );
  });
});

describe('StopWfRun and ResumeWfRun', () => {
  it('stopping with a task in flight is HALTING until the task reports, then HALTED; resuming continues', () => {
    const d = new Driver({ order: order([]) }, defs);
    d.start('order', 'r');
    d.apply('r', { type: 'StopThreadRun', threadRunNumber: 0 });
    expect(d.run('r').wfRun.status).toBe('HALTING');
    d.workOne('charge', { output: { str: 'charged' } });
    expect(d.run('r').wfRun.status).toBe('HALTED');
    expect(d.run('r').nodeRuns['0/1']?.status).toBe('COMPLETED');
    expect(d.queued()).toEqual([]); // halted: the next task is not dispatched
    d.apply('r', { type: 'ResumeThreadRun', threadRunNumber: 0 });
    expect(d.run('r').wfRun.status).toBe('RUNNING');
    expect(d.queued().map((t) => t.taskDefId.name)).toEqual(['notify']);
    d.work(() => ({ output: { str: 'ok' } }));
    expect(d.run('r').wfRun.status).toBe('COMPLETED');
  });

  it('stopping twice is one halt; a thread number out of range is INVALID_ARGUMENT; an ended thread cannot be stopped', () => {
    const d = new Driver({ order: order([]) }, defs);
    d.start('order', 'r');
    d.apply('r', { type: 'StopThreadRun', threadRunNumber: 0 });
    d.apply('r', { type: 'StopThreadRun', threadRunNumber: 0 });
    expect(d.run('r').wfRun.threadRuns[0]?.haltReasons).toEqual([{ manualHalt: {} }]);
    expect(() => d.apply('r', { type: 'StopThreadRun', threadRunNumber: 7 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    d.apply('r', { type: 'ResumeThreadRun', threadRunNumber: 0 });
    d.work(() => ({ output: { str: 'ok' } }));
    expect(() => d.apply('r', { type: 'StopThreadRun', threadRunNumber: 0 })).toThrow(expect.objectContaining({ code: 'FAILED_PRECONDITION' }));
  });
});
