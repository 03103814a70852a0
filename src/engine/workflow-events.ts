// THROW_EVENT: records a WorkflowEvent of the node's def with the resolved content, numbered per
// (WfRun, def) from 0, and completes at once. Whoever awaits it is told by the commit that stores it.
import { resolveAssignment } from './assignments.ts';
import type { EngineContext } from './commands.ts';
import { completeNode } from './threads.ts';
import type { NodeRun, RunState, ThreadRun, ThrowEventNode, WorkflowEvent } from './types.ts';

export const workflowEventKey = (workflowEventDefName: string, number: number) => `${workflowEventDefName}/${number}`;

export function arriveAtThrowEvent(state: RunState, ctx: EngineContext, thread: ThreadRun, nodeRun: NodeRun, node: ThrowEventNode): void {
  const content = node.content ? resolveAssignment(state, thread.number, node.content) : {};
  const defName = node.eventDefId.name;
  const events = (state.workflowEvents ??= {});
  const number = Object.values(events).filter((e) => e.id.workflowEventDefId.name === defName).length;
  const event: WorkflowEvent = {
    id: { wfRunId: state.wfRun.id, workflowEventDefId: { name: defName }, number },
    content,
    createdAt: ctx.now,
    nodeRunId: nodeRun.id,
  };
  events[workflowEventKey(defName, number)] = event;
  nodeRun.throwEvent = { workflowEventId: event.id };
  completeNode(nodeRun, ctx);
}
