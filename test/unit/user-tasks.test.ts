// USER_TASK nodes through the pure reducer: the UserTaskRun lifecycle and audit trail, each action
// hook, stale (older-epoch) actions, and the ways a cancelled task fails its node.
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/engine/commands.ts';
import type { UserTaskRun } from '../../src/engine/user-task-types.ts';
import { Driver } from '../support/engine-driver.ts';
import { assign, entry, exit, literal, output, task, threadSpec, varDef, variable, wfSpec } from '../support/spec-builder.ts';
import { compileSpec, taskDef } from '../support/specs.ts';

const remind = taskDef('remind', [['who', 'STR']]);
const defs = [remind];

/** entry -> approve (USER_TASK with `userTask` merged in) -> exit; the edge keeps the node's output in `answer`. */
function approval(userTask: object, vars: object[] = [], extraThreads: Record<string, object> = {}, failureHandlers: object[] = []) {
  const node = {
    name: 'approve',
    body: { userTask: { userTaskDefName: 'approve', userTaskDefVersion: 0, ...userTask }, failureHandlers },
    edges: [{ sinkNodeName: 'exit', variableMutations: [assign('answer', output('approve'))] }],
  };
  return compileSpec(
    wfSpec('approval', { entrypoint: threadSpec([entry(), node, exit()], [varDef('answer', 'JSON_OBJ'), ...vars]), ...extraThreads }),
    defs,
  );
}

const toGroup = { userGroup: literal({ str: 'finance' }) };
const after = (seconds: number) => literal({ int: seconds });

function start(userTask: object = toGroup, vars: Record<string, object> = {}, varDefs: object[] = []) {
  const d = new Driver({ approval: approval(userTask, varDefs) }, defs);
  d.start('approval', 'r', vars);
  return d;
}

const utr = (d: Driver): UserTaskRun => Object.values(d.run('r').userTaskRuns ?? {})[0] as UserTaskRun;
const act = (d: Driver, cmd: Record<string, unknown>) => d.apply('r', { userTaskGuid: utr(d).id.userTaskGuid, ...cmd } as Exclude<Command, { type: 'RunWf' }>);
const eventKinds = (d: Driver) => utr(d).events.map((e) => Object.keys(e).find((k) => k !== 'time'));

describe('USER_TASK arrival', () => {
  it('creates an UNASSIGNED UserTaskRun for a group, and the node waits', () => {
    const d = start({ ...toGroup, notes: literal({ str: 'check the invoice' }) });
    expect(utr(d)).toMatchObject({
      id: { wfRunId: 'r' }, userTaskDefId: { name: 'approve', version: 0 }, userGroup: 'finance', status: 'UNASSIGNED',
      notes: 'check the invoice', nodeRunId: { wfRunId: 'r', threadRunNumber: 0, position: 1 }, epoch: 0, results: {},
      events: [{ time: '2026-01-01T00:00:00.000Z', assigned: { newUserGroup: 'finance' } }],
    });
    expect(d.run('r').nodeRuns['0/1']).toMatchObject({ status: 'RUNNING', userTask: { userTaskRunId: utr(d).id } });
    expect(d.run('r').wfRun.status).toBe('RUNNING');
  });

  it('is ASSIGNED when userId resolves, from a variable', () => {
    const d = start({ userId: variable('who') }, { who: { str: 'ana' } }, [varDef('who', 'STR')]);
    expect(utr(d)).toMatchObject({ userId: 'ana', status: 'ASSIGNED' });
    expect(utr(d).userGroup).toBeUndefined();
  });

  it('fails the node with VAR_ERROR when neither userId nor userGroup is a non-blank STR', () => {
    const d = start({ userId: variable('who') }, { who: { str: '   ' } }, [varDef('who', 'STR')]);
    expect(d.run('r').nodeRuns['0/1']).toMatchObject({ status: 'ERROR', failures: [{ failureName: 'VAR_ERROR' }] });
    expect(d.run('r').wfRun.status).toBe('ERROR');
    expect(d.run('r').userTaskRuns).toBeUndefined();
  });

  it('fails the node with VAR_SUB_ERROR, arming nothing, when an action’s delay is not a non-negative INT', () => {
    const cancel = (delay: object) => ({ cancel: {}, delaySeconds: delay, hook: 'ON_ARRIVAL' });
    const d = start({ ...toGroup, actions: [cancel(after(5)), cancel(literal({ str: 'soon' }))] });
    expect(d.run('r').nodeRuns['0/1']).toMatchObject({ status: 'ERROR', failures: [{ failureName: 'VAR_SUB_ERROR' }] });
    expect(d.run('r').userTaskRuns).toBeUndefined();
    expect(d.timers).toEqual([]);
  });
});

