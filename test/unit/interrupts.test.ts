// Interrupts through the pure reducer: an ExternalEvent of an interrupt's def halts the thread
// (and its children), runs the handler with the event's content as INPUT, then resumes or fails
// the interrupted thread; and PutWfSpec's checks on interruptDefs.
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/engine/commands.ts';
import type { WfSpec } from '../../src/engine/types.ts';
import { ColtError } from '../../src/errors.ts';
import { Driver } from '../support/engine-driver.ts';
import { assign, entry, exit, literal, task, threadSpec, varDef, variable, wfSpec, type NodeDef } from '../support/spec-builder.ts';
import { compileSpec, taskDef } from '../support/specs.ts';

const notify = taskDef('notify', [['what', 'STR']], 'STR');
const step = taskDef('step', []);
const defs = [notify, step];

const waitFor = (def: string, name = 'wait'): NodeDef => ({ name, body: { externalEvent: { externalEventDefId: { name: def } } } });
const sleep = (name = 'nap'): NodeDef => ({ name, body: { sleep: { rawSeconds: literal({ int: 60 }) } } });
const startChild = (): NodeDef => ({ name: 'spawn', body: { startThread: { threadSpecName: 'child', variables: {} } } });

/** The handler: tells `notify` the INPUT, and its edge copies INPUT into the interrupted thread's `reason`. */
const notifyHandler = () => [entry(), { ...task('tell', 'notify', [variable('INPUT')]), edges: [{ sinkNodeName: 'exit', variableMutations: [assign('reason', variable('INPUT'))] }] }, exit()];

/** entry -> [step TASK] -> start a sleeping child -> wait for `approval` -> exit; `cancel` interrupts the entrypoint thread. */
function cancellable({ taskFirst = false, handler = notifyHandler() }: { taskFirst?: boolean; handler?: NodeDef[] } = {}): WfSpec {
  const main = threadSpec([entry(), ...(taskFirst ? [task('step', 'step')] : []), startChild(), waitFor('approval'), exit()], [varDef('reason', 'STR')]);
  return compileSpec(
    wfSpec('order', {
      entrypoint: { ...main, interruptDefs: [{ externalEventDefId: { name: 'cancel' }, handlerSpecName: 'on-cancel' }] },
      child: threadSpec([entry(), sleep(), exit()]),
      'on-cancel': threadSpec(handler, [varDef('INPUT', 'STR')]),
    }),
    defs,
  );
}

type Arrived = Extract<Command, { type: 'ExternalEventArrived' }>;
const cancel = (guid: string, text: string, extra: object = {}): Arrived => ({
  type: 'ExternalEventArrived', externalEventDefName: 'cancel', guid, content: { str: text }, ...extra,
});
const approval = (guid: string): Arrived => ({ type: 'ExternalEventArrived', externalEventDefName: 'approval', guid, content: { str: 'ok' } });
const threads = (d: Driver) => d.run('r').wfRun.threadRuns.map((t) => `${t.number}:${t.type}:${t.status}`);

