// The search index entries of one WfRun's objects, and the index writes a commit makes so that
// indexes stay true to the run: every stored object (a field of the run hash) maps to the entries
// it should have, and a commit removes the entries its changed fields lost and adds those they gained.
import { TERMINAL_STATUSES, SUPPORTED_NODE_TYPES, type ExternalEvent, type NodeRun, type TaskRun, type Variable, type VariableValue, type WfRun, type WfSpec, type WorkflowEvent } from '../../engine/types.ts';
import type { Keys } from '../keys.ts';
import { EVENT, NODE, TASK, USER_TASK, VARIABLE, WF_EVENT, WF_RUN, type ChangedObject } from './run-serde.ts';
import type { UserTaskRun } from '../../engine/user-task-types.ts';
import { userTaskRunEntries } from './user-task-index.ts';

/** One sorted-set entry: [key, score (ms), member]. */
export type IndexEntry = [string, number, string];
export interface IndexOps { zadd: IndexEntry[]; zrem: Array<[string, string]> }

/** What deciding a run's entries needs beyond the objects: which Variables are searchable. */
export interface IndexContext { keys: Keys; tenant: string; searchable: (threadRunNumber: number, name: string) => boolean }

/** Searchable Variables as the WfSpec declares them, per thread (threads found in `wfRun`). */
export function searchableIn(spec: WfSpec | undefined, wfRun: WfRun): IndexContext['searchable'] {
  if (!spec) return () => false;
  return (threadRunNumber, name) => {
    const thread = wfRun.threadRuns.find((t) => t.number === threadRunNumber);
    const defs = thread ? spec.threadSpecs[thread.threadSpecName]?.variableDefs : undefined;
    return defs?.some((d) => d.searchable && d.varDef.name === name) ?? false;
  };
}

/** The index writes that take a run from its stored objects to the changed ones. */
export function indexChanges(ctx: IndexContext, changes: ChangedObject[]): IndexOps {
  const ops: IndexOps = { zadd: [], zrem: [] };
  for (const { field, before, after } of changes) {
    if (sameIndexedAttributes(field, before, after)) continue;
    const old = new Map(entriesOfObject(ctx, field, before).map((e) => [`${e[0]}\n${e[2]}`, e]));
    for (const entry of entriesOfObject(ctx, field, after)) {
      const id = `${entry[0]}\n${entry[2]}`;
      if (old.get(id)?.[1] !== entry[1]) ops.zadd.push(entry);
      old.delete(id);
    }
    for (const [key, , member] of old.values()) ops.zrem.push([key, member]);
  }
  return ops;
}

/**
 * WfRuns, NodeRuns and TaskRuns are indexed by attributes fixed at creation and by their status (a
 * WfRun also by its WfSpec version, which migration changes): while those stay, so do the entries.
 */
function sameIndexedAttributes(field: string, before: unknown, after: unknown): boolean {
  if (before === undefined) return false;
  if (field === WF_RUN) {
    const [b, a] = [before as WfRun, after as WfRun];
    return b.status === a.status && b.wfSpecId.majorVersion === a.wfSpecId.majorVersion && b.wfSpecId.revision === a.wfSpecId.revision;
  }
  if (field.startsWith(NODE) || field.startsWith(TASK)) return (before as { status: string }).status === (after as { status: string }).status;
  return false;
}

/** Every index entry of a stored run (to remove them all when it is deleted). */
export function allEntries(ctx: IndexContext, fields: Map<string, string>): IndexEntry[] {
  return [...fields].flatMap(([field, json]) => entriesOfObject(ctx, field, JSON.parse(json)));
}

function entriesOfObject(ctx: IndexContext, field: string, object: unknown): IndexEntry[] {
  if (object === undefined) return [];
  if (field === WF_RUN) return wfRunEntries(ctx, object as WfRun);
  if (field.startsWith(NODE)) return nodeRunEntries(ctx, object as NodeRun);
  if (field.startsWith(VARIABLE)) return variableEntries(ctx, object as Variable);
  if (field.startsWith(TASK)) return taskRunEntries(ctx, object as TaskRun);
  if (field.startsWith(EVENT)) return externalEventEntries(ctx, object as ExternalEvent);
  if (field.startsWith(USER_TASK)) return userTaskRunEntries(ctx.keys, ctx.tenant, object as UserTaskRun);
  if (field.startsWith(WF_EVENT)) return workflowEventEntries(ctx, object as WorkflowEvent);
  return [];
}

