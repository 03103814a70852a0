// WAIT_FOR_THREADS: waits on child ThreadRuns by strategy (ALL, FIRST, ANY); a failed child may be
// rescued by a per-thread failure handler, run as a child of the failed thread with the failure as INPUT.
import { resolveAssignment } from './assignments.ts';
import { startChildThread } from './child-threads.ts';
import { haltThread } from './lifecycle.ts';
import type { EngineContext, Effect } from './commands.ts';
import { matchingHandler } from './failure-handlers.ts';
import { failure, NodeFailureError, statusOfFailure, varSubError } from './failures.ts';
import { threadRun } from './run-state.ts';
import { threadSpecOf } from './spec.ts';
import { completeNode } from './threads.ts';
import type { Failure, FailureHandlerDef, NodeRun, RunState, ThreadRun, VariableValue, WaitForThread, WaitForThreadsNode } from './types.ts';

export function arriveAtWaitForThreads(state: RunState, thread: ThreadRun, nodeRun: NodeRun, node: WaitForThreadsNode): void {
  const numbers = node.threadList
    ? listOfThreads(resolveAssignment(state, thread.number, node.threadList).jsonArr)
    : (node.threads?.threads ?? []).map((t) => resolveAssignment(state, thread.number, t.threadRunNumber).int);
  nodeRun.waitForThreads = {
    threads: numbers.map((n) => {
      const child = state.wfRun.threadRuns.find((t) => t.number === n);
      if (n === undefined || !child) throw varSubError(`WAIT_FOR_THREADS: thread run ${String(n)} does not exist`);
      return { threadRunNumber: n, threadStatus: child.status, waitingStatus: 'THREAD_IN_PROGRESS' };
    }),
  };
}

/** Updates what each waited-for thread is doing; true when anything changed or the node finished. */
export function waitForThreadsHasEnded(
  state: RunState, ctx: EngineContext, thread: ThreadRun, nodeRun: NodeRun, node: WaitForThreadsNode, effects: Effect[],
): boolean {
  const waits = nodeRun.waitForThreads?.threads ?? [];
  const changed = waits.map((w) => follow(state, ctx, thread, w, node.perThreadFailureHandlers, effects)).includes(true);
  const outcome = decide(node.strategy, waits);
  if (outcome === 'waiting') return changed;
  for (const w of waits) {
    if (w.waitingStatus === 'THREAD_IN_PROGRESS') {
      haltThread(state, threadRun(state, w.threadRunNumber), {
        haltedByParent: { parentThreadRunNumber: thread.number, waitingNodeRunPosition: nodeRun.id.position },
      });
    }
  }
  if (outcome === 'completed') {
    // WAIT_FOR_ANY ignores the children that failed: the wait has dealt with them, so EXIT will not.
    for (const w of waits) if (w.waitingStatus === 'THREAD_UNSUCCESSFUL') thread.handledFailedChildren.push(w.threadRunNumber);
    completeNode(nodeRun, ctx);
    return true;
  }
  throw new NodeFailureError(outcome === 'all-failed' ? failure('CHILD_FAILURE', 'every thread waited for failed') : propagated(state, outcome));
}