describe('interrupts', () => {
  it('halts the thread and its children, runs the handler with the event content as INPUT, then resumes where it was', () => {
    const d = new Driver({ order: cancellable() }, defs);
    d.start('order', 'r');
    expect(threads(d)).toEqual(['0:ENTRYPOINT:RUNNING', '1:CHILD:RUNNING']);
    d.apply('r', cancel('c1', 'customer asked'));
    const state = d.run('r');
    expect(threads(d)).toEqual(['0:ENTRYPOINT:HALTED', '1:CHILD:HALTED', '2:INTERRUPT:RUNNING']);
    expect(state.wfRun.status).toBe('HALTED');
    expect(state.wfRun.pendingInterrupts).toEqual([]);
    expect(state.wfRun.threadRuns[0]?.haltReasons).toEqual([{ interrupted: { interruptThreadId: 2 } }]);
    expect(state.wfRun.threadRuns[1]?.haltReasons).toEqual([{ parentHalted: { parentThreadId: 0 } }]);
    expect(state.wfRun.threadRuns[2]).toMatchObject({ parentThreadId: 0, threadSpecName: 'on-cancel', interruptTriggerId: { wfRunId: 'r', externalEventDefId: { name: 'cancel' }, guid: 'c1' } });
    expect(state.variables['2/INPUT']?.value).toEqual({ str: 'customer asked' });
    expect(state.externalEvents?.['cancel/c1']).toMatchObject({ claimed: true, threadRunNumber: 0 });
    expect(state.nodeRuns['0/2']).toMatchObject({ nodeName: 'wait', status: 'RUNNING' });
    expect(d.queued().map((t) => [t.taskDefId.name, t.variables[0]?.value])).toEqual([['notify', { str: 'customer asked' }]]);

    d.workOne('notify', { output: { str: 'told' } });
    expect(threads(d)).toEqual(['0:ENTRYPOINT:RUNNING', '1:CHILD:RUNNING', '2:INTERRUPT:COMPLETED']);
    expect(d.run('r').wfRun.threadRuns[0]?.haltReasons).toEqual([]);
    expect(d.run('r').variables['0/reason']?.value).toEqual({ str: 'customer asked' }); // written by the handler
    d.apply('r', approval('a1'));
    d.fireTimers();
    expect(d.run('r').wfRun.status).toBe('COMPLETED');
  });

  it('a thread with a task in flight stays HALTING, and the handler starts only once the task has reported', () => {
    const d = new Driver({ order: cancellable({ taskFirst: true }) }, defs);
    d.start('order', 'r');
    d.apply('r', cancel('c1', 'stop'));
    expect(threads(d)).toEqual(['0:ENTRYPOINT:HALTING']);
    expect(d.run('r').wfRun.pendingInterrupts).toEqual([
      { externalEventId: { wfRunId: 'r', externalEventDefId: { name: 'cancel' }, guid: 'c1' }, handlerSpecName: 'on-cancel', interruptedThreadId: 0 },
    ]);
    expect(d.run('r').wfRun.threadRuns[0]?.haltReasons).toEqual([{ pendingInterrupt: { externalEventId: { wfRunId: 'r', externalEventDefId: { name: 'cancel' }, guid: 'c1' } } }]);
    d.workOne('step', {});
    expect(threads(d)).toEqual(['0:ENTRYPOINT:HALTED', '1:INTERRUPT:RUNNING']);
    expect(d.run('r').nodeRuns['0/1']).toMatchObject({ nodeName: 'step', status: 'COMPLETED' });
    expect(d.run('r').nodeRuns['0/2']).toBeUndefined(); // the thread did not move on while halted
    d.workOne('notify', { output: { str: 'told' } });
    expect(threads(d)).toEqual(['0:ENTRYPOINT:RUNNING', '1:INTERRUPT:COMPLETED', '2:CHILD:RUNNING']);
    expect(d.run('r').nodeRuns['0/3']).toMatchObject({ nodeName: 'wait', status: 'RUNNING' });
  });

  it('a handler that fails with an ERROR fails the interrupted thread, its waiting node and the WfRun with that failure', () => {
    const d = new Driver({ order: cancellable() }, defs);
    d.start('order', 'r');
    d.apply('r', cancel('c1', 'stop'));
    d.workOne('notify', { status: 'TASK_FAILED', error: { type: 'TASK_FAILED', message: 'mail server down' } });
    const state = d.run('r');
    expect(threads(d)).toEqual(['0:ENTRYPOINT:ERROR', '1:CHILD:HALTED', '2:INTERRUPT:ERROR']);
    expect(state.wfRun.status).toBe('ERROR');
    expect(state.wfRun.threadRuns[0]?.failure).toMatchObject({ failureName: 'TASK_FAILURE', wasProperlyHandled: false });
    expect(state.nodeRuns['0/2']).toMatchObject({ nodeName: 'wait', status: 'ERROR', failures: [{ failureName: 'TASK_FAILURE' }] });
  });

  it('a handler that throws an EXCEPTION ends the interrupted thread in EXCEPTION with the same name', () => {
    const handler = [entry(), exit({ failureDef: { failureName: 'order-cancelled', message: 'cancelled by the customer' } })];
    const d = new Driver({ order: cancellable({ handler }) }, defs);
    d.start('order', 'r');
    d.apply('r', cancel('c1', 'stop'));
    expect(threads(d)).toEqual(['0:ENTRYPOINT:EXCEPTION', '1:CHILD:HALTED', '2:INTERRUPT:EXCEPTION']);
    expect(d.run('r').wfRun.status).toBe('EXCEPTION');
    expect(d.run('r').wfRun.threadRuns[0]).toMatchObject({ errorMessage: 'cancelled by the customer', failure: { failureName: 'order-cancelled' } });
  });

  it('an event of a def no running thread declares interrupts nothing, and a re-posted guid interrupts once', () => {
    const d = new Driver({ order: cancellable() }, defs);
    d.start('order', 'r');
    d.apply('r', cancel('c-for-1', 'stop', { threadRunNumber: 1 })); // thread 1 (child) declares no interrupt
    expect(threads(d)).toEqual(['0:ENTRYPOINT:RUNNING', '1:CHILD:RUNNING']);
    expect(d.run('r').externalEvents?.['cancel/c-for-1']?.claimed).toBe(false);
    d.apply('r', cancel('c1', 'stop'));
    d.apply('r', cancel('c1', 'stop'));
    expect(threads(d)).toEqual(['0:ENTRYPOINT:HALTED', '1:CHILD:HALTED', '2:INTERRUPT:RUNNING']);
    expect(d.queued()).toHaveLength(1);
  });

  it('a second interrupt while the first handler runs starts its own handler beside it; the thread resumes when both completed', () => {
    const d = new Driver({ order: cancellable() }, defs);
    d.start('order', 'r');
    d.apply('r', cancel('c1', 'first'));
    d.apply('r', cancel('c2', 'second'));
    expect(threads(d)).toEqual(['0:ENTRYPOINT:HALTED', '1:CHILD:HALTED', '2:INTERRUPT:RUNNING', '3:INTERRUPT:RUNNING']); // the running handler is not halted
    expect(d.run('r').wfRun.threadRuns[0]?.haltReasons).toEqual([{ interrupted: { interruptThreadId: 2 } }, { interrupted: { interruptThreadId: 3 } }]);
    expect(d.run('r').variables['3/INPUT']?.value).toEqual({ str: 'second' });
    d.workOne('notify', { output: { str: 'told' } });
    expect(threads(d)).toEqual(['0:ENTRYPOINT:HALTED', '1:CHILD:HALTED', '2:INTERRUPT:COMPLETED', '3:INTERRUPT:RUNNING']);
    d.workOne('notify', { output: { str: 'told' } });
    expect(threads(d)).toEqual(['0:ENTRYPOINT:RUNNING', '1:CHILD:RUNNING', '2:INTERRUPT:COMPLETED', '3:INTERRUPT:COMPLETED']);
    expect(d.run('r').variables['0/reason']?.value).toEqual({ str: 'second' });
  });
});