describe('UserTaskRun lifecycle', () => {
  it('UNASSIGNED -> claimed (ASSIGNED) -> DONE: the node completes and its output is the results object', () => {
    const d = start();
    act(d, { type: 'ClaimUserTaskRun', userId: 'ana' });
    expect(utr(d)).toMatchObject({ status: 'ASSIGNED', userId: 'ana', userGroup: 'finance', epoch: 1 });
    act(d, { type: 'CompleteUserTaskRun', userId: 'ana', results: { approved: { bool: true }, amount: { int: 40 } } });
    expect(utr(d)).toMatchObject({ status: 'DONE', results: { approved: { bool: true }, amount: { int: 40 } } });
    expect(eventKinds(d)).toEqual(['assigned', 'assigned', 'completed']);
    expect(d.run('r').nodeRuns['0/1']?.status).toBe('COMPLETED');
    expect(d.run('r').variables['0/answer']?.value).toEqual({ jsonObj: { approved: true, amount: 40 } });
    expect(d.run('r').wfRun.status).toBe('COMPLETED');
  });

  it('a task claimed by someone else needs overrideClaim to be reassigned; assignment replaces both owners', () => {
    const d = start();
    act(d, { type: 'ClaimUserTaskRun', userId: 'ana' });
    expect(() => act(d, { type: 'ClaimUserTaskRun', userId: 'bo' })).toThrow(expect.objectContaining({ code: 'FAILED_PRECONDITION' }));
    expect(() => act(d, { type: 'AssignUserTaskRun', userId: 'bo', overrideClaim: false })).toThrow(expect.objectContaining({ code: 'FAILED_PRECONDITION' }));
    act(d, { type: 'AssignUserTaskRun', userId: 'bo', overrideClaim: true });
    expect(utr(d)).toMatchObject({ userId: 'bo', status: 'ASSIGNED', epoch: 2 });
    expect(utr(d).userGroup).toBeUndefined();
    expect(utr(d).events.at(-1)?.assigned).toEqual({ oldUserId: 'ana', oldUserGroup: 'finance', newUserId: 'bo' });
  });

  it('release gives the task back to its group', () => {
    const d = start();
    act(d, { type: 'ClaimUserTaskRun', userId: 'ana' });
    expect(() => act(d, { type: 'ReleaseUserTaskRun', userId: 'bo' })).toThrow(expect.objectContaining({ code: 'FAILED_PRECONDITION' }));
    act(d, { type: 'ReleaseUserTaskRun', userId: 'ana' });
    expect(utr(d)).toMatchObject({ status: 'UNASSIGNED', userGroup: 'finance' });
    expect(utr(d).userId).toBeUndefined();
  });

  it('completing as another user takes the task over first; a finished task cannot be completed or assigned again', () => {
    const d = start({ userId: literal({ str: 'ana' }) });
    act(d, { type: 'CompleteUserTaskRun', userId: 'bo', results: {} });
    expect(utr(d)).toMatchObject({ status: 'DONE', userId: 'bo' });
    expect(eventKinds(d)).toEqual(['assigned', 'assigned', 'completed']);
    for (const cmd of [
      { type: 'CompleteUserTaskRun', userId: 'bo', results: {} },
      { type: 'AssignUserTaskRun', userId: 'cy', overrideClaim: true },
      { type: 'CancelUserTaskRun' },
    ]) expect(() => act(d, cmd)).toThrow(expect.objectContaining({ code: 'FAILED_PRECONDITION' }));
  });

  it('saving progress replaces the results; FAIL_IF_CLAIMED_BY_OTHER protects the owner, IGNORE_CLAIM does not', () => {
    const d = start({ userId: literal({ str: 'ana' }) });
    act(d, { type: 'SaveUserTaskRunProgress', userId: 'ana', results: { note: { str: 'half' } }, policy: 'FAIL_IF_CLAIMED_BY_OTHER' });
    expect(utr(d).results).toEqual({ note: { str: 'half' } });
    expect(() => act(d, { type: 'SaveUserTaskRunProgress', userId: 'bo', results: {}, policy: 'FAIL_IF_CLAIMED_BY_OTHER' })).toThrow(
      expect.objectContaining({ code: 'FAILED_PRECONDITION' }),
    );
    act(d, { type: 'SaveUserTaskRunProgress', userId: 'bo', results: { amount: { int: 1 } }, policy: 'IGNORE_CLAIM' });
    expect(utr(d).results).toEqual({ amount: { int: 1 } });
    expect(utr(d).events.slice(1)).toEqual([
      { time: expect.any(String), saved: { userId: 'ana', results: { note: { str: 'half' } } } },
      { time: expect.any(String), saved: { userId: 'bo', results: { amount: { int: 1 } } } },
    ]);
  });

  it('comments are added with increasing ids, edited and deleted, all kept in the audit trail', () => {
    const d = start();
    act(d, { type: 'PutUserTaskRunComment', userId: 'ana', comment: 'looking' });
    act(d, { type: 'PutUserTaskRunComment', userId: 'bo', comment: 'me too' });
    act(d, { type: 'EditUserTaskRunComment', userCommentId: 1, userId: 'ana', comment: 'looked' });
    act(d, { type: 'DeleteUserTaskRunComment', userCommentId: 2, userId: 'bo' });
    expect(utr(d).events.slice(1).map(({ time: _t, ...e }) => e)).toEqual([
      { commentAdded: { userCommentId: 1, userId: 'ana', comment: 'looking' } },
      { commentAdded: { userCommentId: 2, userId: 'bo', comment: 'me too' } },
      { commentEdited: { userCommentId: 1, userId: 'ana', comment: 'looked' } },
      { commentDeleted: { userCommentId: 2, userId: 'bo' } },
    ]);
    expect(() => act(d, { type: 'EditUserTaskRunComment', userCommentId: 2, userId: 'bo', comment: 'x' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => act(d, { type: 'DeleteUserTaskRunComment', userCommentId: 9, userId: 'bo' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

describe('USER_TASK actions', () => {
  const reminder = (hook: string, seconds = 60) => ({ task: { task: { taskDefId: { name: 'remind' }, variables: [literal({ str: 'finance' })] } }, delaySeconds: after(seconds), hook });

  it('ON_ARRIVAL: a reminder task after the delay, recorded as taskExecuted; its failure never fails the run', () => {
    const d = start({ ...toGroup, actions: [reminder('ON_ARRIVAL', 3600)] });
    const guid = utr(d).id.userTaskGuid;
    expect(d.otherEffects).toEqual([
      { type: 'ArmTimer', timerId: `user-task.${guid}.0.0`, delayMs: 3_600_000, command: { type: 'UserTaskActionDue', userTaskGuid: guid, actionIndex: 0, epoch: 0 } },
    ]);
    d.fireTimers();
    const [sent] = d.queued();
    expect(sent).toMatchObject({ taskDefId: { name: 'remind' }, variables: [{ varName: 'who', value: { str: 'finance' } }] });
    expect(sent?.source).toEqual({ userTaskTrigger: { nodeRunId: utr(d).nodeRunId, userTaskEventNumber: 1, userGroup: 'finance' }, wfSpecId: d.run('r').wfRun.wfSpecId });
    expect(utr(d).events[1]?.taskExecuted).toEqual({ taskRun: sent?.taskRunId });
    d.workOne('remind', { status: 'TASK_FAILED', error: { type: 'TASK_FAILED', message: 'mail server down' } });
    expect(d.run('r').taskRuns[sent!.taskRunId.taskGuid]?.status).toBe('TASK_FAILED');
    expect(d.run('r').nodeRuns['0/1']?.status).toBe('RUNNING');
    expect(d.run('r').wfRun.status).toBe('RUNNING');
  });

  it('ON_TASK_ASSIGNED: armed on each assignment to a user (not to a group), with that assignment’s epoch', () => {
    const d = start({ ...toGroup, actions: [reminder('ON_TASK_ASSIGNED', 5)] });
    expect(d.timers).toEqual([]);
    act(d, { type: 'ClaimUserTaskRun', userId: 'ana' });
    expect(d.timers.map((t) => t.command)).toEqual([{ type: 'UserTaskActionDue', userTaskGuid: utr(d).id.userTaskGuid, actionIndex: 0, epoch: 1 }]);
    d.fireTimers();
    expect(d.queued()[0]?.source.userTaskTrigger).toMatchObject({ userId: 'ana', userGroup: 'finance' });
  });

  it('a timed reassignment moves the task, and re-arms ON_TASK_ASSIGNED actions for the new owner', () => {
    const reassign = { reassign: { userId: literal({ str: 'boss' }) }, delaySeconds: after(60), hook: 'ON_TASK_ASSIGNED' };
    const d = start({ ...toGroup, actions: [reassign] });
    act(d, { type: 'ClaimUserTaskRun', userId: 'ana' });
    d.fireTimers();
    expect(utr(d)).toMatchObject({ userId: 'boss', status: 'ASSIGNED', epoch: 2 });
    expect(utr(d).events.at(-1)?.assigned).toEqual({ oldUserId: 'ana', oldUserGroup: 'finance', newUserId: 'boss' });
    expect(d.timers.map((t) => t.command)).toEqual([expect.objectContaining({ actionIndex: 0, epoch: 2 })]);
  });

  it('a reassignment armed for an older assignment is stale and changes nothing', () => {
    const reassign = { reassign: { userGroup: literal({ str: 'managers' }) }, delaySeconds: after(60), hook: 'ON_TASK_ASSIGNED' };
    const d = start({ ...toGroup, actions: [reassign] });
    act(d, { type: 'ClaimUserTaskRun', userId: 'ana' }); // epoch 1: timer A
    act(d, { type: 'ReleaseUserTaskRun', userId: 'ana' }); // epoch 2
    act(d, { type: 'ClaimUserTaskRun', userId: 'bo' }); // epoch 3: timer B
    const [timerA, timerB] = d.timers.splice(0);
    const before = structuredClone(d.run('r'));
    d.apply('r', timerA!.command);
    expect(d.run('r')).toEqual(before);
    d.apply('r', timerB!.command);
    expect(utr(d)).toMatchObject({ userGroup: 'managers', status: 'UNASSIGNED', epoch: 4 });
  });

  it('an ON_ARRIVAL reassignment is stale once the task has been claimed', () => {
    const d = start({ ...toGroup, actions: [{ reassign: { userGroup: literal({ str: 'managers' }) }, delaySeconds: after(60), hook: 'ON_ARRIVAL' }] });
    act(d, { type: 'ClaimUserTaskRun', userId: 'ana' });
    d.fireTimers();
    expect(utr(d)).toMatchObject({ userId: 'ana', userGroup: 'finance' });
  });

  it('actions due after the task is done change nothing', () => {
    const d = start({ ...toGroup, actions: [reminder('ON_ARRIVAL'), { cancel: {}, delaySeconds: after(60), hook: 'ON_ARRIVAL' }] });
    act(d, { type: 'CompleteUserTaskRun', userId: 'ana', results: {} });
    const before = structuredClone(d.run('r'));
    d.fireTimers();
    expect(d.run('r')).toEqual(before);
    expect(d.queued()).toEqual([]);
  });
});

describe('USER_TASK cancellation', () => {
  it('a timed cancel fails the node with USER_TASK_CANCELLED', () => {
    const d = start({ ...toGroup, actions: [{ cancel: {}, delaySeconds: after(60), hook: 'ON_ARRIVAL' }] });
    d.fireTimers();
    expect(utr(d).status).toBe('CANCELLED');
    expect(utr(d).events.at(-1)?.cancelled).toBeDefined();
    expect(d.run('r').nodeRuns['0/1']).toMatchObject({ status: 'ERROR', failures: [{ failureName: 'USER_TASK_CANCELLED' }] });
    expect(d.run('r').wfRun.status).toBe('ERROR');
  });

  it('with onCancellationExceptionName the node fails with that EXCEPTION, which a failure handler can catch', () => {
    const handlers = [{ handlerSpecName: 'handler', specificFailure: 'not-approved' }];
    const spec = approval({ ...toGroup, onCancellationExceptionName: literal({ str: 'not-approved' }) }, [], { handler: threadSpec([entry(), exit()]) }, handlers);
    const d = new Driver({ approval: spec }, defs);
    d.start('approval', 'r');
    act(d, { type: 'CancelUserTaskRun' });
    expect(d.run('r').nodeRuns['0/1']).toMatchObject({ status: 'EXCEPTION', failures: [{ failureName: 'not-approved', wasProperlyHandled: true }] });
    expect(d.run('r').wfRun.threadRuns.map((t) => `${t.type}:${t.status}`)).toEqual(['ENTRYPOINT:COMPLETED', 'FAILURE_HANDLER:COMPLETED']);
  });

  it('halting the thread cancels the task; when the thread runs again the node has failed', () => {
    const d = start();
    d.apply('r', { type: 'StopThreadRun', threadRunNumber: 0 });
    expect(d.run('r').wfRun.status).toBe('HALTED');
    expect(utr(d).status).toBe('CANCELLED');
    expect(() => act(d, { type: 'CompleteUserTaskRun', userId: 'ana', results: {} })).toThrow(expect.objectContaining({ code: 'FAILED_PRECONDITION' }));
    d.apply('r', { type: 'ResumeThreadRun', threadRunNumber: 0 });
    expect(d.run('r').nodeRuns['0/1']?.failures[0]?.failureName).toBe('USER_TASK_CANCELLED');
    expect(d.run('r').wfRun.status).toBe('ERROR');
  });
});

describe('USER_TASK in PutWfSpec', () => {
  it('refuses a node without owner, and actions that are not exactly one kind', () => {
    expect(() => approval({})).toThrow(/userTask\.userGroup: a USER_TASK node needs userId or userGroup/);
    expect(() => approval({ ...toGroup, actions: [{ delaySeconds: after(1), cancel: {}, reassign: { userId: literal({ str: 'x' }) } }] })).toThrow(
      /actions\[0\]: needs exactly one of task, cancel, reassign/,
    );
    expect(() => approval({ ...toGroup, actions: [{ cancel: {}, delaySeconds: after(1), hook: 'LATER' }] })).toThrow(/actions\[0\]\.hook/);
    expect(() => approval({ ...toGroup, userId: variable('nobody') })).toThrow(/undeclared variable 'nobody'/);
  });

  it('task() reminders reuse the TASK node reading', () => {
    expect(approval({ ...toGroup, actions: [{ task: { task: task('x', 'remind').body.task }, delaySeconds: after(1) }] }).threadSpecs.entrypoint?.nodes.approve?.userTask?.actions[0]).toMatchObject({
      hook: 'ON_ARRIVAL', task: { task: { taskDefId: { name: 'remind' }, timeoutSeconds: 0, retries: 0 } },
    });
  });
});
