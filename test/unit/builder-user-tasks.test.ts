// The builder's user tasks and interrupt handlers: the exact USER_TASK node and InterruptDef JSON
// (LittleHorse SDK shapes and names), accepted as they are by PutWfSpec's validation.
import { describe, expect, it } from 'vitest';
import { INPUT, Workflow, WorkflowDefinitionError, type ThreadFunc } from '../../src/builder/index.ts';
import type { TaskDef } from '../../src/engine/types.ts';
import { compileSpec, taskDef } from '../support/specs.ts';

const v = (variableName: string) => ({ variableName });
const lit = (literalValue: object) => ({ literalValue });
const out = (nodeName: string) => ({ nodeOutput: { nodeName } });
const edge = (sinkNodeName: string, extra: object = {}) => ({ sinkNodeName, variableMutations: [], ...extra });
const node = (body: object, outgoingEdges: object[] = [], failureHandlers: object[] = []) => ({ outgoingEdges, failureHandlers, ...body });
const ENTRY = '0-entrypoint-ENTRYPOINT';

const TASK_DEFS: TaskDef[] = [taskDef('remind', [['who', 'STR']]), taskDef('refund', [['why', 'STR']], 'STR')];

const build = (func: ThreadFunc) => new Workflow('wf', func).compile();

describe('assignUserTask', () => {
  it('a USER_TASK node named after its def, assigned to a group; its output (the results) feeds a variable', () => {
    const func: ThreadFunc = (wf) => {
      const decision = wf.declareJsonObj('decision');
      decision.assign(wf.assignUserTask('approve-expense', { userGroup: 'managers' }));
      wf.complete(decision.jsonPath('$.approved'));
    };
    const entrypoint = build(func).threadSpecs.entrypoint!;
    expect(entrypoint.nodes).toEqual({
      [ENTRY]: node({ entrypoint: {} }, [edge('1-approve-expense-USER_TASK')]),
      '1-approve-expense-USER_TASK': node(
        { userTask: { userTaskDefName: 'approve-expense', userGroup: lit({ str: 'managers' }), actions: [] } },
        [edge('2-complete-EXIT', { variableMutations: [{ lhsName: 'decision', operation: 'ASSIGN', rhsAssignment: out('1-approve-expense-USER_TASK') }] })],
      ),
      '2-complete-EXIT': node({ exit: { returnContent: { variableName: 'decision', jsonPath: '$.approved' } } }),
    });
    expect(() => compileSpec(build(func), TASK_DEFS)).not.toThrow();
  });

  it('a user (from a variable) within a group, with notes, a cancellation exception and every timed action', () => {
    const func: ThreadFunc = (wf) => {
      const employee = wf.declareStr('employee');
      const manager = wf.declareStr('manager');
      wf.assignUserTask('approve-expense', { userId: manager, userGroup: 'managers' })
        .withNotes(wf.format('expense of {0}', employee))
        .withOnCancellationException('not-approved')
        .scheduleReminderTask(60, 'remind', manager)
        .scheduleReminderTaskOnAssignment(wf.declareInt('remind-after'), 'remind', 'again')
        .reassignOnDeadline(3600, { userId: 'boss' })
        .releaseToGroupOnDeadline(600)
        .cancelAfter(86_400)
        .cancelAfterAssignment(7200);
    };
    const userTask = build(func).threadSpecs.entrypoint!.nodes['1-approve-expense-USER_TASK']!.userTask;
    const remind = (who: object) => ({ task: { task: { taskDefId: { name: 'remind' }, timeoutSeconds: 0, retries: 0, variables: [who] }, mutations: [] } });
    expect(userTask).toEqual({
      userTaskDefName: 'approve-expense',
      userId: v('manager'),
      userGroup: lit({ str: 'managers' }),
      notes: { formatString: { format: lit({ str: 'expense of {0}' }), args: [v('employee')] } },
      onCancellationExceptionName: lit({ str: 'not-approved' }),
      actions: [
        { ...remind(v('manager')), delaySeconds: lit({ int: 60 }), hook: 'ON_ARRIVAL' },
        { ...remind(lit({ str: 'again' })), delaySeconds: v('remind-after'), hook: 'ON_TASK_ASSIGNED' },
        { reassign: { userId: lit({ str: 'boss' }) }, delaySeconds: lit({ int: 3600 }), hook: 'ON_ARRIVAL' },
        { reassign: { userGroup: lit({ str: 'managers' }) }, delaySeconds: lit({ int: 600 }), hook: 'ON_TASK_ASSIGNED' },
        { cancel: {}, delaySeconds: lit({ int: 86_400 }), hook: 'ON_ARRIVAL' },
        { cancel: {}, delaySeconds: lit({ int: 7200 }), hook: 'ON_TASK_ASSIGNED' },
      ],
    });
    expect(() => compileSpec(build(func), TASK_DEFS)).not.toThrow();
  });

  it('refuses a user task for nobody, and a release to a group the task has none of', () => {
    expect(() => build((wf) => void wf.assignUserTask('approve-expense', {}))).toThrow(WorkflowDefinitionError);
    expect(() => build((wf) => void wf.assignUserTask('approve-expense', { userId: 'ann' }).releaseToGroupOnDeadline(60))).toThrow(/needs a user task assigned with a userGroup/);
    expect(() => build((wf) => void wf.assignUserTask('approve-expense', { userId: 'ann' }).reassignOnDeadline(60, {}))).toThrow(/reassign to a userId or a userGroup/);
  });
});

describe('registerInterruptHandler', () => {
  it('adds an InterruptDef to the thread and a handler thread `interrupt-<event>` whose INPUT is the event content', () => {
    const func: ThreadFunc = (wf) => {
      const note = wf.declareStr('note');
      wf.registerInterruptHandler('cancel-order', (h) => note.assign(h.execute('refund', h.declareStr(INPUT))));
      wf.sleepSeconds(60);
      wf.complete(note);
    };
    const spec = build(func);
    expect(spec.threadSpecs.entrypoint?.interruptDefs).toEqual([{ externalEventDefId: { name: 'cancel-order' }, handlerSpecName: 'interrupt-cancel-order' }]);
    expect(spec.threadSpecs['interrupt-cancel-order']).toEqual({
      nodes: {
        [ENTRY]: node({ entrypoint: {} }, [edge('1-refund-TASK')]),
        '1-refund-TASK': node({ task: { taskDefId: { name: 'refund' }, timeoutSeconds: 0, retries: 0, variables: [v(INPUT)] } }, [
          edge('2-exit-EXIT', { variableMutations: [{ lhsName: 'note', operation: 'ASSIGN', rhsAssignment: out('1-refund-TASK') }] }),
        ]),
        '2-exit-EXIT': node({ exit: {} }),
      },
      variableDefs: [{ varDef: { name: INPUT, typeDef: { primitiveType: 'STR', masked: false } }, required: false, searchable: false, jsonIndexes: [], accessLevel: 'PRIVATE_VAR' }],
      interruptDefs: [],
    });
    expect(() => compileSpec(spec, TASK_DEFS)).not.toThrow();
  });

  it('an interrupt on an event the WfSpec also waits for is refused by PutWfSpec', () => {
    const spec = build((wf) => {
      wf.registerInterruptHandler('cancel-order', () => {});
      wf.waitForEvent('cancel-order');
    });
    expect(() => compileSpec(spec, TASK_DEFS)).toThrow(/triggers an interrupt/);
  });
});
