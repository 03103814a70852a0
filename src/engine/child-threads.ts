// START_THREAD and START_MULTIPLE_THREADS: child ThreadRuns that run beside their parent, see
// (and may write) its variables, and are halted with it (see lifecycle.ts).
import { resolveAssignment, valueOfJson } from './assignments.ts';
import type { EngineContext, Effect } from './commands.ts';
import { failure, NodeFailureError, varSubError } from './failures.ts';
import { entrypointNodeName, threadSpecOf } from './spec.ts';
import { createThreadVariables, InputError } from './thread-variables.ts';
import { arrive, completeNode } from './threads.ts';
import type {
  NodeRun, RunState, StartMultipleThreadsNode, StartThreadNode, ThreadRun, ThreadType, VariableAssignment,
  VariableValue,
} from './types.ts';
import { toPlain } from './values.ts';

/** LittleHorse's default limit of ThreadRuns in one WfRun. */
export const MAX_THREAD_RUNS = 65;

export function arriveAtStartThread(
  state: RunState, ctx: EngineContext, thread: ThreadRun, nodeRun: NodeRun, node: StartThreadNode, effects: Effect[],
): void {
  const inputs = resolveAll(state, thread, node.variables);
  checkThreadLimit(state, 1);
  const child = startChildThread(state, ctx, thread, node.threadSpecName, inputs, 'CHILD', effects);
  nodeRun.startThread = { childThreadId: child.number, threadSpecName: node.threadSpecName };
  completeNode(nodeRun, ctx);
}

/** One child per element of the iterable JSON_ARR, each with the element as its `INPUT` variable. */
export function arriveAtStartMultipleThreads(
  state: RunState, ctx: EngineContext, thread: ThreadRun, nodeRun: NodeRun, node: StartMultipleThreadsNode, effects: Effect[],
): void {
  const iterable = resolveAssignment(state, thread.number, node.iterable);
  if (iterable.jsonArr === undefined) throw varSubError('START_MULTIPLE_THREADS needs a JSON_ARR to iterate over');
  const inputs = resolveAll(state, thread, node.variables);
  const takesInput = threadSpecOf(ctx.spec, node.threadSpecName).variableDefs.some((d) => d.varDef.name === 'INPUT');
  checkThreadLimit(state, iterable.jsonArr.length);
  const children = iterable.jsonArr.map((item) =>
    startChildThread(state, ctx, thread, node.threadSpecName, takesInput ? { ...inputs, INPUT: valueOfJson(item) } : inputs, 'CHILD', effects),
  );
  nodeRun.startMultipleThreads = { childThreadIds: children.map((c) => c.number), threadSpecName: node.threadSpecName };
  completeNode(nodeRun, ctx);
}

/** Creates a ThreadRun under `parent`, with its variables, and moves it to its ENTRYPOINT. */
export function startChildThread(
  state: RunState,
  ctx: EngineContext,
  parent: ThreadRun,
  threadSpecName: string,
  inputs: Record<string, VariableValue>,
  type: ThreadType,
  effects: Effect[],
): ThreadRun {
  const number = ++state.wfRun.greatestThreadrunNumber;
  const child: ThreadRun = {
    number,
    wfSpecId: ctx.spec.id,
    status: 'RUNNING',
    threadSpecName,
    startTime: ctx.now,
    childThreadIds: [],
    parentThreadId: parent.number,
    haltReasons: [],
    currentNodePosition: 0,
    handledFailedChildren: [],
    type,
  };
  const spec = threadSpecOf(ctx.spec, threadSpecName);
  try {
    createThreadVariables(state, ctx, number, spec.variableDefs, inputs);
  } catch (err) {
    if (err instanceof InputError) throw varSubError(`starting thread '${threadSpecName}': ${err.message}`);
    throw err;
  }
  state.wfRun.threadRuns.push(child);
  parent.childThreadIds.push(number);
  arrive(state, ctx, child, entrypointNodeName(spec), effects);
  return child;
}

function resolveAll(state: RunState, thread: ThreadRun, assignments: Record<string, VariableAssignment>): Record<string, VariableValue> {
  return Object.fromEntries(Object.entries(assignments).map(([name, a]) => [name, resolveAssignment(state, thread.number, a)]));
}

function checkThreadLimit(state: RunState, adding: number): void {
  if (state.wfRun.threadRuns.length + adding > MAX_THREAD_RUNS) {
    throw new NodeFailureError(failure('INTERNAL_ERROR', `a WfRun may have at most ${MAX_THREAD_RUNS} ThreadRuns`));
  }
}

