// EXTERNAL_EVENT nodes and the ExternalEvents they wait on. An event posted to a WfRun is kept in
// the run (whenever it arrives, even before the run existed); a waiting node claims the oldest
// unclaimed event of its def that is meant for it, and its output is that event's content.
// With a timeout, the node arms a durable timer that fails it with TIMEOUT if it is still waiting;
// with a correlation key, it asks for the CorrelatedEvent of that key (see src/apply/correlations.ts).
import { resolveAssignment } from './assignments.ts';
import type { Command, EngineContext, Effect } from './commands.ts';
import { failure, varSubError } from './failures.ts';
import { externalEventKey, nodeRunKey } from './run-state.ts';
import { interruptThreads } from './interrupts.ts';
import { completeNode, failNode } from './threads.ts';
import type { ExternalEvent, ExternalEventNode, NodeRun, RunState, ThreadRun } from './types.ts';
import { castImplicitly, ValueError } from './values.ts';

type Arrived = Extract<Command, { type: 'ExternalEventArrived' }>;
type TimedOut = Extract<Command, { type: 'ExternalEventTimeout' }>;

/**
 * Records the event unless the run already has its guid (a re-post changes nothing). A correlated
 * event is only taken by a node run waiting with its correlation key (none: it is dropped).
 */
export function onExternalEventArrived(state: RunState, cmd: Arrived, ctx: EngineContext): void {
  const key = externalEventKey(cmd.externalEventDefName, cmd.guid);
  if (state.externalEvents?.[key]) return;
  const target = cmd.correlationKey === undefined ? cmd : correlatedTarget(state, cmd.externalEventDefName, cmd.correlationKey);
  if (!target) return;
  const events = (state.externalEvents ??= {});
  const latest = Math.max(0, ...Object.values(events).map((e) => e.sequence));
  const event: ExternalEvent = {
    id: { wfRunId: state.wfRun.id, externalEventDefId: { name: cmd.externalEventDefName }, guid: cmd.guid },
    createdAt: ctx.now,
    content: cmd.content,
    ...(target.threadRunNumber === undefined ? {} : { threadRunNumber: target.threadRunNumber }),
    ...(target.nodeRunPosition === undefined ? {} : { nodeRunPosition: target.nodeRunPosition }),
    claimed: false,
    sequence: latest + 1,
  };
  events[key] = event;
  // An interrupt's event is claimed by the interrupt, so no EXTERNAL_EVENT node takes it.
  interruptThreads(state, ctx, event);
}

/** The node run waiting on `defName` with `correlationKey`, if one does. */
function correlatedTarget(state: RunState, defName: string, correlationKey: string): { threadRunNumber: number; nodeRunPosition: number } | undefined {
  const waiting = Object.values(state.nodeRuns).find(
    (n) => n.status === 'RUNNING' && n.externalEvent?.externalEventDefId.name === defName && n.externalEvent.correlationKey === correlationKey,
  );
  return waiting && { threadRunNumber: waiting.id.threadRunNumber, nodeRunPosition: waiting.id.position };
}

/** RunWf: the events posted before the run existed become the run's own. */
export function adoptedEvents(cmd: Extract<Command, { type: 'RunWf' }>): Pick<RunState, 'externalEvents'> {
  if (!cmd.externalEvents?.length) return {};
  return { externalEvents: Object.fromEntries(cmd.externalEvents.map((e) => [externalEventKey(e.id.externalEventDefId.name, e.id.guid), e])) };
}

/**
 * Arrival: computes the timeout and correlation key (a bad one fails the node with VAR_SUB_ERROR),
 * claims an event that is already there, or else arms the timeout timer and, with a correlation
 * key, asks for a CorrelatedEvent of that key.
 */
export function arriveAtExternalEvent(
  state: RunState, ctx: EngineContext, thread: ThreadRun, nodeRun: NodeRun, node: ExternalEventNode, effects: Effect[],
): void {
  const timeoutMs = node.timeoutSeconds && timeoutSecondsOf(state, thread, node) * 1000;
  nodeRun.externalEvent = { externalEventDefId: node.externalEventDefId, timedOut: false, maskCorrelationKey: node.maskCorrelationKey };
  const correlationKey = node.correlationKey && correlationKeyOf(state, thread, node);
  if (correlationKey) nodeRun.externalEvent.correlationKey = correlationKey;
  if (claimExternalEvent(state, ctx, nodeRun)) return;
  if (timeoutMs !== undefined) {
    const command = { type: 'ExternalEventTimeout' as const, threadRunNumber: thread.number, position: nodeRun.id.position };
    effects.push({ type: 'ArmTimer', timerId: `external-event.${thread.number}.${nodeRun.id.position}`, delayMs: timeoutMs, command });
  }
  if (correlationKey) {
    effects.push({ type: 'AwaitCorrelatedEvent', wfRunId: state.wfRun.id, externalEventDefName: node.externalEventDefId.name, correlationKey });
  }
}

/** A waiting node takes the oldest unclaimed event of its def meant for it; true when it did. */
export function claimExternalEvent(state: RunState, ctx: EngineContext, nodeRun: NodeRun): boolean {
  const waiting = nodeRun.externalEvent;
  if (!waiting) return false;
  const { threadRunNumber, position } = nodeRun.id;
  const event = Object.values(state.externalEvents ?? {})
    .filter((e) => !e.claimed && e.id.externalEventDefId.name === waiting.externalEventDefId.name && isMeantFor(e, threadRunNumber, position))
    .sort((a, b) => a.sequence - b.sequence)[0];
  if (!event) return false;
  event.claimed = true;
  event.threadRunNumber = threadRunNumber;
  event.nodeRunPosition = position;
  waiting.externalEventId = event.id;
  waiting.eventTime = event.createdAt;
  completeNode(nodeRun, ctx);
  return true;
}

/** The timeout timer: fails the node with TIMEOUT if it still waits; otherwise (stale) nothing. */
export function onExternalEventTimeout(state: RunState, cmd: TimedOut, ctx: EngineContext): void {
  const nodeRun = state.nodeRuns[nodeRunKey(cmd.threadRunNumber, cmd.position)];
  if (!nodeRun?.externalEvent || nodeRun.status !== 'RUNNING') return;
  nodeRun.externalEvent.timedOut = true;
  const name = nodeRun.externalEvent.externalEventDefId.name;
  failNode(ctx, nodeRun, failure('TIMEOUT', `no ExternalEvent '${name}' arrived before the node's timeout`));
}

/** An event posted for a thread (and node run) is only for that one; an untargeted event is for any. */
function isMeantFor(event: ExternalEvent, threadRunNumber: number, position: number): boolean {
  if (event.threadRunNumber !== undefined && event.threadRunNumber !== threadRunNumber) return false;
  return event.nodeRunPosition === undefined || event.nodeRunPosition === position;
}

function timeoutSecondsOf(state: RunState, thread: ThreadRun, node: ExternalEventNode): number {
  const seconds = resolveAssignment(state, thread.number, node.timeoutSeconds ?? {}).int;
  if (seconds === undefined || seconds < 0) throw varSubError('EXTERNAL_EVENT timeoutSeconds must be a non-negative INT');
  return seconds;
}

/** The correlation key as a STR (a NULL one: none). */
function correlationKeyOf(state: RunState, thread: ThreadRun, node: ExternalEventNode): string | undefined {
  try {
    return castImplicitly(resolveAssignment(state, thread.number, node.correlationKey ?? {}), 'STR').str;
  } catch (err) {
    if (err instanceof ValueError) throw varSubError(`EXTERNAL_EVENT correlationKey: ${err.message}`);
    throw err;
  }
}