describe('interrupts and other halts', () => {
  it('a stopped run is interrupted at once; resuming does not end the interrupt, and a stop halts the handler too', () => {
    const d = new Driver({ order: cancellable() }, defs);
    d.start('order', 'r');
    d.apply('r', { type: 'StopThreadRun', threadRunNumber: 0 });
    d.apply('r', cancel('c1', 'stop'));
    expect(threads(d)).toEqual(['0:ENTRYPOINT:HALTED', '1:CHILD:HALTED', '2:INTERRUPT:RUNNING']);
    d.apply('r', { type: 'ResumeThreadRun', threadRunNumber: 0 });
    expect(d.run('r').wfRun.threadRuns[0]?.haltReasons).toEqual([{ interrupted: { interruptThreadId: 2 } }]); // still interrupted
    d.apply('r', { type: 'StopThreadRun', threadRunNumber: 0 });
    d.workOne('notify', { output: { str: 'told' } });
    expect(threads(d)).toEqual(['0:ENTRYPOINT:HALTED', '1:CHILD:HALTED', '2:INTERRUPT:HALTED']); // halted with its parent
    expect(d.run('r').wfRun.threadRuns[0]?.haltReasons).toEqual([{ interrupted: { interruptThreadId: 2 } }, { manualHalt: {} }]);
    d.apply('r', { type: 'ResumeThreadRun', threadRunNumber: 0 });
    expect(threads(d)).toEqual(['0:ENTRYPOINT:RUNNING', '1:CHILD:RUNNING', '2:INTERRUPT:COMPLETED']);
  });

  it('a handler that cannot start (INPUT of the wrong type) fails the interrupted thread with CHILD_FAILURE', () => {
    const spec = cancellable();
    spec.threadSpecs['on-cancel']!.variableDefs[0]!.varDef.typeDef.primitiveType = 'INT';
    const d = new Driver({ order: spec }, defs);
    d.start('order', 'r');
    d.apply('r', cancel('c1', 'not a number'));
    expect(threads(d)).toEqual(['0:ENTRYPOINT:ERROR', '1:CHILD:HALTED']);
    expect(d.run('r').wfRun.threadRuns[0]?.failure).toMatchObject({ failureName: 'CHILD_FAILURE' });
    expect(d.run('r').wfRun.pendingInterrupts).toEqual([]);
  });
});

