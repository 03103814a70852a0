// Interrupts: an ExternalEvent whose def a ThreadSpec declares in its interruptDefs halts every
// running thread of that spec (with its children); once a thread has halted, an INTERRUPT thread
// of the handler spec starts under it with the event's content as INPUT. The interrupted thread
// resumes where it was when the handler completes, and fails with the handler's failure if it fails.
import type { EngineContext, Effect } from './commands.ts';
import { startChildThread } from './child-threads.ts';
import { failure, NodeFailureError } from './failures.ts';
import { haltThread, releaseThread } from './lifecycle.ts';
import { currentNodeRun, isTerminal, threadRun } from './run-state.ts';
import { threadSpecOf } from './spec.ts';
import { failNode, failThread } from './threads.ts';
import type { ExternalEvent, Failure, HaltReason, RunState, ThreadRun, VariableValue } from './types.ts';

type Interrupted = Extract<HaltReason, { interrupted: unknown }>;
type Pending = Extract<HaltReason, { pendingInterrupt: unknown }>;

/**
 * A new event: if it triggers interrupts, halts each thread that declares one (only the thread it
 * was posted for, if any) and claims the event for the first. False: no thread is interrupted.
 */
export function interruptThreads(state: RunState, ctx: EngineContext, event: ExternalEvent): boolean {
  const defName = event.id.externalEventDefId.name;
  const targets = state.wfRun.threadRuns.filter(
    (t) => !isTerminal(t.status) && (event.threadRunNumber === undefined || event.threadRunNumber === t.number),
  );
  let interrupted = false;
  for (const thread of targets) {
    const def = threadSpecOf(ctx.spec, thread.threadSpecName).interruptDefs.find((d) => d.externalEventDefId.name === defName);
    if (!def) continue;
    haltForInterrupt(state, thread, { pendingInterrupt: { externalEventId: event.id } });
    state.wfRun.pendingInterrupts.push({ externalEventId: event.id, handlerSpecName: def.handlerSpecName, interruptedThreadId: thread.number });
    if (!interrupted) Object.assign(event, { claimed: true, threadRunNumber: thread.number });
    interrupted = true;
  }
  return interrupted;
}

/** Halts `thread` and its children, except interrupt handlers already running under it. */
function haltForInterrupt(state: RunState, thread: ThreadRun, reason: HaltReason): void {
  thread.haltReasons.push(reason);
  if (thread.status === 'RUNNING') thread.status = 'HALTING';
  for (const n of thread.childThreadIds) {
    const child = threadRun(state, n);
    if (child.type !== 'INTERRUPT') haltThread(state, child, { parentHalted: { parentThreadId: thread.number } });
  }
}

/**
 * A HALTED thread with an interrupt: starts the handler of a pending interrupt, or follows the
 * running handler (resumes when it completed, fails when it failed). False when nothing moved.
 */
export function followInterrupt(state: RunState, ctx: EngineContext, thread: ThreadRun, effects: Effect[]): boolean {
  const pending = thread.haltReasons.find((r): r is Pending => 'pendingInterrupt' in r);
  if (pending) return startInterruptHandler(state, ctx, thread, pending, effects);
  const running = thread.haltReasons.find((r): r is Interrupted => 'interrupted' in r);
  if (!running) return false;
  const handler = threadRun(state, running.interrupted.interruptThreadId);
  if (handler.status === 'COMPLETED') {
    releaseThread(state, thread, (r) => r === running);
    return true;
  }
  if (handler.status !== 'ERROR' && handler.status !== 'EXCEPTION') return false;
  thread.haltReasons = thread.haltReasons.filter((r) => r !== running);
  failInterrupted(state, ctx, thread, handler.failure ?? failure('CHILD_FAILURE', `interrupt handler thread ${handler.number} failed`));
  return true;
}

function startInterruptHandler(state: RunState, ctx: EngineContext, thread: ThreadRun, reason: Pending, effects: Effect[]): boolean {
  const eventId = reason.pendingInterrupt.externalEventId;
  const sameEvent = (p: { externalEventId: typeof eventId; interruptedThreadId: number }) =>
    p.interruptedThreadId === thread.number && JSON.stringify(p.externalEventId) === JSON.stringify(eventId);
  const pending = state.wfRun.pendingInterrupts.find(sameEvent);
  state.wfRun.pendingInterrupts = state.wfRun.pendingInterrupts.filter((p) => !sameEvent(p));
  thread.haltReasons = thread.haltReasons.filter((r) => r !== reason);
  if (!pending) return true;
  const event = state.externalEvents?.[`${eventId.externalEventDefId.name}/${eventId.guid}`];
  const declaresInput = threadSpecOf(ctx.spec, pending.handlerSpecName).variableDefs.some((d) => d.varDef.name === 'INPUT');
  const inputs: Record<string, VariableValue> = declaresInput ? { INPUT: event?.content ?? {} } : {};
  let handler: ThreadRun;
  try {
    handler = startChildThread(state, ctx, thread, pending.handlerSpecName, inputs, 'INTERRUPT', effects);
  } catch (err) {
    if (!(err instanceof NodeFailureError)) throw err;
    failInterrupted(state, ctx, thread, failure('CHILD_FAILURE', `interrupt handler could not start: ${err.failure.message}`));
    return true;
  }
  handler.interruptTriggerId = eventId;
  thread.haltReasons.push({ interrupted: { interruptThreadId: handler.number } });
  return true;
}

/** The interrupted thread fails with its handler's failure; a node it was waiting at fails with it. */
function failInterrupted(state: RunState, ctx: EngineContext, thread: ThreadRun, f: Failure): void {
  const nodeRun = currentNodeRun(state, thread);
  const own = { ...f, wasProperlyHandled: false };
  delete own.failureHandlerThreadRunId;
  if (nodeRun.status === 'RUNNING') failNode(ctx, nodeRun, own);
  failThread(state, ctx, thread, own);
}
