// EXTERNAL_EVENT through the pure reducer: events posted before the node, before the run, claimed
// oldest first, timeouts that fire or go stale, re-posted guids; and the PutWfSpec / content checks.
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/engine/commands.ts';
import { checkExternalEventDefs, normalizeExternalEventDef, typedContent } from '../../src/engine/external-event-specs.ts';
import { advance } from '../../src/engine/reducer.ts';
import type { ExternalEvent, ThreadSpec, VariableValue } from '../../src/engine/types.ts';
import { context, Driver } from '../support/engine-driver.ts';
import { assign, entry, exit, literal, output, task, threadSpec, varDef, variable, wfSpec } from '../support/spec-builder.ts';
import { compileSpec, littlehorseFixture, taskDef } from '../support/specs.ts';

const STEP = taskDef('step', []);

const waitFor = (def: string, extra: object = {}, name = 'wait') => ({
  name,
  body: { externalEvent: { externalEventDefId: { name: def }, ...extra } },
  edges: [] as object[],
});

/** entry -> [a TASK first] -> wait for `approval` (output into `answer`) -> exit. */
function approvalSpec({ taskFirst = false, extra = {} }: { taskFirst?: boolean; extra?: object } = {}) {
  const wait = { ...waitFor('approval', extra), edges: [{ sinkNodeName: 'exit', variableMutations: [assign('answer', output('wait'))] }] };
  const nodes = [entry(), ...(taskFirst ? [task('step', 'step')] : []), wait, exit()];
  return compileSpec(wfSpec('approve', { entrypoint: threadSpec(nodes, [varDef('answer', 'STR'), varDef('seconds', 'INT')]) }), [STEP]);
}

const posted = (guid: string, content: VariableValue, extra: Partial<Command & { type: 'ExternalEventArrived' }> = {}): Command & { type: 'ExternalEventArrived' } => ({
  type: 'ExternalEventArrived', externalEventDefName: 'approval', guid, content, ...extra,
});

/** An event as PutExternalEvent keeps it for a run that does not exist yet. */
function preRunEvent(guid: string, sequence: number, content: VariableValue, def = 'approval'): ExternalEvent {
  return { id: { wfRunId: 'r', externalEventDefId: { name: def }, guid }, createdAt: '2025-12-31T00:00:00.000Z', content, claimed: false, sequence };
}

