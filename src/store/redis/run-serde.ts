// A RunState <-> the fields of its Redis hash. One field per object, so a commit writes only what changed.
import { nodeRunKey, variableKey } from '../../engine/run-state.ts';
import type { ExternalEvent, NodeRun, RunState, TaskRun, Variable, WfRun } from '../../engine/types.ts';

const WF_RUN = 'wfRun';
const NODE = 'node:';
const VARIABLE = 'var:';
const TASK = 'task:';
/** An ExternalEvent's field: `event:<defName>/<guid>`. */
export const EVENT = 'event:';

export function toFields(state: RunState): Map<string, string> {
  const fields = new Map<string, string>([[WF_RUN, JSON.stringify(state.wfRun)]]);
  for (const [key, nodeRun] of Object.entries(state.nodeRuns)) fields.set(NODE + key, JSON.stringify(nodeRun));
  for (const [key, variable] of Object.entries(state.variables)) fields.set(VARIABLE + key, JSON.stringify(variable));
  for (const [key, taskRun] of Object.entries(state.taskRuns)) fields.set(TASK + key, JSON.stringify(taskRun));
  for (const [key, event] of Object.entries(state.externalEvents ?? {})) fields.set(EVENT + key, JSON.stringify(event));
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
    }
  }
  return { state, version: Number(raw.v ?? 0) };
}

/** The fields of `after` that differ from `before` (deleted objects never happen within a run). */
export function changedFields(before: Map<string, string> | null, after: RunState): string[] {
  const changed: string[] = [];
  for (const [field, json] of toFields(after)) {
    if (before?.get(field) !== json) changed.push(field, json);
  }
  return changed;
}