function wfRunEntries({ keys, tenant }: IndexContext, run: WfRun): IndexEntry[] {
  const score = Date.parse(run.startTime);
  const { name: wfSpecName, majorVersion, revision } = run.wfSpecId;
  const specs = [{}, { wfSpecName }, { wfSpecName, majorVersion }, { wfSpecName, majorVersion, revision }];
  const indexes = specs.flatMap((spec) => [keys.runIndex(tenant, spec), keys.runIndex(tenant, { ...spec, status: run.status })]);
  if (run.parentWfRunId !== undefined) indexes.push(keys.runsByParent(tenant, run.parentWfRunId));
  if (!TERMINAL_STATUSES.includes(run.status)) indexes.push(keys.activeRunsOfVersion(tenant, run.wfSpecId));
  return indexes.map((key) => [key, score, run.id]);
}

function nodeRunEntries({ keys, tenant }: IndexContext, nodeRun: NodeRun): IndexEntry[] {
  const type = nodeTypeOf(nodeRun);
  if (type === undefined) return [];
  const member = JSON.stringify([nodeRun.id.wfRunId, nodeRun.id.threadRunNumber, nodeRun.id.position]);
  const score = Date.parse(nodeRun.arrivalTime);
  const entries: IndexEntry[] = [[keys.nodeRunIndex(tenant, type), score, member], [keys.nodeRunIndex(tenant, type, nodeRun.status), score, member]];
  const def = nodeRun.externalEvent?.externalEventDefId.name;
  if (def !== undefined) {
    entries.push([keys.externalEventNodeRunIndex(tenant, def), score, member], [keys.externalEventNodeRunIndex(tenant, def, nodeRun.status), score, member]);
  }
  return entries;
}

function variableEntries(ctx: IndexContext, variable: Variable): IndexEntry[] {
  const { id } = variable;
  if (variable.masked || !ctx.searchable(id.threadRunNumber, id.name)) return [];
  const text = valueText(variable.value);
  if (text === undefined) return [];
  const member = JSON.stringify([id.wfRunId, id.threadRunNumber, id.name]);
  return [[ctx.keys.variableIndex(ctx.tenant, variable.wfSpecId.name, id.name, text), Date.parse(variable.createdAt), member]];
}

function taskRunEntries({ keys, tenant }: IndexContext, taskRun: TaskRun): IndexEntry[] {
  const member = JSON.stringify([taskRun.id.wfRunId, taskRun.id.taskGuid]);
  const score = Date.parse(taskRun.scheduledAt);
  const def = taskRun.taskDefId.name;
  return [[keys.taskRunIndex(tenant, def), score, member], [keys.taskRunIndex(tenant, def, taskRun.status), score, member]];
}

function externalEventEntries({ keys, tenant }: IndexContext, event: ExternalEvent): IndexEntry[] {
  const { wfRunId, externalEventDefId, guid } = event.id;
  const member = JSON.stringify([wfRunId, externalEventDefId.name, guid]);
  const score = Date.parse(event.createdAt);
  const def = externalEventDefId.name;
  return [[keys.externalEventIndex(tenant, def), score, member], [keys.externalEventIndex(tenant, def, event.claimed), score, member]];
}

function workflowEventEntries({ keys, tenant }: IndexContext, event: WorkflowEvent): IndexEntry[] {
  const { wfRunId, workflowEventDefId, number } = event.id;
  return [[keys.workflowEventIndex(tenant, workflowEventDefId.name), Date.parse(event.createdAt), JSON.stringify([wfRunId, workflowEventDefId.name, number])]];
}

/** LittleHorse's NodeType of a NodeRun (`waitForThreads` -> `WAIT_FOR_THREADS`). */
export function nodeTypeOf(nodeRun: NodeRun): string | undefined {
  const field = SUPPORTED_NODE_TYPES.find((t) => (nodeRun as unknown as Record<string, unknown>)[t] !== undefined);
  return field?.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

/**
 * The text a Variable's value is searched by (what a caller passes as `value`); undefined for
 * NULL and JSON values, which are not searchable.
 */
export function valueText(value: VariableValue): string | undefined {
  if (value.str !== undefined) return value.str;
  if (value.int !== undefined) return String(value.int);
  if (value.double !== undefined) return String(value.double);
  if (value.bool !== undefined) return String(value.bool);
  if (value.wfRunId !== undefined) return value.wfRunId.id;
  if (value.utcTimestamp !== undefined) return value.utcTimestamp;
  if (value.bytes !== undefined) return value.bytes;
  return undefined;
}
