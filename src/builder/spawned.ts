// Handles on what a thread started: one child thread, a child thread per item of a list, or a
// child WfRun. Thread numbers live in internal variables named after the starting node, as in
// LittleHorse's SDKs; a child WfRun's id is the output of its RUN_CHILD_WF node.
import type { VariableAssignment } from '../engine/types.ts';
import { WorkflowDefinitionError } from './definition-error.ts';
import type { NodeOwner } from './node-output.ts';
import type { ThreadRef } from './operand.ts';
import type { WfRunVariable } from './variables.ts';

/** A thread started by `spawnThread`; its number is in an INT variable. */
export class SpawnedThread {
  /** @internal */
  constructor(readonly threadSpecName: string, readonly threadNumberVariable: WfRunVariable<'INT'>) {}
}

/** The threads started by `spawnThreadForEach`; their numbers are in a JSON_ARR variable. */
export class SpawnedThreads {
  /** @internal */
  constructor(readonly threadSpecName: string, readonly threadNumbersVariable: WfRunVariable<'JSON_ARR'>) {}
}

/** A child WfRun started by `runChildWf`, to wait for with `waitForChildWf`. */
export class SpawnedChildWf {
  /** @internal */
  constructor(readonly owner: NodeOwner, readonly runNodeName: string, readonly wfSpecLabel: string) {}

  /** @internal The child's WfRunId: the RUN_CHILD_WF node's output. */
  idAssignment(): VariableAssignment {
    return { nodeOutput: { nodeName: this.runNodeName } };
  }
}

export type ThreadsToWaitFor = SpawnedThread | SpawnedThreads;

/** Fixed threads are waited for by their number variables; a for-each batch by its list variable. */
export function threadsToWaitFor(threads: ThreadsToWaitFor[], thread: ThreadRef) {
  if (threads.length > 0 && threads.every((t) => t instanceof SpawnedThread)) {
    return { threads: { threads: threads.map((t) => ({ threadRunNumber: t.threadNumberVariable.toAssignment(thread) })) } };
  }
  const [only] = threads;
  if (threads.length === 1 && only instanceof SpawnedThreads) return { threadList: only.threadNumbersVariable.toAssignment(thread) };
  throw new WorkflowDefinitionError('waitForThreads takes spawnThread() handles, or exactly one spawnThreadForEach() handle');
}
