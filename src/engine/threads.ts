// How ThreadRuns move: arrive at a node, wait, leave it by the first true edge, fail, complete,
// halt. Runs every thread until nothing moves (LittleHorse's advance loop), inside one command.
import { resolveAssignment } from './assignments.ts';
import { arriveAtRunChildWf, arriveAtWaitForChildWf, childWfRunHasEnded } from './child-workflows.ts';
import { arriveAtStartMultipleThreads, arriveAtStartThread } from './child-threads.ts';
import { followFailureHandler, haltThread, handleNodeFailure } from './lifecycle.ts';
import type { EngineContext, Effect } from './commands.ts';
import { compare } from './comparators.ts';
import { failure, NodeFailureError, statusOfFailure } from './failures.ts';
import { applyMutations } from './mutations.ts';
import { currentNodeRun, isTerminal, nodeRunKey, threadRun } from './run-state.ts';
import { nodeOf, nodeTypeOf } from './spec.ts';
import { arriveAtSleep } from './sleep.ts';
import { arriveAtExternalEvent, claimExternalEvent } from './external-events.ts';
import { followInterrupt } from './interrupts.ts';
import { arriveAtThrowEvent } from './workflow-events.ts';
import { arriveAtTask } from './tasks.ts';
import { arriveAtUserTask, cancelUserTaskOnHalt } from './user-tasks.ts';
import type { Edge, Failure, LegacyCondition, Node, NodeRun, RunState, ThreadRun, VariableAssignment } from './types.ts';
import { arriveAtWaitForThreads, waitForThreadsHasEnded } from './wait-for-threads.ts';

const MAX_STEPS_PER_COMMAND = 512;

export function advanceThreads(state: RunState, ctx: EngineContext, effects: Effect[]): void {
  for (let step = 0; step < MAX_STEPS_PER_COMMAND; step++) {
    const moved = state.wfRun.threadRuns.map((t) => stepThread(state, ctx, t, effects));
    if (!moved.includes(true)) return mirrorEntrypoint(state);
  }
  const thread = state.wfRun.threadRuns[0] as ThreadRun;
  failNode(ctx, currentNodeRun(state, thread), failure('INTERNAL_ERROR', 'tight loop: too many steps in one command'));
  failThread(state, ctx, thread, failure('INTERNAL_ERROR', 'tight loop: too many steps in one command'));
  mirrorEntrypoint(state);
}

/** The WfRun's status (and end) is always thread 0's. */
function mirrorEntrypoint(state: RunState): void {
  const entrypoint = state.wfRun.threadRuns[0] as ThreadRun;
  state.wfRun.status = entrypoint.status;
  if (entrypoint.endTime === undefined) delete state.wfRun.endTime;
  else state.wfRun.endTime = entrypoint.endTime;
}

/** One move of a thread; false when it waits. */
function stepThread(state: RunState, ctx: EngineContext, thread: ThreadRun, effects: Effect[]): boolean {
  if (thread.status === 'HALTING') return finishHalting(state, ctx, thread);
  if (thread.status === 'HALTED') return followFailureHandler(state, ctx, thread) || followInterrupt(state, ctx, thread, effects);
  if (thread.status !== 'RUNNING') return false;
  const nodeRun = currentNodeRun(state, thread);
  if (nodeRun.status === 'ERROR' || nodeRun.status === 'EXCEPTION') return afterFailure(state, ctx, thread, nodeRun, effects);
  const node = nodeOf(ctx.spec, thread.threadSpecName, nodeRun.nodeName);
  if (nodeRun.status === 'RUNNING') return guarded(ctx, nodeRun, () => waitIsOver(state, ctx, thread, nodeRun, node, effects));
  if (nodeRun.status !== 'COMPLETED' || node.exit) return false;
  leaveNode(state, ctx, thread, nodeRun, true, effects);
  return true;
}

/**
 * A failed node: a handled failure lets the thread continue past the node (without the edge's
 * mutations); a matching failure handler starts; otherwise the thread fails.
 */
