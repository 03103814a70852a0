// The engine core: advance(run, command, context) -> the run's next state and the effects to send.
// Pure: no clock, no Redis, no network. Everything it needs arrives in `ctx`.
import { alreadyExists, invalidArgument, notFound } from '../errors.ts';
import { onChildWfRunEnded } from './child-workflows.ts';
import type { Command, EngineContext, Effect } from './commands.ts';
import { copyOf, isTerminal } from './run-state.ts';
import { entrypointNodeName, threadSpecOf } from './spec.ts';
import { onLifecycleCommand } from './lifecycle.ts';
import { onSleepMatured } from './sleep.ts';
import { adoptedEvents, onExternalEventArrived, onExternalEventTimeout } from './external-events.ts';
import { onTaskRetryDue } from './task-attempts.ts';
import { onTaskAttemptTimedOut, onTaskClaimed, onTaskReported } from './tasks.ts';
import { createThreadVariables, InputError } from './thread-variables.ts';
import { advanceThreads, arrive } from './threads.ts';
import { onUserTaskCommand } from './user-tasks.ts';
import { onUserTaskActionDue } from './user-task-actions.ts';
import type { RunState, ThreadRun } from './types.ts';

export interface Transition { state: RunState; effects: Effect[] }

/** Pure: returns the next state and leaves `current` as it was. */
export function advance(current: RunState | null, command: Command, ctx: EngineContext): Transition {
  return advanceInPlace(current && copyOf(current), command, ctx);
}

/**
 * The same transition, changing `state` in place: for the commit path, which owns a state it
 * has just parsed and would otherwise pay for a deep copy on every command.
 */
export function advanceInPlace(state: RunState | null, command: Command, ctx: EngineContext): Transition {
  const effects: Effect[] = [];
  if (command.type === 'RunWf') {
    if (state) throw alreadyExists(`WfRun ${command.wfRunId} already exists`);
    const started = startWfRun(command, ctx, effects);
    advanceThreads(started, ctx, effects);
    notifyParentIfEnded(started, effects);
    return { state: started, effects };
  }
  if (!state) throw notFound('WfRun does not exist');
  const wasRunning = !isTerminal(state.wfRun.status);
  applyToRun(state, command, ctx, effects);
  advanceThreads(state, ctx, effects);
  if (wasRunning) notifyParentIfEnded(state, effects);
  return { state, effects };
}

/** What a command does to an existing run, before the threads advance. */
function applyToRun(state: RunState, command: Exclude<Command, { type: 'RunWf' }>, ctx: EngineContext, effects: Effect[]): void {
  switch (command.type) {
    case 'TaskClaimed': return onTaskClaimed(state, command, ctx, effects);
    case 'TaskReported': return onTaskReported(state, command, ctx, effects);
    case 'SleepMatured': return onSleepMatured(state, command, ctx);
    case 'ExternalEventArrived': return onExternalEventArrived(state, command, ctx);
    case 'ExternalEventTimeout': return onExternalEventTimeout(state, command, ctx);
    case 'TaskRetryDue': return onTaskRetryDue(state, command, ctx, effects);
    case 'TaskAttemptTimedOut': return onTaskAttemptTimedOut(state, command, ctx, effects);
    case 'ChildWfRunEnded': return onChildWfRunEnded(state, command);
    case 'VariablesChangedByChild': return;
    case 'StopThreadRun':
    case 'ResumeThreadRun':
    case 'RescueThreadRun':
      return onLifecycleCommand(state, command, ctx, effects);
    case 'AssignUserTaskRun':
    case 'ClaimUserTaskRun':
    case 'ReleaseUserTaskRun':
    case 'CompleteUserTaskRun':
    case 'CancelUserTaskRun':
    case 'SaveUserTaskRunProgress':
    case 'PutUserTaskRunComment':
    case 'EditUserTaskRunComment':
    case 'DeleteUserTaskRunComment':
      return onUserTaskCommand(state, command, ctx, effects);
    case 'UserTaskActionDue': return onUserTaskActionDue(state, command, ctx, effects);
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

function startWfRun(cmd: Extract<Command, { type: 'RunWf' }>, ctx: EngineContext, effects: Effect[]): RunState {
  const threadSpecName = ctx.spec.entrypointThreadName;
  const thread: ThreadRun = {
    number: 0,
    wfSpecId: ctx.spec.id,
    status: 'RUNNING',
    threadSpecName,
    startTime: ctx.now,
    childThreadIds: [],
    haltReasons: [],
    currentNodePosition: 0,
    handledFailedChildren: [],
    type: 'ENTRYPOINT',
  };
  const state: RunState = {
    wfRun: {
      id: cmd.wfRunId,
      wfSpecId: ctx.spec.id,
      oldWfSpecVersions: [],
      status: 'RUNNING',
      greatestThreadrunNumber: 0,
      startTime: ctx.now,
      threadRuns: [thread],
      pendingInterrupts: [],
      pendingFailures: [],
      ...(cmd.parentWfRunId ? { parentWfRunId: cmd.parentWfRunId } : {}),
    },
    nodeRuns: {},
    variables: {},
    taskRuns: {},
    ...adoptedEvents(cmd),
    ...(cmd.inherited ? { inherited: cmd.inherited } : {}),
  };
  const spec = threadSpecOf(ctx.spec, threadSpecName);
  try {
    createThreadVariables(state, ctx, 0, spec.variableDefs, cmd.variables);
  } catch (err) {
    if (err instanceof InputError) throw invalidArgument(err.message, { field: err.field });
    throw err;
  }
  arrive(state, ctx, thread, entrypointNodeName(spec), effects);
  return state;
}

/** A child WfRun that has just ended tells its parent (whose WAIT_FOR_CHILD_WF may be waiting). */
function notifyParentIfEnded(state: RunState, effects: Effect[]): void {
  const { wfRun } = state;
  if (!wfRun.parentWfRunId || !isTerminal(wfRun.status)) return;
  const entrypoint = wfRun.threadRuns[0] as ThreadRun;
  effects.push({
    type: 'NotifyParentWfRun',
    parentWfRunId: wfRun.parentWfRunId,
    childWfRunId: wfRun.id,
    result: {
      status: wfRun.status,
      ...(entrypoint.output ? { output: entrypoint.output } : {}),
      ...(entrypoint.failure ? { failure: entrypoint.failure } : {}),
    },
  });
}