describe('EXTERNAL_EVENT', () => {
  it('waits for an event, then completes with its content as output and marks the event claimed', () => {
    const d = new Driver({ approve: approvalSpec() }, []);
    d.start('approve', 'r');
    expect(d.run('r').nodeRuns['0/1']).toMatchObject({ status: 'RUNNING', externalEvent: { externalEventDefId: { name: 'approval' }, timedOut: false } });
    expect(d.run('r').wfRun.status).toBe('RUNNING');
    d.apply('r', posted('e1', { str: 'yes' }));
    const state = d.run('r');
    expect(state.wfRun.status).toBe('COMPLETED');
    expect(state.variables['0/answer']?.value).toEqual({ str: 'yes' });
    expect(state.externalEvents?.['approval/e1']).toMatchObject({ claimed: true, threadRunNumber: 0, nodeRunPosition: 1, content: { str: 'yes' } });
    expect(state.nodeRuns['0/1']?.externalEvent).toMatchObject({
      externalEventId: { wfRunId: 'r', externalEventDefId: { name: 'approval' }, guid: 'e1' },
      eventTime: '2026-01-01T00:00:00.000Z',
    });
  });

  it('claims an event posted before the node was reached, as soon as it gets there', () => {
    const d = new Driver({ approve: approvalSpec({ taskFirst: true }) }, [STEP]);
    d.start('approve', 'r');
    d.apply('r', posted('early', { str: 'already' }));
    expect(d.run('r').externalEvents?.['approval/early']).toMatchObject({ claimed: false });
    expect(d.run('r').nodeRuns['0/1']?.status).toBe('RUNNING'); // still on the TASK
    d.workOne('step', {});
    expect(d.run('r').wfRun.status).toBe('COMPLETED');
    expect(d.run('r').variables['0/answer']?.value).toEqual({ str: 'already' });
    expect(d.run('r').externalEvents?.['approval/early']).toMatchObject({ claimed: true, threadRunNumber: 0, nodeRunPosition: 2 });
  });

  it('takes in events posted before the run existed, and claims the oldest', () => {
    const events = [preRunEvent('zz-first', 1, { str: 'first' }), preRunEvent('aa-second', 2, { str: 'second' })];
    const { state } = advance(null, { type: 'RunWf', wfRunId: 'r', variables: {}, externalEvents: events }, context(approvalSpec(), []));
    expect(state.wfRun.status).toBe('COMPLETED');
    expect(state.variables['0/answer']?.value).toEqual({ str: 'first' });
    expect(state.externalEvents?.['approval/zz-first']?.claimed).toBe(true);
    expect(state.externalEvents?.['approval/aa-second']).toEqual(events[1]);
  });

  it('claims unclaimed events oldest first, one per node run, whatever their guids', () => {
    const spec = compileSpec(
      wfSpec('twice', {
        entrypoint: threadSpec(
          [
            entry(), task('step', 'step'),
            { ...waitFor('approval', {}, 'one'), edges: [{ sinkNodeName: 'two', variableMutations: [assign('first', output('one'))] }] },
            { ...waitFor('approval', {}, 'two'), edges: [{ sinkNodeName: 'exit', variableMutations: [assign('second', output('two'))] }] },
            exit(),
          ],
          [varDef('first', 'INT'), varDef('second', 'INT')],
        ),
      }),
      [STEP],
    );
    const d = new Driver({ twice: spec }, [STEP]);
    d.start('twice', 'r');
    for (const [guid, n] of [['c', 1], ['b', 2], ['a', 3]] as const) d.apply('r', posted(guid, { int: n }));
    d.workOne('step', {});
    const state = d.run('r');
    expect(state.wfRun.status).toBe('COMPLETED');
    expect([state.variables['0/first']?.value, state.variables['0/second']?.value]).toEqual([{ int: 1 }, { int: 2 }]);
    expect(Object.values(state.externalEvents ?? {}).map((e) => [e.id.guid, e.sequence, e.claimed])).toEqual(
      expect.arrayContaining([['c', 1, true], ['b', 2, true], ['a', 3, false]]),
    );
  });

  it('leaves events of other defs, and events meant for another thread or node run, unclaimed', () => {
    const d = new Driver({ approve: approvalSpec() }, []);
    d.start('approve', 'r');
    d.apply('r', { ...posted('other', { str: 'x' }), externalEventDefName: 'refusal' });
    d.apply('r', posted('thread-7', { str: 'x' }, { threadRunNumber: 7 }));
    d.apply('r', posted('position-9', { str: 'x' }, { threadRunNumber: 0, nodeRunPosition: 9 }));
    expect(d.run('r').wfRun.status).toBe('RUNNING');
    expect(Object.values(d.run('r').externalEvents ?? {}).every((e) => !e.claimed)).toBe(true);
    d.apply('r', posted('for-me', { str: 'mine' }, { threadRunNumber: 0, nodeRunPosition: 1 }));
    expect(d.run('r').variables['0/answer']?.value).toEqual({ str: 'mine' });
  });

  it('a re-posted guid changes nothing, whatever content it carries', () => {
    const d = new Driver({ approve: approvalSpec({ taskFirst: true }) }, [STEP]);
    d.start('approve', 'r');
    d.apply('r', posted('once', { str: 'first' }));
    const before = structuredClone(d.run('r'));
    d.apply('r', posted('once', { str: 'second' }));
    expect(d.run('r')).toEqual(before);
    d.workOne('step', {});
    d.apply('r', posted('once', { str: 'third' }));
    expect(d.run('r').variables['0/answer']?.value).toEqual({ str: 'first' });
    expect(Object.keys(d.run('r').externalEvents ?? {})).toEqual(['approval/once']);
  });
});