function afterFailure(state: RunState, ctx: EngineContext, thread: ThreadRun, nodeRun: NodeRun, effects: Effect[]): boolean {
  const f = nodeRun.failures.at(-1) as Failure;
  if (f.wasProperlyHandled) leaveNode(state, ctx, thread, nodeRun, false, effects);
  else if (f.failureHandlerThreadRunId !== undefined || !handleNodeFailure(state, ctx, thread, nodeRun, f, effects)) failThread(state, ctx, thread, f);
  return true;
}

/** Leaves a node by its first true edge (with that edge's mutations, if asked) and arrives at the next. */
export function leaveNode(state: RunState, ctx: EngineContext, thread: ThreadRun, nodeRun: NodeRun, withMutations: boolean, effects: Effect[]): void {
  const node = nodeOf(ctx.spec, thread.threadSpecName, nodeRun.nodeName);
  try {
    const edge = chooseEdge(state, thread, node);
    if (withMutations) applyMutations(state, ctx.spec, nodeRun, edge.variableMutations);
    arrive(state, ctx, thread, edge.sinkNodeName, effects);
  } catch (err) {
    if (!(err instanceof NodeFailureError)) throw err;
    failNode(ctx, nodeRun, { ...err.failure, message: `Failed evaluating edge: ${err.failure.message}` });
  }
}

/** Re-checks a node that waits on something other than a command of its own; true when it finished. */
function waitIsOver(state: RunState, ctx: EngineContext, thread: ThreadRun, nodeRun: NodeRun, node: Node, effects: Effect[]): boolean {
  if (node.exit) return exitThread(state, ctx, thread, nodeRun, node.exit);
  if (node.waitForThreads) return waitForThreadsHasEnded(state, ctx, thread, nodeRun, node.waitForThreads, effects);
  if (node.waitForChildWf) return childWfRunHasEnded(state, ctx, nodeRun);
  if (node.externalEvent) return claimExternalEvent(state, ctx, nodeRun);
  if (node.waitForCondition && conditionHolds(state, thread, node.waitForCondition)) {
    completeNode(nodeRun, ctx);
    return true;
  }
  return false;
}

function chooseEdge(state: RunState, thread: ThreadRun, node: Node): Edge {
  const edge = node.outgoingEdges.find((e) => conditionHolds(state, thread, e));
  if (!edge) throw new NodeFailureError(failure('VAR_SUB_ERROR', 'no outgoing edge condition was true'));
  return edge;
}

/** An edge's or WAIT_FOR_CONDITION's condition; none means true. */
function conditionHolds(state: RunState, thread: ThreadRun, c: { condition?: VariableAssignment; legacyCondition?: LegacyCondition }): boolean {
  if (c.legacyCondition) {
    const { left, comparator, right } = c.legacyCondition;
    return compare(resolveAssignment(state, thread.number, left), comparator, resolveAssignment(state, thread.number, right));
  }
  if (!c.condition) return true;
  const value = resolveAssignment(state, thread.number, c.condition);
  if (value.bool === undefined) throw new NodeFailureError(failure('VAR_SUB_ERROR', 'condition is not a BOOL'));
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
  guarded(ctx, nodeRun, () => arriveAtNode(state, ctx, thread, nodeRun, node, effects));
}

/** Runs `step`; a NodeFailureError it throws fails the node instead. */
function guarded(ctx: EngineContext, nodeRun: NodeRun, step: () => boolean | void): boolean {
  try {
    return step() !== false;
  } catch (err) {
    if (!(err instanceof NodeFailureError)) throw err;
    failNode(ctx, nodeRun, err.failure);
    return true;
  }
}

