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

/** Every stored object of a run with its field. */
function objectsOf(state: RunState): Array<[string, unknown]> {
  const objects: Array<[string, unknown]> = [[WF_RUN, state.wfRun]];
  const add = (prefix: string, map: Record<string, unknown> | undefined) => {
    for (const [key, object] of Object.entries(map ?? {})) objects.push([prefix + key, object]);
  };
  add(NODE, state.nodeRuns);
  add(VARIABLE, state.variables);
  add(TASK, state.taskRuns);
  add(EVENT, state.externalEvents);
  add(USER_TASK, state.userTaskRuns);
  add(WF_EVENT, state.workflowEvents);
  return objects;
}

export function toFields(state: RunState): Map<string, string> {
  return new Map(objectsOf(state).map(([field, object]) => [field, JSON.stringify(object)]));
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

/** One changed field of a commit, its stored and its new object parsed once, for indexes and metrics. */
export interface ChangedObject { field: string; before: unknown; after: unknown }

/** Changed fields given as `[field, json, ...]`, with their stored objects parsed. */
export function parseChanges(stored: Map<string, string> | null, changed: string[]): ChangedObject[] {
  const changes: ChangedObject[] = [];
  for (let i = 0; i < changed.length; i += 2) {
    const field = changed[i]!;
    changes.push({ field, before: parsed(stored?.get(field)), after: JSON.parse(changed[i + 1]!) });
  }
  return changes;
}

/**
 * The fields of `after` that differ from what is stored (`[field, json, ...]`; objects are never
 * deleted within a run), and those changes with the stored object parsed and the new one as it is.
 */
export function changesOf(stored: Map<string, string> | null, after: RunState): { fields: string[]; changes: ChangedObject[] } {
  const fields: string[] = [];
  const changes: ChangedObject[] = [];
  for (const [field, object] of objectsOf(after)) {
    const json = JSON.stringify(object);
    const old = stored?.get(field);
    if (old === json) continue;
    fields.push(field, json);
    changes.push({ field, before: parsed(old), after: object });
  }
  return { fields, changes };
}

const parsed = (json: string | undefined): unknown => (json === undefined ? undefined : JSON.parse(json));