describe('EXTERNAL_EVENT timeout', () => {
  const timed = () => approvalSpec({ extra: { timeoutSeconds: variable('seconds') } });

  it('arms a durable timer of timeoutSeconds on arrival', () => {
    const { effects } = advance(null, { type: 'RunWf', wfRunId: 'r', variables: { seconds: { int: 30 } } }, context(timed(), []));
    expect(effects).toEqual([
      { type: 'ArmTimer', timerId: 'external-event.0.1', delayMs: 30_000, command: { type: 'ExternalEventTimeout', threadRunNumber: 0, position: 1 } },
    ]);
  });

  it('arms no timer when an event is already there', () => {
    const events = [preRunEvent('e', 1, { str: 'yes' })];
    const { effects, state } = advance(null, { type: 'RunWf', wfRunId: 'r', variables: { seconds: { int: 30 } }, externalEvents: events }, context(timed(), []));
    expect(effects).toEqual([]);
    expect(state.wfRun.status).toBe('COMPLETED');
  });

  it('fails the node with TIMEOUT (an ERROR) when no event came, and the WfRun with it', () => {
    const d = new Driver({ approve: timed() }, []);
    d.start('approve', 'r', { seconds: { int: 1 } });
    d.fireTimers();
    const state = d.run('r');
    expect(state.nodeRuns['0/1']).toMatchObject({ status: 'ERROR', externalEvent: { timedOut: true } });
    expect(state.nodeRuns['0/1']?.failures.map((f) => f.failureName)).toEqual(['TIMEOUT']);
    expect(state.wfRun.status).toBe('ERROR');
    expect(state.wfRun.threadRuns[0]?.failure?.failureName).toBe('TIMEOUT');
    // An event that comes too late is kept, unclaimed.
    d.apply('r', posted('late', { str: 'too late' }));
    expect(d.run('r').externalEvents?.['approval/late']?.claimed).toBe(false);
    expect(d.run('r').wfRun.status).toBe('ERROR');
  });

  it('an event that arrives first wins; the timer firing afterwards is stale and changes nothing', () => {
    const d = new Driver({ approve: timed() }, []);
    d.start('approve', 'r', { seconds: { int: 1 } });
    d.apply('r', posted('in-time', { str: 'yes' }));
    expect(d.run('r').wfRun.status).toBe('COMPLETED');
    const before = structuredClone(d.run('r'));
    d.fireTimers();
    expect(d.run('r')).toEqual(before);
  });

  it('a timer for a node run that never waited on an event changes nothing', () => {
    const d = new Driver({ approve: timed() }, []);
    d.start('approve', 'r', { seconds: { int: 1 } });
    const before = structuredClone(d.run('r'));
    d.apply('r', { type: 'ExternalEventTimeout', threadRunNumber: 0, position: 0 });
    d.apply('r', { type: 'ExternalEventTimeout', threadRunNumber: 0, position: 5 });
    expect(d.run('r')).toEqual(before);
  });

  it.each([
    ['negative', { int: -1 }],
    ['NULL', {}],
  ])('a %s timeoutSeconds fails the node with VAR_SUB_ERROR', (_case, seconds) => {
    const { state, effects } = advance(null, { type: 'RunWf', wfRunId: 'r', variables: { seconds } }, context(timed(), []));
    expect(state.nodeRuns['0/1']?.failures[0]?.failureName).toBe('VAR_SUB_ERROR');
    expect(effects).toEqual([]);
  });
});

