// Reading and writing one RunState: keys of its maps, variable scope, node outputs.
import { userTaskOutput } from './user-tasks.ts';
import { TERMINAL_STATUSES, type LHStatus, type NodeRun, type RunState, type ThreadRun, type Variable, type VariableValue } from './types.ts';

export const nodeRunKey = (threadRunNumber: number, position: number) => `${threadRunNumber}/${position}`;
export const variableKey = (threadRunNumber: number, name: string) => `${threadRunNumber}/${name}`;
export const externalEventKey = (externalEventDefName: string, guid: string) => `${externalEventDefName}/${guid}`;

/** A deep copy of a run (plain JSON data; a stored run's maps may be lazy views, which structuredClone refuses). */
export function copyOf(state: RunState): RunState {
  return JSON.parse(JSON.stringify(state)) as RunState;
}

export function threadRun(state: RunState, number: number): ThreadRun {
  const thread = state.wfRun.threadRuns.find((t) => t.number === number);
  if (!thread) throw new Error(`thread run ${number} does not exist`);
  return thread;
}

export function currentNodeRun(state: RunState, thread: ThreadRun): NodeRun {
  const nodeRun = state.nodeRuns[nodeRunKey(thread.number, thread.currentNodePosition)];
  if (!nodeRun) throw new Error(`thread ${thread.number} has no node run at ${thread.currentNodePosition}`);
  return nodeRun;
}

/**
 * The variable `name` as seen from a thread: its own, else its ancestor threads' (children may read
 * and write them), else the parent WfRun's that an INHERITED_VAR declaration names.
 */
export function findVariable(state: RunState, threadRunNumber: number, name: string): Variable | undefined {
  for (let t: ThreadRun | undefined = threadRun(state, threadRunNumber); t; ) {
    const variable = state.variables[variableKey(t.number, name)];
    if (variable) return variable;
    t = t.parentThreadId === undefined ? undefined : threadRun(state, t.parentThreadId);
  }
  return state.inherited?.[name];
}

/** Whether a variable belongs to another WfRun (an ancestor's, reached through INHERITED_VAR). */
export function isInherited(state: RunState, variable: Variable): boolean {
  return variable.id.wfRunId !== state.wfRun.id;
}

/** The most recent NodeRun of `nodeName` in a thread, as LittleHorse's node-output references read it. */
export function latestNodeRun(state: RunState, threadRunNumber: number, nodeName: string): NodeRun | undefined {
  const thread = threadRun(state, threadRunNumber);
  for (let position = thread.currentNodePosition; position >= 0; position--) {
    const nodeRun = state.nodeRuns[nodeRunKey(threadRunNumber, position)];
    if (nodeRun?.nodeName === nodeName) return nodeRun;
  }
  return undefined;
}

/** A completed node's output, as node-output references and edge mutations read it. */
export function nodeOutput(state: RunState, nodeRun: NodeRun): VariableValue | undefined {
  if (nodeRun.status !== 'COMPLETED') return undefined;
  if (nodeRun.task?.taskRunId) {
    const attempts = state.taskRuns[nodeRun.task.taskRunId.taskGuid]?.attempts ?? [];
    return attempts.findLast((a) => a.status === 'TASK_SUCCESS')?.output ?? {};
  }
  if (nodeRun.startThread?.childThreadId !== undefined) return { int: nodeRun.startThread.childThreadId };
  if (nodeRun.startMultipleThreads) return { jsonArr: nodeRun.startMultipleThreads.childThreadIds };
  if (nodeRun.runChildWf?.childWfRunId) return { wfRunId: { id: nodeRun.runChildWf.childWfRunId } };
  if (nodeRun.waitForChildWf?.childWfRunId) return state.wfRun.childWfRuns?.[nodeRun.waitForChildWf.childWfRunId]?.output ?? {};
  const userTask = nodeRun.userTask?.userTaskRunId;
  if (userTask) return userTaskOutput(state.userTaskRuns?.[userTask.userTaskGuid]);
  const event = nodeRun.externalEvent?.externalEventId;
  if (event) return state.externalEvents?.[externalEventKey(event.externalEventDefId.name, event.guid)]?.content ?? {};
  return {};
}

export function isTerminal(status: LHStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}
