// Halting and resuming ThreadRuns: halt reasons (stop, a parent halting, a failure being handled),
// StopWfRun / ResumeWfRun, node failure handlers, and RescueThreadRun.
import { failedPrecondition, invalidArgument } from '../errors.ts';
import { startChildThread } from './child-threads.ts';
import type { Command, EngineContext, Effect } from './commands.ts';
import { matchingHandler } from './failure-handlers.ts';
import { currentNodeRun, isTerminal, threadRun } from './run-state.ts';
import { nodeOf, threadSpecOf } from './spec.ts';
import { arrive, failThread, leaveNode } from './threads.ts';
import type { Failure, FailureHandlerDef, HaltReason, NodeRun, RunState, ThreadRun, VariableValue } from './types.ts';

/** Halts a thread and, through it, its descendants; a thread already ended is left as it is. */
export function haltThread(state: RunState, thread: ThreadRun, reason: HaltReason): void {
  if (isTerminal(thread.status)) return;
  if (!thread.haltReasons.some((r) => JSON.stringify(r) === JSON.stringify(reason))) thread.haltReasons.push(reason);
  if (thread.status === 'RUNNING') thread.status = 'HALTING';
  for (const n of thread.childThreadIds) haltThread(state, threadRun(state, n), { parentHalted: { parentThreadId: thread.number } });
}

/** Drops the halt reasons `matches` selects; a thread with none left runs again, and so do the children it halted. */
export function releaseThread(state: RunState, thread: ThreadRun, matches: (r: HaltReason) => boolean): void {
  thread.haltReasons = thread.haltReasons.filter((r) => !matches(r));
  if (isTerminal(thread.status)) return;
  if (thread.haltReasons.length > 0) return releaseOwnHandlers(state, thread);
  if (thread.status === 'HALTED' || thread.status === 'HALTING') thread.status = 'RUNNING';
  for (const n of thread.childThreadIds) {
    releaseThread(state, threadRun(state, n), (r) => 'parentHalted' in r && r.parentHalted.parentThreadId === thread.number);
  }
}

/**
 * A thread halted only while its own interrupt or failure handlers run: those handlers (halted
 * with it, say by a stop since resumed) run again, or it would wait for them forever.
 */
function releaseOwnHandlers(state: RunState, thread: ThreadRun): void {
  const handlers = thread.haltReasons.map((r) =>
    'interrupted' in r ? r.interrupted.interruptThreadId : 'handlingFailure' in r ? r.handlingFailure.handlerThreadId : undefined,
  );
  if (handlers.includes(undefined)) return;
  for (const n of handlers as number[]) {
    releaseThread(state, threadRun(state, n), (r) => 'parentHalted' in r && r.parentHalted.parentThreadId === thread.number);
  }
}

type LifecycleCommand = Extract<Command, { type: 'StopThreadRun' | 'ResumeThreadRun' | 'RescueThreadRun' }>;

export function onLifecycleCommand(state: RunState, cmd: LifecycleCommand, ctx: EngineContext, effects: Effect[]): void {
  const thread = state.wfRun.threadRuns.find((t) => t.number === cmd.threadRunNumber);
  if (!thread) throw invalidArgument(`threadRunNumber: WfRun ${state.wfRun.id} has no thread run ${cmd.threadRunNumber}`, { field: 'threadRunNumber' });
  if (cmd.type === 'StopThreadRun') {
    if (isTerminal(thread.status)) throw failedPrecondition(`thread run ${thread.number} has already ended (${thread.status})`);
    haltThread(state, thread, { manualHalt: {} });
  } else if (cmd.type === 'ResumeThreadRun') {
    releaseThread(state, thread, (r) => 'manualHalt' in r);
  } else {
    rescue(state, ctx, thread, cmd.skipCurrentNode, effects);
  }
}

/**
 * A failed node whose spec has a matching failure handler: the thread halts (with its children)
 * while a FAILURE_HANDLER thread runs under it with the failure's content as INPUT. False: no handler.
 */