describe('EXTERNAL_EVENT correlation key', () => {
  const correlated = () => approvalSpec({ extra: { correlationKey: variable('answer'), maskCorrelationKey: true } });
  const start = (externalEvents?: ExternalEvent[]) =>
    advance(null, { type: 'RunWf', wfRunId: 'r', variables: { answer: { str: 'k-1' } }, ...(externalEvents ? { externalEvents } : {}) }, context(correlated(), []));

  it('records the computed key on the node run and asks for a CorrelatedEvent of that key', () => {
    const { state, effects } = start();
    expect(state.nodeRuns['0/1']?.externalEvent).toMatchObject({ correlationKey: 'k-1', maskCorrelationKey: true });
    expect(effects).toEqual([{ type: 'AwaitCorrelatedEvent', wfRunId: 'r', externalEventDefName: 'approval', correlationKey: 'k-1' }]);
  });

  it('asks for nothing when an event is already there', () => {
    expect(start([preRunEvent('e', 1, { str: 'x' })]).effects).toEqual([]);
  });

  it('a correlated event is taken by the node run waiting with its key, and dropped by a run where none waits', () => {
    const d = new Driver({ approve: correlated() }, []);
    d.start('approve', 'r', { answer: { str: 'k-1' } });
    const before = structuredClone(d.run('r'));
    d.apply('r', posted('other-key', { str: 'no' }, { correlationKey: 'k-2' }));
    expect(d.run('r')).toEqual(before);
    d.apply('r', posted('right-key', { str: 'yes' }, { correlationKey: 'k-1' }));
    expect(d.run('r').externalEvents?.['approval/right-key']).toMatchObject({ claimed: true, threadRunNumber: 0, nodeRunPosition: 1 });
    expect(d.run('r').wfRun.status).toBe('COMPLETED');
    const after = structuredClone(d.run('r'));
    d.apply('r', posted('again', { str: 'late' }, { correlationKey: 'k-1' })); // nobody waits any more
    expect(d.run('r')).toEqual(after);
  });
});

describe('the quickstart fixture', () => {
  const TASKS = [
    taskDef('verify-identity', [['full-name', 'STR'], ['email', 'STR'], ['ssn', 'INT']]),
    taskDef('notify-customer-verified', [['full-name', 'STR'], ['email', 'STR']]),
    taskDef('notify-customer-not-verified', [['full-name', 'STR'], ['email', 'STR']]),
  ];
  /** The fixture with no failure handler on its EXTERNAL_EVENT node. */
  function quickstartWithoutHandlers() {
    const req = littlehorseFixture('quickstart-wfspec.json');
    const threads = req.threadSpecs as Record<string, { nodes: Record<string, { failureHandlers: unknown[] }> }>;
    threads.entrypoint!.nodes['2-identity-verified-EXTERNAL_EVENT']!.failureHandlers = [];
    return compileSpec(req, TASKS);
  }
  const inputs = { 'full-name': { str: 'Ada' }, email: { str: 'ada@example.com' }, ssn: { int: 123 } };

  it('runs its EXTERNAL_EVENT part: the BOOL content decides the branch', () => {
    const d = new Driver({ quickstart: quickstartWithoutHandlers() }, TASKS);
    d.start('quickstart', 'r', inputs);
    d.workOne('verify-identity', {});
    expect(d.run('r').nodeRuns['0/2']?.externalEvent).toMatchObject({ correlationKey: 'ada@example.com', maskCorrelationKey: false });
    expect(d.timers.map((t) => t.command)).toEqual([{ type: 'ExternalEventTimeout', threadRunNumber: 0, position: 2 }]);
    d.apply('r', { type: 'ExternalEventArrived', externalEventDefName: 'identity-verified', guid: 'g', content: { bool: true } });
    expect(d.run('r').variables['0/identity-verified']?.value).toEqual({ bool: true });
    d.workOne('notify-customer-verified', {});
    expect(d.run('r').wfRun.status).toBe('COMPLETED');
  });

  it('unchanged, its TIMEOUT is caught by its handler thread, whose EXIT fails the run with customer-not-verified', () => {
    const d = new Driver({ quickstart: compileSpec(littlehorseFixture('quickstart-wfspec.json'), TASKS) }, TASKS);
    d.start('quickstart', 'r', inputs);
    d.workOne('verify-identity', {});
    d.fireTimers();
    expect(d.run('r').nodeRuns['0/2']?.failures.map((f) => f.failureName)).toEqual(['TIMEOUT']);
    d.workOne('notify-customer-not-verified', {});
    expect(d.run('r').wfRun.status).toBe('EXCEPTION');
    expect(d.run('r').wfRun.threadRuns[0]?.failure?.failureName).toBe('customer-not-verified');
  });

  it('its timeout fails the run with TIMEOUT when nobody handles it', () => {
    const d = new Driver({ quickstart: quickstartWithoutHandlers() }, TASKS);
    d.start('quickstart', 'r', inputs);
    d.workOne('verify-identity', {});
    d.fireTimers();
    expect(d.run('r').wfRun.status).toBe('ERROR');
    expect(d.run('r').wfRun.threadRuns[0]?.failure?.failureName).toBe('TIMEOUT');
  });
});

