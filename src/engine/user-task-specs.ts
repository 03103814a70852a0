// User task definitions: PutUserTaskDef's reading of a def, PutWfSpec's reading of a USER_TASK node
// (and the pinning of its UserTaskDef version), and the check of a completion's results against the def.
import { invalidArgument } from '../errors.ts';
import { checkName, isValidName } from '../ids.ts';
import { arrayAt, fail, integerAt, normalizeAssignment, normalizeTaskNode } from './spec-validation.ts';
import type { Node, TaskDef, ThreadSpec, VariableValue } from './types.ts';
import {
  USER_TASK_FIELD_TYPES, type UserTaskDef, type UserTaskField, type UserTaskFieldType, type UserTaskNode, type UTActionTrigger, type UTHook,
} from './user-task-types.ts';
import { isPlainObject, normalizeValue, typeOfValue, ValueError } from './values.ts';

const HOOKS: readonly UTHook[] = ['ON_ARRIVAL', 'ON_TASK_ASSIGNED'];

export interface PutUserTaskDefRequest { name: string; description?: string; fields?: unknown[] }

/** The def's content, without its version and creation time (which the store gives it). */
export type UserTaskDefBody = Pick<UserTaskDef, 'name' | 'description' | 'fields'>;

export function normalizeUserTaskDef(req: PutUserTaskDefRequest): UserTaskDefBody {
  const name = checkName('name', req.name);
  const fields = arrayAt('fields', req.fields).map((raw, i) => normalizeField(`fields[${i}]`, raw));
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    if (seen.has(f.name)) fail(`fields[${i}].name`, `'${f.name}' appears twice`);
    seen.add(f.name);
  });
  return { name, ...(typeof req.description === 'string' ? { description: req.description } : {}), fields };
}

function normalizeField(path: string, raw: unknown): UserTaskField {
  if (!isPlainObject(raw) || typeof raw.name !== 'string' || raw.name === '') fail(`${path}.name`, 'is required');
  if (!USER_TASK_FIELD_TYPES.includes(raw.type as UserTaskFieldType)) fail(`${path}.type`, `must be one of ${USER_TASK_FIELD_TYPES.join(', ')}`);
  const field: UserTaskField = { name: raw.name, type: raw.type as UserTaskFieldType, required: raw.required === true };
  if (typeof raw.description === 'string') field.description = raw.description;
  if (typeof raw.displayName === 'string') field.displayName = raw.displayName;
  return field;
}

/** PutWfSpec's reading of `userTask: {userTaskDefName, userId?, userGroup?, actions[], notes?, onCancellationExceptionName?}`. */
export function normalizeUserTaskNode(path: string, raw: Record<string, unknown>): UserTaskNode {
  if (!isValidName(raw.userTaskDefName)) fail(`${path}.userTaskDefName`, 'is required, a name of [A-Za-z0-9-]');
  const node: UserTaskNode = {
    userTaskDefName: raw.userTaskDefName,
    actions: arrayAt(`${path}.actions`, raw.actions).map((a, i) => normalizeAction(`${path}.actions[${i}]`, a)),
  };
  if (raw.userTaskDefVersion !== undefined) node.userTaskDefVersion = integerAt(`${path}.userTaskDefVersion`, raw.userTaskDefVersion);
  for (const key of ['userId', 'userGroup', 'notes', 'onCancellationExceptionName'] as const) {
    if (raw[key] !== undefined) node[key] = normalizeAssignment(`${path}.${key}`, raw[key]);
  }
  if (!node.userId && !node.userGroup) fail(`${path}.userGroup`, 'a USER_TASK node needs userId or userGroup');
  return node;
}

function normalizeAction(path: string, raw: unknown): UTActionTrigger {
  if (!isPlainObject(raw)) fail(path, 'must be a UTActionTrigger object');
  const hook = String(raw.hook ?? 'ON_ARRIVAL') as UTHook;
  if (!HOOKS.includes(hook)) fail(`${path}.hook`, `must be one of ${HOOKS.join(', ')}`);
  if (raw.delaySeconds === undefined) fail(`${path}.delaySeconds`, 'is required');
  const action: UTActionTrigger = { delaySeconds: normalizeAssignment(`${path}.delaySeconds`, raw.delaySeconds), hook };
  const kinds = (['task', 'cancel', 'reassign'] as const).filter((k) => raw[k] !== undefined);
  if (kinds.length !== 1) fail(path, 'needs exactly one of task, cancel, reassign');
  if (isPlainObject(raw.task)) {
    if (arrayAt(`${path}.task.mutations`, raw.task.mutations).length > 0) fail(`${path}.task.mutations`, 'mutations of reminder tasks are not supported yet');
    if (!isPlainObject(raw.task.task)) fail(`${path}.task.task`, 'is required (a TaskNode)');
    action.task = { task: normalizeTaskNode(`${path}.task.task`, raw.task.task), mutations: [] };
  } else if (raw.cancel !== undefined) action.cancel = {};
  else {
    const r = isPlainObject(raw.reassign) ? raw.reassign : {};
    if (r.userId === undefined && r.userGroup === undefined) fail(`${path}.reassign`, 'needs userId or userGroup');
    action.reassign = {
      ...(r.userId === undefined ? {} : { userId: normalizeAssignment(`${path}.reassign.userId`, r.userId) }),
      ...(r.userGroup === undefined ? {} : { userGroup: normalizeAssignment(`${path}.reassign.userGroup`, r.userGroup) }),
    };
  }
  return action;
}

