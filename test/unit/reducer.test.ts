import { describe, expect, it } from 'vitest';
import type { EngineContext } from '../../src/engine/commands.ts';
import { advance } from '../../src/engine/reducer.ts';
import type { RunState, VariableValue } from '../../src/engine/types.ts';
import { chainSpecRequest, compileSpec, littlehorseFixture, taskDef } from '../support/specs.ts';

const greet = taskDef('greet', [['name', 'STR']], 'STR');
const basic = compileSpec(littlehorseFixture('example-basic-wfspec.json'), [greet]);

function context(spec = basic, taskDefs = [greet]): EngineContext {
  let n = 0;
  return { now: '2026-01-01T00:00:00.000Z', spec, taskDefs: new Map(taskDefs.map((d) => [d.id.name, d])), newGuid: () => `guid${n++}` };
}

function run(variables: Record<string, VariableValue>, ctx = context()) {
  return advance(null, { type: 'RunWf', wfRunId: 'run1', variables }, ctx);
}

function report(state: RunState, taskGuid: string, attemptNumber: number, rest: object, ctx = context()) {
  return advance(state, { type: 'TaskReported', taskGuid, attemptNumber, status: 'TASK_SUCCESS', ...rest }, ctx);
}

describe('RunWf', () => {
  it('starts thread 0 at the ENTRYPOINT and stops at the first TASK, dispatching attempt 0', () => {
    const { state, effects } = run({ 'input-name': { str: 'Obi' } });
    expect(state.wfRun.status).toBe('RUNNING');
    expect(state.nodeRuns['0/0']?.status).toBe('COMPLETED');
    expect(state.nodeRuns['0/1']).toMatchObject({ nodeName: '1-greet-TASK', status: 'RUNNING', task: { taskRunId: { wfRunId: 'run1', taskGuid: 'guid0' } } });
    expect(effects).toEqual([
      {
        type: 'DispatchTask',
        task: expect.objectContaining({ taskRunId: { wfRunId: 'run1', taskGuid: 'guid0' }, attemptNumber: 0, variables: [{ varName: 'name', value: { str: 'Obi' }, masked: false }] }),
      },
    ]);
    expect(state.variables['0/input-name']?.value).toEqual({ str: 'Obi' });
  });

  it('rejects unknown variables, wrong types and missing required inputs, naming the field', () => {
    expect(() => run({ nope: { int: 1 } })).toThrow(/variables\.nope/);
    const chain = compileSpec(chainSpecRequest('chain', ['greet']), [greet]);
    expect(() => run({}, context(chain))).toThrow(/variables\.input is required/);
    const intInput = chainSpecRequest('ints', ['greet']);
    (intInput.threadSpecs.entrypoint as any).variableDefs[0].varDef.typeDef.primitiveType = 'INT';
    const ints = compileSpec(intInput, [taskDef('greet', [['name', 'INT']])]);
    expect(() => run({ input: { str: 'x' } }, context(ints))).toThrow(/variables\.input is invalid: cannot assign a STR to a INT/);
  });

  it('refuses an id that already exists', () => {
    const { state } = run({});
    expect(() => advance(state, { type: 'RunWf', wfRunId: 'run1', variables: {} }, context())).toThrow(/already exists/);
  });
});

