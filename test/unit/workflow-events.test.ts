// THROW_EVENT through the pure reducer: WorkflowEvents numbered per (WfRun, def) from 0 with the
// resolved content; and PutWfSpec's reading of the node and its check that the def exists.
import { describe, expect, it } from 'vitest';
import { ColtError } from '../../src/errors.ts';
import { checkWorkflowEventDefs, normalizeWorkflowEventDef } from '../../src/engine/workflow-event-specs.ts';
import { Driver } from '../support/engine-driver.ts';
import { entry, exit, literal, nop, threadSpec, varDef, variable, wfSpec, type NodeDef } from '../support/spec-builder.ts';
import { compileSpec, taskDef } from '../support/specs.ts';

const throwEvent = (name: string, def: string, content?: object): NodeDef => ({ name, body: { throwEvent: { eventDefId: { name: def }, ...(content ? { content } : {}) } } });
const step = taskDef('step', []);

function thrower() {
  return compileSpec(
    wfSpec('thrower', {
      entrypoint: threadSpec(
        [entry(), throwEvent('first', 'progress', variable('name')), throwEvent('second', 'progress', literal({ int: 2 })), throwEvent('done', 'finished'), { name: 'task', body: { task: { taskDefId: { name: 'step' }, variables: [] } } }, exit()],
        [varDef('name', 'STR')],
      ),
    }),
    [step],
  );
}

describe('THROW_EVENT', () => {
  it('throws numbered events per def with the resolved content, and moves on at once', () => {
    const d = new Driver({ thrower: thrower() }, [step]);
    const state = d.start('thrower', 'r', { name: { str: 'ada' } });
    expect(state.wfRun.status).toBe('RUNNING'); // at the TASK
    expect(state.workflowEvents).toEqual({
      'progress/0': { id: { wfRunId: 'r', workflowEventDefId: { name: 'progress' }, number: 0 }, content: { str: 'ada' }, createdAt: '2026-01-01T00:00:00.000Z', nodeRunId: { wfRunId: 'r', threadRunNumber: 0, position: 1 } },
      'progress/1': { id: { wfRunId: 'r', workflowEventDefId: { name: 'progress' }, number: 1 }, content: { int: 2 }, createdAt: '2026-01-01T00:00:00.000Z', nodeRunId: { wfRunId: 'r', threadRunNumber: 0, position: 2 } },
      'finished/0': { id: { wfRunId: 'r', workflowEventDefId: { name: 'finished' }, number: 0 }, content: {}, createdAt: '2026-01-01T00:00:00.000Z', nodeRunId: { wfRunId: 'r', threadRunNumber: 0, position: 3 } },
    });
    expect(state.nodeRuns['0/2']).toMatchObject({ status: 'COMPLETED', throwEvent: { workflowEventId: { wfRunId: 'r', workflowEventDefId: { name: 'progress' }, number: 1 } } });
  });

  it('a loop throws a new event each time round', () => {
    const spec = compileSpec(
      wfSpec('loop', {
        entrypoint: threadSpec(
          [
            entry(),
            throwEvent('tick', 'tick', variable('n')),
            nop('again', [
              { sinkNodeName: 'exit', condition: { expression: { lhs: variable('n'), comparator: 'GREATER_THAN_EQ', rhs: literal({ int: 2 }) } } },
              { sinkNodeName: 'tick', variableMutations: [{ lhsName: 'n', operation: 'ADD', rhsAssignment: literal({ int: 1 }) }] },
            ]),
            exit(),
          ],
          [varDef('n', 'INT', { defaultValue: { int: 0 } })],
        ),
      }),
      [],
    );
    const state = new Driver({ loop: spec }, []).start('loop', 'r');
    expect(state.wfRun.status).toBe('COMPLETED');
    expect(Object.values(state.workflowEvents ?? {}).map((e) => [e.id.number, e.content.int])).toEqual([[0, 0], [1, 1], [2, 2]]);
  });

  it('PutWfSpec refuses a THROW_EVENT without eventDefId, and one whose WorkflowEventDef does not exist, naming the field', () => {
    const bad = wfSpec('bad', { entrypoint: threadSpec([entry(), { name: 't', body: { throwEvent: { content: literal({ int: 1 }) } } }, exit()]) });
    expect(() => compileSpec(bad, [])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { field: 'threadSpecs.entrypoint.nodes.t.throwEvent.eventDefId.name' } }));
    const spec = thrower();
    expect(() => checkWorkflowEventDefs(spec.threadSpecs, new Set(['progress']))).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { field: 'threadSpecs.entrypoint.nodes.done.throwEvent.eventDefId' } }),
    );
    expect(() => checkWorkflowEventDefs(spec.threadSpecs, new Set(['progress', 'finished']))).not.toThrow();
  });

  it('reads a WorkflowEventDef with or without a content type, and refuses a bad one', () => {
    expect(normalizeWorkflowEventDef({ name: 'progress', contentType: { returnType: { primitiveType: 'STR' } } }, 'T')).toEqual({
      id: { name: 'progress' }, createdAt: 'T', contentType: { returnType: { primitiveType: 'STR', masked: false } },
    });
    expect(normalizeWorkflowEventDef({ name: 'done' }, 'T')).toEqual({ id: { name: 'done' }, createdAt: 'T', contentType: {} });
    expect(() => normalizeWorkflowEventDef({ name: 'x', contentType: { returnType: { primitiveType: 'NOPE' } } }, 'T')).toThrow(ColtError);
  });
});