/** TaskDefs that a node's reminder actions run. */
export function reminderTaskDefNames(node: Node): string[] {
  return (node.userTask?.actions ?? []).flatMap((a) => (a.task?.task.taskDefId ? [a.task.task.taskDefId.name] : []));
}

/** The UserTaskDef names USER_TASK nodes use. */
export function userTaskDefNames(threadSpecs: Record<string, ThreadSpec>): string[] {
  const names = new Set<string>();
  for (const thread of Object.values(threadSpecs)) {
    for (const node of Object.values(thread.nodes)) if (node.userTask) names.add(node.userTask.userTaskDefName);
  }
  return [...names];
}

/**
 * Every USER_TASK node must name an existing UserTaskDef version (none given: the latest, which is
 * pinned into the node) and its reminder tasks existing TaskDefs with the right number of arguments.
 */
export function pinUserTaskDefs(
  threadSpecs: Record<string, ThreadSpec>,
  versions: ReadonlyMap<string, readonly number[]>,
  taskDefs: ReadonlyMap<string, TaskDef>,
): void {
  for (const [threadName, thread] of Object.entries(threadSpecs)) {
    for (const [nodeName, node] of Object.entries(thread.nodes)) {
      if (!node.userTask) continue;
      const path = `threadSpecs.${threadName}.nodes.${nodeName}.userTask`;
      const { userTaskDefName: name, userTaskDefVersion: wanted } = node.userTask;
      const known = versions.get(name) ?? [];
      if (known.length === 0) fail(`${path}.userTaskDefName`, `UserTaskDef '${name}' does not exist`);
      if (wanted !== undefined && !known.includes(wanted)) fail(`${path}.userTaskDefVersion`, `UserTaskDef '${name}' has no version ${wanted}`);
      node.userTask.userTaskDefVersion = wanted ?? Math.max(...known);
      node.userTask.actions.forEach((a, i) => {
        const task = a.task?.task;
        if (!task?.taskDefId) return;
        const def = taskDefs.get(task.taskDefId.name);
        const at = `${path}.actions[${i}].task.task`;
        if (!def) fail(`${at}.taskDefId`, `TaskDef '${task.taskDefId.name}' does not exist`);
        if (def.inputVars.length !== task.variables.length) {
          fail(`${at}.variables`, `TaskDef '${def.id.name}' takes ${def.inputVars.length} arguments, the action passes ${task.variables.length}`);
        }
      });
    }
  }
}

/**
 * CompleteUserTaskRun's results checked against the def: each names a field, has its exact type
 * (plain JSON or a VariableValue; an INT is taken for a DOUBLE), and every required field is there.
 */
export function typedResults(def: UserTaskDef, raw: unknown): Record<string, VariableValue> {
  if (raw !== undefined && !isPlainObject(raw)) throw invalidArgument('results: must be an object of field name -> value', { field: 'results' });
  const results: Record<string, VariableValue> = {};
  for (const [name, given] of Object.entries(raw ?? {})) {
    const field = def.fields.find((f) => f.name === name);
    const at = `results.${name}`;
    if (!field) throw invalidArgument(`${at}: UserTaskDef '${def.name}' has no field '${name}'`, { field: at });
    const value = resultValue(at, given);
    const type = typeOfValue(value);
    if (type === null) continue;
    if (type === 'INT' && field.type === 'DOUBLE') results[name] = { double: value.int as number };
    else if (type !== field.type) throw invalidArgument(`${at}: field '${name}' is ${field.type}, got a ${type}`, { field: at });
    else results[name] = value;
  }
  for (const field of def.fields) {
    const at = `results.${field.name}`;
    if (field.required && !(field.name in results)) throw invalidArgument(`${at}: required field '${field.name}' is missing`, { field: at });
  }
  return results;
}

/** A result as plain JSON (`true`, `"text"`, `3`) or as a VariableValue (`{"bool": true}`). */
export function resultValue(at: string, given: unknown): VariableValue {
  if (given === null) return {};
  if (typeof given === 'string') return { str: given };
  if (typeof given === 'boolean') return { bool: given };
  if (typeof given === 'number') return Number.isInteger(given) ? { int: given } : { double: given };
  try {
    return normalizeValue(given);
  } catch (err) {
    if (err instanceof ValueError) throw invalidArgument(`${at}: ${err.message}`, { field: at });
    throw err;
  }
}
