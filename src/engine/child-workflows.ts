// RUN_CHILD_WF starts a child WfRun (id `<parent>_<guid>`, stored with its root) and moves on;
// WAIT_FOR_CHILD_WF waits until that child reports how it ended.
import { resolveAssignment } from './assignments.ts';
import type { Command, EngineContext, Effect } from './commands.ts';
import { failure, NodeFailureError, varSubError } from './failures.ts';
import { completeNode } from './threads.ts';
import type { NodeRun, RunChildWfNode, RunState, ThreadRun, VariableValue, WaitForChildWfNode } from './types.ts';

export function arriveAtRunChildWf(
  state: RunState, ctx: EngineContext, thread: ThreadRun, nodeRun: NodeRun, node: RunChildWfNode, effects: Effect[],
): void {
  const wfSpecName = node.wfSpecName ?? resolveAssignment(state, thread.number, node.wfSpecVar ?? {}).str;
  if (!wfSpecName) throw varSubError('RUN_CHILD_WF: the WfSpec name did not resolve to a STR');
  const variables: Record<string, VariableValue> = {};
  for (const [name, a] of Object.entries(node.inputs)) variables[name] = resolveAssignment(state, thread.number, a);
  const childWfRunId = `${state.wfRun.id}_${ctx.newGuid()}`;
  nodeRun.runChildWf = { childWfRunId, inputs: variables };
  effects.push({
    type: 'StartChildWfRun',
    childWfRunId,
    parentWfRunId: state.wfRun.id,
    wfSpecName,
    ...(node.majorVersion === undefined ? {} : { majorVersion: node.majorVersion }),
    variables,
  });
  completeNode(nodeRun, ctx);
}

export function arriveAtWaitForChildWf(state: RunState, thread: ThreadRun, nodeRun: NodeRun, node: WaitForChildWfNode): void {
  const value = resolveAssignment(state, thread.number, node.childWfRunId);
  const childWfRunId = value.wfRunId?.id ?? value.str;
  if (!childWfRunId) throw varSubError('WAIT_FOR_CHILD_WF: the child WfRun id did not resolve');
  nodeRun.waitForChildWf = { childWfRunId };
}

/** COMPLETED completes the node; an EXCEPTION is rethrown under its name; an ERROR is CHILD_FAILURE. */
export function childWfRunHasEnded(state: RunState, ctx: EngineContext, nodeRun: NodeRun): boolean {
  const childWfRunId = nodeRun.waitForChildWf?.childWfRunId ?? '';
  const result = state.wfRun.childWfRuns?.[childWfRunId];
  if (!result) return false;
  if (result.status === 'COMPLETED') {
    completeNode(nodeRun, ctx);
    return true;
  }
  const f = result.failure;
  if (result.status === 'EXCEPTION' && f) throw new NodeFailureError(failure(f.failureName, `child WfRun ${childWfRunId}: ${f.message}`, f.content));
  throw new NodeFailureError(failure('CHILD_FAILURE', `child WfRun ${childWfRunId} ended with ${result.status}${f ? `: ${f.message}` : ''}`));
}

/** Records how a child ended (once: a repeated notice changes nothing). */
export function onChildWfRunEnded(state: RunState, cmd: Extract<Command, { type: 'ChildWfRunEnded' }>): void {
  state.wfRun.childWfRuns ??= {};
  state.wfRun.childWfRuns[cmd.childWfRunId] ??= cmd.result;
}
