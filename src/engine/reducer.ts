// The engine core: advance(run, command, context) -> the run's next state and the effects to send.
// Pure: no clock, no Redis, no network. Everything it needs arrives in `ctx`.
import { alreadyExists, invalidArgument, notFound } from '../errors.ts';
import type { Command, EngineContext, Effect } from './commands.ts';
import { variableKey } from './run-state.ts';
import { entrypointNodeName, threadSpecOf } from './spec.ts';
import { onTaskClaimed, onTaskReported } from './tasks.ts';
import { advanceThreads, arrive } from './threads.ts';
import type { RunState, ThreadRun, Variable } from './types.ts';
import { fromPlain, ValueError } from './values.ts';

export interface Transition { state: RunState; effects: Effect[] }

/** Pure: returns the next state and leaves `current` as it was. */
export function advance(current: RunState | null, command: Command, ctx: EngineContext): Transition {
  return advanceInPlace(current && structuredClone(current), command, ctx);
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
    return { state: started, effects };
  }
  if (!state) throw notFound('WfRun does not exist');
  if (command.type === 'TaskClaimed') onTaskClaimed(state, command, ctx);
  else onTaskReported(state, command, ctx, effects);
  advanceThreads(state, ctx, effects);
  return { state, effects };
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
    variables: inputVariables(cmd, ctx),
    taskRuns: {},
  };
  arrive(state, ctx, thread, entrypointNodeName(threadSpecOf(ctx.spec, threadSpecName)), effects);
  return state;
}

/** The entrypoint thread's variables from RunWf's plain-JSON inputs, checked against their definitions. */
function inputVariables(cmd: Extract<Command, { type: 'RunWf' }>, ctx: EngineContext): Record<string, Variable> {
  const defs = threadSpecOf(ctx.spec, ctx.spec.entrypointThreadName).variableDefs;
  for (const name of Object.keys(cmd.variables)) {
    if (!defs.some((d) => d.varDef.name === name)) {
      throw invalidArgument(`variables.${name}: WfSpec ${ctx.spec.id.name} has no input variable '${name}'`, { field: `variables.${name}` });
    }
  }
  const variables: Record<string, Variable> = {};
  for (const { varDef, required } of defs) {
    const given = cmd.variables[varDef.name];
    const field = `variables.${varDef.name}`;
    if (required && (given === undefined || given === null)) throw invalidArgument(`${field} is required`, { field });
    let value;
    try {
      value = given === undefined || given === null ? (varDef.defaultValue ?? {}) : fromPlain(varDef.typeDef.primitiveType, given);
    } catch (err) {
      if (err instanceof ValueError) throw invalidArgument(`${field}: ${err.message}`, { field });
      throw err;
    }
    variables[variableKey(0, varDef.name)] = {
      id: { wfRunId: cmd.wfRunId, threadRunNumber: 0, name: varDef.name },
      value,
      createdAt: ctx.now,
      wfSpecId: ctx.spec.id,
      masked: varDef.typeDef.masked,
    };
  }
  return variables;
}
