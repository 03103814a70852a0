// How ThreadRuns move: arrive at a node, leave it by the first true edge, fail, complete.
// Runs until nothing moves (LittleHorse's advance loop), inside one command.
import { resolveAssignment } from './assignments.ts';
import type { EngineContext, Effect } from './commands.ts';
import { compare } from './comparators.ts';
import { failure, NodeFailureError, statusOfFailure } from './failures.ts';
import { applyMutations } from './mutations.ts';
import { currentNodeRun, nodeRunKey } from './run-state.ts';
import { nodeOf, nodeTypeOf } from './spec.ts';
import { arriveAtTask } from './tasks.ts';
import type { Edge, Failure, Node, NodeRun, RunState, ThreadRun } from './types.ts';

const MAX_STEPS_PER_COMMAND = 512;

export function advanceThreads(state: RunState, ctx: EngineContext, effects: Effect[]): void {
  for (let step = 0; step < MAX_STEPS_PER_COMMAND; step++) {
    const moved = state.wfRun.threadRuns.filter((t) => t.status === 'RUNNING').map((t) => stepThread(state, ctx, t, effects));
    if (!moved.includes(true)) return;
  }
  const thread = state.wfRun.threadRuns[0] as ThreadRun;
  failNode(state, ctx, currentNodeRun(state, thread), failure('INTERNAL_ERROR', 'tight loop: too many steps in one command'));
}

/** One move of a running thread; false when it waits. */
function stepThread(state: RunState, ctx: EngineContext, thread: ThreadRun, effects: Effect[]): boolean {
  const nodeRun = currentNodeRun(state, thread);
  if (nodeRun.status === 'ERROR' || nodeRun.status === 'EXCEPTION') {
    failThread(state, ctx, thread, nodeRun.failures.at(-1) as Failure);
    return true;
  }
  if (nodeRun.status !== 'COMPLETED') return false;
  const node = nodeOf(ctx.spec, thread.threadSpecName, nodeRun.nodeName);
  try {
    const edge = chooseEdge(state, thread, node);
    applyMutations(state, ctx.spec, nodeRun, edge.variableMutations);
    arrive(state, ctx, thread, edge.sinkNodeName, effects);
  } catch (err) {
    if (!(err instanceof NodeFailureError)) throw err;
    failNode(state, ctx, nodeRun, { ...err.failure, message: `Failed evaluating edge: ${err.failure.message}` });
  }
  return true;
}

function chooseEdge(state: RunState, thread: ThreadRun, node: Node): Edge {
  const edge = node.outgoingEdges.find((e) => edgeIsTrue(state, thread, e));
  if (!edge) throw new NodeFailureError(failure('VAR_SUB_ERROR', 'no outgoing edge condition was true'));
  return edge;
}

function edgeIsTrue(state: RunState, thread: ThreadRun, edge: Edge): boolean {
  if (edge.legacyCondition) {
    const { left, comparator, right } = edge.legacyCondition;
    return compare(resolveAssignment(state, thread.number, left), comparator, resolveAssignment(state, thread.number, right));
  }
  if (!edge.condition) return true;
  const value = resolveAssignment(state, thread.number, edge.condition);
  if (value.bool === undefined) throw new NodeFailureError(failure('VAR_SUB_ERROR', 'edge condition is not a BOOL'));
  return value.bool;
}

/** Creates the thread's next NodeRun for `nodeName` and runs the node's arrival. */
export function arrive(state: RunState, ctx: EngineContext, thread: ThreadRun, nodeName: string, effects: Effect[]): void {
  const isFirst = state.nodeRuns[nodeRunKey(thread.number, 0)] === undefined;
  const position = isFirst ? 0 : thread.currentNodePosition + 1;
  const nodeRun: NodeRun = {
    id: { wfRunId: state.wfRun.id, threadRunNumber: thread.number, position },
    wfSpecId: ctx.spec.id,
    failureHandlerIds: [],
    status: 'RUNNING',
    arrivalTime: ctx.now,
    threadSpecName: thread.threadSpecName,
    nodeName,
    failures: [],
  };
  state.nodeRuns[nodeRunKey(thread.number, position)] = nodeRun;
  thread.currentNodePosition = position;
  const node = nodeOf(ctx.spec, thread.threadSpecName, nodeName);
  try {
    arriveAtNode(state, ctx, thread, nodeRun, node, effects);
  } catch (err) {
    if (!(err instanceof NodeFailureError)) throw err;
    failNode(state, ctx, nodeRun, err.failure);
  }
}

function arriveAtNode(state: RunState, ctx: EngineContext, thread: ThreadRun, nodeRun: NodeRun, node: Node, effects: Effect[]): void {
  switch (nodeTypeOf(node)) {
    case 'entrypoint':
    case 'nop':
      nodeRun[nodeTypeOf(node) as 'entrypoint' | 'nop'] = {};
      return completeNode(nodeRun, ctx);
    case 'task':
      return arriveAtTask(state, ctx, nodeRun, node.task as NonNullable<Node['task']>, effects);
    case 'exit':
      nodeRun.exit = {};
      return exitThread(state, ctx, thread, nodeRun, node.exit as NonNullable<Node['exit']>);
  }
}

function exitThread(state: RunState, ctx: EngineContext, thread: ThreadRun, nodeRun: NodeRun, exit: NonNullable<Node['exit']>): void {
  if (exit.failureDef) {
    const { failureName, message, content } = exit.failureDef;
    const value = content ? resolveAssignment(state, thread.number, content) : undefined;
    throw new NodeFailureError(failure(failureName, message, value));
  }
  if (exit.returnContent) {
    try {
      thread.output = resolveAssignment(state, thread.number, exit.returnContent);
    } catch (err) {
      if (!(err instanceof NodeFailureError)) throw err;
      throw new NodeFailureError(failure('VAR_ERROR', `thread output: ${err.failure.message}`));
    }
  }
  completeNode(nodeRun, ctx);
  endThread(state, ctx, thread, 'COMPLETED');
}

export function completeNode(nodeRun: NodeRun, ctx: EngineContext): void {
  nodeRun.status = 'COMPLETED';
  nodeRun.endTime = ctx.now;
}

export function failNode(state: RunState, ctx: EngineContext, nodeRun: NodeRun, f: Failure): void {
  nodeRun.failures.push(f);
  nodeRun.status = statusOfFailure(f.failureName);
  nodeRun.errorMessage = f.message;
  nodeRun.endTime = ctx.now;
}

/** No failure handlers yet: a failed node fails its thread, and thread 0 fails the WfRun. */
function failThread(state: RunState, ctx: EngineContext, thread: ThreadRun, f: Failure): void {
  thread.errorMessage = f.message;
  endThread(state, ctx, thread, statusOfFailure(f.failureName));
}

function endThread(state: RunState, ctx: EngineContext, thread: ThreadRun, status: ThreadRun['status']): void {
  thread.status = status;
  thread.endTime = ctx.now;
  if (thread.number === 0) {
    state.wfRun.status = status;
    state.wfRun.endTime = ctx.now;
  }
}

