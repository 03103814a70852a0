// A RunState <-> the fields of its Redis hash. One field per object, so a commit writes only what changed.
import { nodeRunKey, variableKey } from '../../engine/run-state.ts';
import type { ExternalEvent, NodeRun, RunState, TaskRun, Variable, WfRun, WorkflowEvent } from '../../engine/types.ts';
import type { UserTaskRun } from '../../engine/user-task-types.ts';

export const WF_RUN = 'wfRun';
export const NODE = 'node:';
export const VARIABLE = 'var:';
export const TASK = 'task:';
/** An ExternalEvent's field: `event:<defName>/<guid>`. */
export const EVENT = 'event:';
/** A UserTaskRun's field: `utask:<userTaskGuid>`. */
export const USER_TASK = 'utask:';
/** A WorkflowEvent's field: `wfevent:<defName>/<number>`. */
export const WF_EVENT = 'wfevent:';

export function toFields(state: RunState): Map<string, string> {
  const fields = new Map<string, string>([[WF_RUN, JSON.stringify(state.wfRun)]]);
  for (const [key, nodeRun] of Object.entries(state.nodeRuns)) fields.set(NODE + key, JSON.stringify(nodeRun));
  for (const [key, variable] of Object.entries(state.variables)) fields.set(VARIABLE + key, JSON.stringify(variable));
  for (const [key, taskRun] of Object.entries(state.taskRuns)) fields.set(TASK + key, JSON.stringify(taskRun));
  for (const [key, event] of Object.entries(state.externalEvents ?? {})) fields.set(EVENT + key, JSON.stringify(event));
  for (const [key, utr] of Object.entries(state.userTaskRuns ?? {})) fields.set(USER_TASK + key, JSON.stringify(utr));
  for (const [key, event] of Object.entries(state.workflowEvents ?? {})) fields.set(WF_EVENT + key, JSON.stringify(event));
  return fields;
}

/** Parses HGETALL's result; null when the hash holds no run. */
export function fromFields(raw: Record<string, string>): { state: RunState; version: number } | null {
  if (raw[WF_RUN] === undefined) return null;
  const state: RunState = { wfRun: JSON.parse(raw[WF_RUN]) as WfRun, nodeRuns: {}, variables: {}, taskRuns: {} };
  for (const [field, json] of Object.entries(raw)) {
    if (field.startsWith(NODE)) {
      const nodeRun = JSON.parse(json) as NodeRun;
      state.nodeRuns[nodeRunKey(nodeRun.id.threadRunNumber, nodeRun.id.position)] = nodeRun;
    } else if (field.startsWith(VARIABLE)) {
      const variable = JSON.parse(json) as Variable;
      state.variables[variableKey(variable.id.threadRunNumber, variable.id.name)] = variable;
    } else if (field.startsWith(TASK)) {
      const taskRun = JSON.parse(json) as TaskRun;
      state.taskRuns[taskRun.id.taskGuid] = taskRun;
    } else if (field.startsWith(EVENT)) {
      (state.externalEvents ??= {})[field.slice(EVENT.length)] = JSON.parse(json) as ExternalEvent;
    } else if (field.startsWith(USER_TASK)) {
      (state.userTaskRuns ??= {})[field.slice(USER_TASK.length)] = JSON.parse(json) as UserTaskRun;
    } else if (field.startsWith(WF_EVENT)) {
      (state.workflowEvents ??= {})[field.slice(WF_EVENT.length)] = JSON.parse(json) as WorkflowEvent;
    }
  }
  return { state, version: Number(raw.v ?? 0) };
}

/** The fields of `after` that differ from `before` (deleted objects never happen within a run). */
/** One changed field of a commit, its stored and its new object parsed once, for indexes and metrics. */
export interface ChangedObject { field: string; before: unknown; after: unknown }

export function parseChanges(stored: Map<string, string> | null, changed: string[]): ChangedObject[] {
  const changes: ChangedObject[] = [];
  for (let i = 0; i < changed.length; i += 2) {
    const field = changed[i]!;
    const old = stored?.get(field);
    changes.push({ field, before: old === undefined ? undefined : JSON.parse(old), after: JSON.parse(changed[i + 1]!) });
  }
  return changes;
}

export function changedFields(before: Map<string, string> | null, after: RunState): string[] {
  const changed: string[] = [];
  for (const [field, json] of toFields(after)) {
    if (before?.get(field) !== json) changed.push(field, json);
  }
  return changed;
}