function arriveAtNode(state: RunState, ctx: EngineContext, thread: ThreadRun, nodeRun: NodeRun, node: Node, effects: Effect[]): void {
  const type = nodeTypeOf(node);
  switch (type) {
    case 'entrypoint':
    case 'nop':
      nodeRun[type] = {};
      return completeNode(nodeRun, ctx);
    case 'exit':
      nodeRun.exit = {};
      return; // waits for the thread's children; see exitThread
    case 'waitForCondition':
      nodeRun.waitForCondition = {};
      return;
    case 'task':
      return arriveAtTask(state, ctx, nodeRun, node.task!, effects);
    case 'startThread':
      return arriveAtStartThread(state, ctx, thread, nodeRun, node.startThread!, effects);
    case 'startMultipleThreads':
      return arriveAtStartMultipleThreads(state, ctx, thread, nodeRun, node.startMultipleThreads!, effects);
    case 'waitForThreads':
      return arriveAtWaitForThreads(state, thread, nodeRun, node.waitForThreads!);
    case 'runChildWf':
      return arriveAtRunChildWf(state, ctx, thread, nodeRun, node.runChildWf!, effects);
    case 'waitForChildWf':
      return arriveAtWaitForChildWf(state, thread, nodeRun, node.waitForChildWf!);
    case 'sleep':
      return arriveAtSleep(state, ctx, thread, nodeRun, node.sleep!, effects);
    case 'externalEvent':
      return arriveAtExternalEvent(state, ctx, thread, nodeRun, node.externalEvent!, effects);
    case 'throwEvent':
      return arriveAtThrowEvent(state, ctx, thread, nodeRun, node.throwEvent!);
    case 'userTask':
      return arriveAtUserTask(state, ctx, thread, nodeRun, node.userTask!, effects);
  }
}

/**
 * EXIT: a failure definition fails the thread at once; otherwise the thread completes once every
 * child has ended or halted, unless a child failed and nobody handled it (CHILD_FAILURE).
 */
function exitThread(state: RunState, ctx: EngineContext, thread: ThreadRun, nodeRun: NodeRun, exit: NonNullable<Node['exit']>): boolean {
  if (exit.failureDef) {
    const { failureName, message, content } = exit.failureDef;
    const value = content ? resolveAssignment(state, thread.number, content) : undefined;
    throw new NodeFailureError(failure(failureName, message, value));
  }
  const children = thread.childThreadIds.map((n) => threadRun(state, n));
  if (!children.every((c) => isTerminal(c.status) || c.status === 'HALTED')) return false;
  const failed = children.find((c) => (c.status === 'ERROR' || c.status === 'EXCEPTION') && !thread.handledFailedChildren.includes(c.number));
  if (failed) throw new NodeFailureError(failure('CHILD_FAILURE', `child thread ${failed.number} ended with ${failed.status}`));
  if (exit.returnContent) {
    try {
      thread.output = resolveAssignment(state, thread.number, exit.returnContent);
    } catch (err) {
      if (!(err instanceof NodeFailureError)) throw err;
      throw new NodeFailureError(failure('VAR_ERROR', `thread output: ${err.failure.message}`));
    }
  }
  completeNode(nodeRun, ctx);
  endThread(ctx, thread, 'COMPLETED');
  return true;
}

export function completeNode(nodeRun: NodeRun, ctx: EngineContext): void {
  nodeRun.status = 'COMPLETED';
  nodeRun.endTime = ctx.now;
}

export function failNode(ctx: EngineContext, nodeRun: NodeRun, f: Failure): void {
  nodeRun.failures.push(f);
  nodeRun.status = statusOfFailure(f.failureName);
  nodeRun.errorMessage = f.message;
  nodeRun.endTime = ctx.now;
}

/** No handler caught the failure: the thread ends with it, and its children are halted. */
export function failThread(state: RunState, ctx: EngineContext, thread: ThreadRun, f: Failure): void {
  thread.errorMessage = f.message;
  thread.failure = f;
  for (const n of thread.childThreadIds) haltThread(state, threadRun(state, n), { parentHalted: { parentThreadId: thread.number } });
  endThread(ctx, thread, statusOfFailure(f.failureName));
}

function endThread(ctx: EngineContext, thread: ThreadRun, status: ThreadRun['status']): void {
  thread.status = status;
  thread.endTime = ctx.now;
}

/** A HALTING thread is HALTED once its node can stop (not a TASK in flight) and its children have halted. */
function finishHalting(state: RunState, ctx: EngineContext, thread: ThreadRun): boolean {
  const nodeRun = currentNodeRun(state, thread);
  cancelUserTaskOnHalt(state, ctx, nodeRun);
  if (nodeRun.task && nodeRun.status === 'RUNNING') return false;
  const children = thread.childThreadIds.map((n) => threadRun(state, n));
  if (!children.every((c) => c.status === 'HALTED' || isTerminal(c.status))) return false;
  thread.status = 'HALTED';
  return true;
}
