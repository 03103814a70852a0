// MigrateWfSpec (pure): moves a RUNNING WfRun onto a newer version of its WfSpec. Each thread
// that has not terminated must sit on a waiting node (EXTERNAL_EVENT, USER_TASK, SLEEP,
// WAIT_FOR_CONDITION, WAIT_FOR_THREADS); it moves to the mapped ThreadSpec (default: same name)
// and its current NodeRun to the mapped node (default: same name) of the same type. Variables the
// new ThreadSpec declares that the thread lacks are created (default value, else NULL).
import { copyOf, nodeRunKey, variableKey } from './run-state.ts';
import { nodeTypeOf } from './spec.ts';
import { TERMINAL_STATUSES, type NodeType, type RunState, type WfSpec } from './types.ts';

export interface ThreadSpecMigration { newThreadSpecName: string; nodeMigrations?: Record<string, { newNodeName: string }> }

export interface WfSpecMigration { newMajorVersion: number; newRevision: number; threadSpecMigrations?: Record<string, ThreadSpecMigration> }

const WAITING_NODES: readonly NodeType[] = ['externalEvent', 'userTask', 'sleep', 'waitForCondition', 'waitForThreads'];

/** The run moved onto `to` (a new object), or why it cannot be moved. */
export function migrateRun(state: RunState, to: WfSpec, migration: WfSpecMigration, now: string): RunState | { refused: string } {
  if (state.wfRun.status !== 'RUNNING') return { refused: `the WfRun is ${state.wfRun.status}, not RUNNING` };
  const next = copyOf(state);
  for (const thread of next.wfRun.threadRuns) {
    if (TERMINAL_STATUSES.includes(thread.status)) continue;
    const mapping = migration.threadSpecMigrations?.[thread.threadSpecName];
    const newThreadSpecName = mapping?.newThreadSpecName ?? thread.threadSpecName;
    const newThread = to.threadSpecs[newThreadSpecName];
    if (!newThread) return { refused: `thread ${thread.number}: the new version has no ThreadSpec '${newThreadSpecName}'` };
    const nodeRun = next.nodeRuns[nodeRunKey(thread.number, thread.currentNodePosition)];
    if (!nodeRun) return { refused: `thread ${thread.number} has no current node run` };
    const newNodeName = mapping?.nodeMigrations?.[nodeRun.nodeName]?.newNodeName ?? nodeRun.nodeName;
    const newNode = newThread.nodes[newNodeName];
    const type = WAITING_NODES.find((t) => (nodeRun as unknown as Record<string, unknown>)[t] !== undefined);
    if (nodeRun.status !== 'RUNNING' || type === undefined) {
      return { refused: `thread ${thread.number} is not waiting on a long-running node (it is at '${nodeRun.nodeName}')` };
    }
    if (!newNode || nodeTypeOf(newNode) !== type) {
      return { refused: `thread ${thread.number}: the new version has no ${type} node '${newNodeName}' in '${newThreadSpecName}'` };
    }
    thread.threadSpecName = newThreadSpecName;
    thread.wfSpecId = to.id;
    Object.assign(nodeRun, { nodeName: newNodeName, threadSpecName: newThreadSpecName, wfSpecId: to.id });
    for (const { varDef, accessLevel } of newThread.variableDefs) {
      const key = variableKey(thread.number, varDef.name);
      if (accessLevel === 'INHERITED_VAR' || next.variables[key]) continue;
      next.variables[key] = {
        id: { wfRunId: next.wfRun.id, threadRunNumber: thread.number, name: varDef.name },
        value: varDef.defaultValue ?? {},
        createdAt: now,
        wfSpecId: to.id,
        masked: varDef.typeDef.masked,
      };
    }
  }
  next.wfRun.oldWfSpecVersions = [...next.wfRun.oldWfSpecVersions, next.wfRun.wfSpecId];
  next.wfRun.wfSpecId = to.id;
  return next;
}
