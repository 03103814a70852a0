// SLEEP: arms a durable timer for the wake-up time and completes when it fires (a timer that is
// stale, because the thread moved on, changes nothing).
import { resolveAssignment } from './assignments.ts';
import type { Command, EngineContext, Effect } from './commands.ts';
import { varSubError } from './failures.ts';
import { nodeRunKey } from './run-state.ts';
import { completeNode } from './threads.ts';
import type { NodeRun, RunState, SleepNode, ThreadRun } from './types.ts';

export function arriveAtSleep(state: RunState, ctx: EngineContext, thread: ThreadRun, nodeRun: NodeRun, node: SleepNode, effects: Effect[]): void {
  const wake = wakeUp(state, thread, node);
  const nowMs = Date.parse(ctx.now);
  const maturationMs = 'delayMs' in wake ? nowMs + wake.delayMs : wake.atMs;
  nodeRun.sleep = { maturationTime: new Date(maturationMs).toISOString(), matured: false };
  const command = { type: 'SleepMatured' as const, threadRunNumber: thread.number, position: nodeRun.id.position };
  effects.push({ type: 'ArmTimer', timerId: `sleep.${thread.number}.${nodeRun.id.position}`, ...wake, command });
}

export function onSleepMatured(state: RunState, cmd: Extract<Command, { type: 'SleepMatured' }>, ctx: EngineContext): void {
  const nodeRun = state.nodeRuns[nodeRunKey(cmd.threadRunNumber, cmd.position)];
  if (!nodeRun?.sleep || nodeRun.status !== 'RUNNING') return;
  nodeRun.sleep.matured = true;
  completeNode(nodeRun, ctx);
}

function wakeUp(state: RunState, thread: ThreadRun, node: SleepNode): { delayMs: number } | { atMs: number } {
  if (node.rawSeconds) {
    const seconds = resolveAssignment(state, thread.number, node.rawSeconds).int;
    if (seconds === undefined || seconds < 0) throw varSubError('SLEEP rawSeconds must be a non-negative INT');
    return { delayMs: seconds * 1000 };
  }
  if (node.timestamp) {
    const atMs = resolveAssignment(state, thread.number, node.timestamp).int;
    if (atMs === undefined) throw varSubError('SLEEP timestamp must be an INT of epoch milliseconds');
    return { atMs };
  }
  const iso = resolveAssignment(state, thread.number, node.isoDate ?? {}).str;
  const atMs = iso === undefined ? NaN : Date.parse(iso);
  if (Number.isNaN(atMs)) throw varSubError('SLEEP isoDate must be a STR holding an ISO-8601 instant');
  return { atMs };
}