describe('task reports', () => {
  it('completes the node and the WfRun on success, and ignores a second report of the same attempt', () => {
    const started = run({ 'input-name': { str: 'Obi' } }).state;
    const { state, effects } = report(started, 'guid0', 0, { output: { str: 'Hello, Obi!' }, taskWorkerId: 'w1' });
    expect(effects).toEqual([]);
    expect(state.wfRun.status).toBe('COMPLETED');
    expect(state.taskRuns.guid0).toMatchObject({ status: 'TASK_SUCCESS', attempts: [{ status: 'TASK_SUCCESS', output: { str: 'Hello, Obi!' }, taskWorkerId: 'w1' }] });
    expect(state.nodeRuns['0/2']).toMatchObject({ nodeName: '2-exit-EXIT', status: 'COMPLETED' });
    const again = report(state, 'guid0', 0, { status: 'TASK_FAILED' });
    expect(again.state).toEqual(state);
    expect(again.effects).toEqual([]);
  });

  it('does not mutate the state it was given', () => {
    const started = run({ 'input-name': { str: 'Obi' } }).state;
    const copy = structuredClone(started);
    report(started, 'guid0', 0, { output: { str: 'x' } });
    expect(started).toEqual(copy);
  });

  it('feeds each output to the next task through an ASSIGN mutation, and returns the last as thread output', () => {
    const step = taskDef('step', [['x', 'STR']], 'STR');
    const chain = compileSpec(chainSpecRequest('chain', ['step', 'step', 'step']), [step]);
    const ctx = context(chain, [step]);
    let { state, effects } = advance(null, { type: 'RunWf', wfRunId: 'r', variables: { input: { str: 'a' } } }, ctx);
    for (let i = 0; i < 3; i++) {
      const task = effects[0]?.type === 'DispatchTask' ? effects[0].task : undefined;
      expect(task?.variables[0]?.value).toEqual({ str: 'a' + 'b'.repeat(i) });
      ({ state, effects } = report(state, task?.taskRunId.taskGuid ?? '', 0, { output: { str: 'a' + 'b'.repeat(i + 1) } }, ctx));
    }
    expect(state.wfRun.status).toBe('COMPLETED');
    expect(state.wfRun.threadRuns[0]?.output).toEqual({ str: 'abbb' });
    expect(state.variables['0/input']?.value).toEqual({ str: 'abbb' });
  });

  it('fails the WfRun with TASK_FAILURE (ERROR) after the last attempt, retrying only FAILED', () => {
    const req = littlehorseFixture('example-basic-wfspec.json');
    (req.threadSpecs.entrypoint as any).nodes['1-greet-TASK'].task.retries = 1;
    const ctx = context(compileSpec(req, [greet]));
    const started = run({}, ctx).state;
    const retried = report(started, 'guid0', 0, { status: 'TASK_FAILED', error: { type: 'TASK_FAILED', message: 'boom' } }, ctx);
    expect(retried.effects).toEqual([{ type: 'DispatchTask', task: expect.objectContaining({ attemptNumber: 1 }) }]);
    const failed = report(retried.state, 'guid0', 1, { status: 'TASK_FAILED', error: { type: 'TASK_FAILED', message: 'boom' } }, ctx);
    expect(failed.state.wfRun.status).toBe('ERROR');
    expect(failed.state.nodeRuns['0/1']?.failures).toEqual([{ failureName: 'TASK_FAILURE', message: 'boom', wasProperlyHandled: false }]);
    expect(failed.state.taskRuns.guid0?.attempts.map((a) => a.status)).toEqual(['TASK_FAILED', 'TASK_FAILED']);
  });

  it('maps a task exception to an EXCEPTION named by the task, without retrying', () => {
    const started = run({}).state;
    const { state, effects } = report(started, 'guid0', 0, { status: 'TASK_EXCEPTION', exception: { name: 'card-declined', message: 'no funds' } });
    expect(effects).toEqual([]);
    expect(state.wfRun.status).toBe('EXCEPTION');
    expect(state.nodeRuns['0/1']?.failures[0]?.failureName).toBe('card-declined');
  });

  it('turns an output of the wrong type into TASK_OUTPUT_SERDE_ERROR and a VAR_MUTATION_ERROR failure', () => {
    const { state } = report(run({}).state, 'guid0', 0, { output: { int: 5 } });
    expect(state.taskRuns.guid0?.status).toBe('TASK_OUTPUT_SERDE_ERROR');
    expect(state.nodeRuns['0/1']?.failures[0]?.failureName).toBe('VAR_MUTATION_ERROR');
    expect(state.wfRun.status).toBe('ERROR');
  });

  it('records a claim: the attempt becomes RUNNING with the worker id', () => {
    const started = run({}).state;
    const { state } = advance(started, { type: 'TaskClaimed', taskGuid: 'guid0', attemptNumber: 0, taskWorkerId: 'w9' }, context());
    expect(state.taskRuns.guid0?.attempts[0]).toMatchObject({ status: 'TASK_RUNNING', taskWorkerId: 'w9', startTime: '2026-01-01T00:00:00.000Z' });
  });
});