describe('PutWfSpec interruptDefs', () => {
  const withInterrupt = (interruptDefs: object[], mainNodes: NodeDef[] = [entry(), waitFor('approval'), exit()]) =>
    wfSpec('w', { entrypoint: { ...threadSpec(mainNodes), interruptDefs }, 'on-cancel': threadSpec([entry(), exit()]) });

  const refusal = (req: ReturnType<typeof withInterrupt>) => {
    try {
      compileSpec(req, defs);
    } catch (err) {
      return err as ColtError;
    }
    throw new Error('accepted');
  };

  it('keeps interruptDefs as given', () => {
    const spec = compileSpec(withInterrupt([{ externalEventDefId: { name: 'cancel' }, handlerSpecName: 'on-cancel' }]), defs);
    expect(spec.threadSpecs.entrypoint?.interruptDefs).toEqual([{ externalEventDefId: { name: 'cancel' }, handlerSpecName: 'on-cancel' }]);
  });

  it.each([
    ['an unknown handler thread spec', [{ externalEventDefId: { name: 'cancel' }, handlerSpecName: 'nope' }], 'threadSpecs.entrypoint.interruptDefs[0].handlerSpecName'],
    ['a def an EXTERNAL_EVENT node waits on', [{ externalEventDefId: { name: 'approval' }, handlerSpecName: 'on-cancel' }], 'threadSpecs.entrypoint.interruptDefs[0].externalEventDefId'],
    ['no def name', [{ handlerSpecName: 'on-cancel' }], 'threadSpecs.entrypoint.interruptDefs[0].externalEventDefId.name'],
    ['no handler', [{ externalEventDefId: { name: 'cancel' } }], 'threadSpecs.entrypoint.interruptDefs[0].handlerSpecName'],
  ])('refuses %s with INVALID_ARGUMENT naming the field', (_case, interruptDefs, field) => {
    const err = refusal(withInterrupt(interruptDefs));
    expect(err).toBeInstanceOf(ColtError);
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.details).toEqual({ field });
  });
});