export function handleNodeFailure(state: RunState, ctx: EngineContext, thread: ThreadRun, nodeRun: NodeRun, f: Failure, effects: Effect[]): boolean {
  const handler = matchingHandler(nodeOf(ctx.spec, thread.threadSpecName, nodeRun.nodeName).failureHandlers, f);
  if (!handler) return false;
  for (const n of thread.childThreadIds) haltThread(state, threadRun(state, n), { parentHalted: { parentThreadId: thread.number } });
  const handlerThread = startHandlerThread(state, ctx, thread, handler, f, effects);
  f.failureHandlerThreadRunId = handlerThread.number;
  nodeRun.failureHandlerIds.push(handlerThread.number);
  thread.haltReasons.push({ handlingFailure: { handlerThreadId: handlerThread.number } });
  thread.status = 'HALTED';
  return true;
}

/** A thread halted for its failure handler: resumes past the failed node if the handler completed, fails if it failed. */
export function followFailureHandler(state: RunState, ctx: EngineContext, thread: ThreadRun): boolean {
  const reason = thread.haltReasons.find((r): r is Extract<HaltReason, { handlingFailure: unknown }> => 'handlingFailure' in r);
  if (!reason) return false;
  const handler = threadRun(state, reason.handlingFailure.handlerThreadId);
  if (handler.status === 'COMPLETED') {
    const f = currentNodeRun(state, thread).failures.at(-1);
    if (f) f.wasProperlyHandled = true;
    releaseThread(state, thread, (r) => r === reason);
    return true;
  }
  if (handler.status !== 'ERROR' && handler.status !== 'EXCEPTION') return false;
  thread.haltReasons = thread.haltReasons.filter((r) => r !== reason);
  failThread(state, ctx, thread, handler.failure as Failure);
  return true;
}

/** A FAILURE_HANDLER thread under `failed`; its `INPUT` is the failure's content, if it declares one. */
export function startHandlerThread(state: RunState, ctx: EngineContext, failed: ThreadRun, handler: FailureHandlerDef, f: Failure, effects: Effect[]): ThreadRun {
  const declaresInput = threadSpecOf(ctx.spec, handler.handlerSpecName).variableDefs.some((d) => d.varDef.name === 'INPUT');
  const inputs: Record<string, VariableValue> = declaresInput ? { INPUT: f.content ?? {} } : {};
  return startChildThread(state, ctx, failed, handler.handlerSpecName, inputs, 'FAILURE_HANDLER', effects);
}

/**
 * RescueThreadRun: a thread in ERROR runs again, re-running its failed node (or leaving it by its
 * edges with `skipCurrentNode`). A parent that failed because of this child, at a WAIT_FOR_THREADS
 * or EXIT node, is rescued too.
 */
function rescue(state: RunState, ctx: EngineContext, thread: ThreadRun, skipCurrentNode: boolean, effects: Effect[]): void {
  const nodeRun = currentNodeRun(state, thread);
  if (thread.status !== 'ERROR' || nodeRun.failures.length === 0) {
    throw failedPrecondition(`thread run ${thread.number} is ${thread.status}; only a thread in ERROR at a failed node can be rescued`);
  }
  const parent = thread.parentThreadId === undefined ? undefined : threadRun(state, thread.parentThreadId);
  if (parent?.handledFailedChildren.includes(thread.number)) {
    throw failedPrecondition(`the failure of thread run ${thread.number} was already handled by its parent`);
  }
  restart(state, ctx, thread, nodeRun, skipCurrentNode, effects);
  if (parent?.status === 'ERROR' && parent.failure?.failureName === 'CHILD_FAILURE') {
    restart(state, ctx, parent, currentNodeRun(state, parent), false, effects);
  }
}

function restart(state: RunState, ctx: EngineContext, thread: ThreadRun, nodeRun: NodeRun, skip: boolean, effects: Effect[]): void {
  thread.status = 'RUNNING';
  delete thread.endTime;
  delete thread.errorMessage;
  delete thread.failure;
  releaseThread(state, thread, () => false);
  if (skip) leaveNode(state, ctx, thread, nodeRun, true, effects);
  else arrive(state, ctx, thread, nodeRun.nodeName, effects);
}