describe('PutWfSpec and PutExternalEventDef checks', () => {
  const specWith = (body: object) => () => compileSpec(wfSpec('w', { entrypoint: threadSpec([entry(), { ...waitFor('approval'), body: { externalEvent: body }, edges: [{ sinkNodeName: 'exit' }] }, exit()]) }), []);

  it('an EXTERNAL_EVENT node needs its def name, and an INT timeout', () => {
    expect(specWith({})).toThrow(/nodes\.wait\.externalEvent\.externalEventDefId\.name: is required/);
    expect(specWith({ externalEventDefId: { name: 'approval' }, timeoutSeconds: literal({ str: 'soon' }) })).toThrow(/externalEvent\.timeoutSeconds: must be an INT/);
    expect(specWith({ externalEventDefId: { name: 'approval' }, timeoutSeconds: literal({ int: '300' }) })).not.toThrow();
  });

  it('an ExternalEventDef that does not exist is refused naming the node and field', () => {
    const threads = approvalSpec().threadSpecs as Record<string, ThreadSpec>;
    expect(() => checkExternalEventDefs(threads, new Set(['other']))).toThrow(
      "threadSpecs.entrypoint.nodes.wait.externalEvent.externalEventDefId: ExternalEventDef 'approval' does not exist",
    );
    expect(() => checkExternalEventDefs(threads, new Set(['approval']))).not.toThrow();
  });

  it('reads the fixture def unchanged: contentType becomes typeInformation', () => {
    const def = normalizeExternalEventDef(littlehorseFixture('identity-verified-external-event-def.json') as never, 't');
    expect(def).toEqual({
      id: { name: 'identity-verified' },
      createdAt: 't',
      retentionPolicy: {},
      typeInformation: { returnType: { primitiveType: 'BOOL', masked: false } },
      correlatedEventConfig: { deleteAfterFirstCorrelation: false },
    });
  });

  it.each([
    [{ name: 'bad_name' }, /name must be/],
    [{ name: 'd', contentType: { returnType: { primitiveType: 'NOPE' } } }, /contentType\.returnType\.primitiveType/],
    [{ name: 'd', retentionPolicy: { secondsAfterPut: 'x' } }, /retentionPolicy\.secondsAfterPut: must be an integer/],
    [{ name: 'd', contentType: {}, typeInformation: {} }, /not both/],
  ])('refuses a bad def: %j', (req, message) => {
    expect(() => normalizeExternalEventDef(req as never, 't')).toThrow(message);
  });

  it('types posted content by the def', () => {
    const typed = normalizeExternalEventDef({ name: 'd', contentType: { returnType: { primitiveType: 'DOUBLE' } } }, 't');
    expect(typedContent(typed, { double: 1.5 })).toEqual({ double: 1.5 });
    expect(typedContent(typed, { int: 2 })).toEqual({ double: 2 });
    expect(typedContent(typed, {})).toEqual({});
    expect(() => typedContent(typed, { str: '1.5' })).toThrow("ExternalEventDef 'd' takes DOUBLE content, got a STR");
    const untyped = normalizeExternalEventDef({ name: 'd' }, 't');
    expect(typedContent(untyped, { jsonObj: { a: 1 } })).toEqual({ jsonObj: { a: 1 } });
    const empty = normalizeExternalEventDef({ name: 'd', contentType: {} }, 't');
    expect(() => typedContent(empty, { str: 'x' })).toThrow(/takes no content/);
  });
});