/** Moves one waited-for thread's waiting status along; true if it changed. */
function follow(
  state: RunState, ctx: EngineContext, parent: ThreadRun, w: WaitForThread, handlers: FailureHandlerDef[], effects: Effect[],
): boolean {
  const before = JSON.stringify(w);
  const child = threadRun(state, w.threadRunNumber);
  w.threadStatus = child.status;
  if (w.waitingStatus === 'THREAD_IN_PROGRESS' && child.status === 'COMPLETED') {
    w.waitingStatus = 'THREAD_COMPLETED_OR_FAILURE_HANDLED';
    w.threadEndTime = child.endTime as string;
  } else if (w.waitingStatus === 'THREAD_IN_PROGRESS' && child.failure && (child.status === 'ERROR' || child.status === 'EXCEPTION')) {
    w.threadEndTime = child.endTime as string;
    const handler = matchingHandler(handlers, child.failure);
    if (handler) {
      const handlerThread = startHandler(state, ctx, child, handler, child.failure, effects);
      w.failureHandlerThreadRunId = handlerThread.number;
      w.waitingStatus = 'THREAD_HANDLING_FAILURE';
    } else {
      w.waitingStatus = 'THREAD_UNSUCCESSFUL';
    }
  } else if (w.waitingStatus === 'THREAD_HANDLING_FAILURE') {
    const handlerStatus = threadRun(state, w.failureHandlerThreadRunId as number).status;
    if (handlerStatus === 'COMPLETED') {
      w.waitingStatus = 'THREAD_COMPLETED_OR_FAILURE_HANDLED';
      parent.handledFailedChildren.push(child.number);
      if (child.failure) child.failure.wasProperlyHandled = true;
    } else if (handlerStatus === 'ERROR' || handlerStatus === 'EXCEPTION') {
      w.waitingStatus = 'THREAD_UNSUCCESSFUL';
    }
  }
  return JSON.stringify(w) !== before;
}

/** A FAILURE_HANDLER thread under the failed thread; its `INPUT` is the failure's content, if it declares one. */
function startHandler(state: RunState, ctx: EngineContext, failed: ThreadRun, handler: FailureHandlerDef, f: Failure, effects: Effect[]): ThreadRun {
  const declaresInput = threadSpecOf(ctx.spec, handler.handlerSpecName).variableDefs.some((d) => d.varDef.name === 'INPUT');
  const inputs: Record<string, VariableValue> = declaresInput ? { INPUT: f.content ?? {} } : {};
  return startChildThread(state, ctx, failed, handler.handlerSpecName, inputs, 'FAILURE_HANDLER', effects);
}

type Outcome = 'waiting' | 'completed' | 'all-failed' | WaitForThread;

/** The node's outcome under its strategy; a WaitForThread means the node fails as that thread did. */
function decide(strategy: WaitForThreadsNode['strategy'], waits: WaitForThread[]): Outcome {
  const done = waits.filter((w) => w.waitingStatus === 'THREAD_COMPLETED_OR_FAILURE_HANDLED');
  const failed = waits.filter((w) => w.waitingStatus === 'THREAD_UNSUCCESSFUL');
  switch (strategy) {
    case 'WAIT_FOR_ALL':
      if (failed[0]) return failed[0];
      return done.length === waits.length ? 'completed' : 'waiting';
    case 'WAIT_FOR_FIRST': {
      const first = [...done, ...failed].sort((a, b) => (a.threadEndTime ?? '').localeCompare(b.threadEndTime ?? ''))[0];
      if (!first) return waits.length === 0 ? 'completed' : 'waiting';
      return first.waitingStatus === 'THREAD_UNSUCCESSFUL' ? first : 'completed';
    }
    case 'WAIT_FOR_ANY':
      if (done.length > 0 || waits.length === 0) return 'completed';
      return failed.length === waits.length ? 'all-failed' : 'waiting';
  }
}

/** A child's EXCEPTION keeps its name; an ERROR becomes CHILD_FAILURE. A failed handler's failure wins. */
function propagated(state: RunState, w: WaitForThread): Failure {
  const handler = w.failureHandlerThreadRunId === undefined ? undefined : threadRun(state, w.failureHandlerThreadRunId);
  const f = handler?.failure ?? threadRun(state, w.threadRunNumber).failure ?? failure('CHILD_FAILURE', 'child thread failed');
  return statusOfFailure(f.failureName) === 'EXCEPTION'
    ? failure(f.failureName, f.message, f.content)
    : failure('CHILD_FAILURE', `thread ${w.threadRunNumber} failed: ${f.message}`);
}

function listOfThreads(list: unknown[] | undefined): Array<number | undefined> {
  if (!list) throw varSubError('WAIT_FOR_THREADS needs a JSON_ARR of thread run numbers');
  return list.map((n) => (Number.isInteger(n) ? (n as number) : undefined));
}
