// PutWfSpec versioning: how a new WfSpec body relates to the latest version of its name.
// Identical -> the latest is returned; a change to the WfSpec's interface (its PUBLIC_VAR variables,
// its required entrypoint inputs, its output type) -> a new major version; any other change -> a new
// revision. Variables once frozen (required entrypoint inputs and PUBLIC_VARs, of any earlier
// version) keep their type forever. `allowedUpdates` on the request may refuse the change.
import { isDeepStrictEqual } from 'node:util';
import { alreadyExists, failedPrecondition, invalidArgument } from '../errors.ts';
import type { Node, PrimitiveType, TaskDef, ThreadSpec, ThreadVarDef, VariableAssignment, WfSpec, WfSpecId } from './types.ts';
import { typeOfValue } from './values.ts';

export const ALLOWED_UPDATES = ['ALL_UPDATES', 'MINOR_REVISION_UPDATES', 'NO_UPDATES'] as const;
export type AllowedUpdates = (typeof ALLOWED_UPDATES)[number];

/** What a PutWfSpec request versions: the spec without id, createdAt, status and frozenVariables. */
export type VersionedBody = Pick<WfSpec, 'threadSpecs' | 'entrypointThreadName' | 'retentionPolicy' | 'allowedUpdates'> &
  Partial<Pick<WfSpec, 'parentWfSpec'>>;

/** The parts of a WfSpec its callers depend on; `name:TYPE` strings, sorted. */
export interface SpecInterface { publicVariables: string[]; requiredInputs: string[]; outputTypes: string[] }

export type VersionDecision =
  | { kind: 'identical'; spec: WfSpec }
  | { kind: 'revision' | 'major'; id: WfSpecId; frozenVariables: ThreadVarDef[] };

/** The request's `allowedUpdates` (default ALL_UPDATES); anything else is a 400 naming the field. */
export function allowedUpdatesOf(raw: unknown): AllowedUpdates {
  if (raw === undefined) return 'ALL_UPDATES';
  if (typeof raw !== 'string' || !(ALLOWED_UPDATES as readonly string[]).includes(raw)) {
    throw invalidArgument(`allowedUpdates: must be one of ${ALLOWED_UPDATES.join(', ')}`, { field: 'allowedUpdates' });
  }
  return raw as AllowedUpdates;
}

/** TaskDefs by name, for the types of task outputs a WfSpec returns (one not given counts as unknown). */
export type TaskDefsByName = ReadonlyMap<string, TaskDef>;

/**
 * Decides the version a PutWfSpec body gets, given the latest stored version of that name and the
 * TaskDefs either of them uses.
 */
export function decideVersion(name: string, latest: WfSpec | undefined, body: VersionedBody, taskDefs: TaskDefsByName = new Map()): VersionDecision {
  if (!latest) return { kind: 'major', id: { name, majorVersion: 0, revision: 0 }, frozenVariables: frozenVariablesOf(body, []) };
  if (sameDefinition(latest, body)) return { kind: 'identical', spec: latest };
  const frozenVariables = frozenVariablesOf(body, latest.frozenVariables ?? frozenVariablesOf(latest, []));
  const allowed = allowedUpdatesOf(body.allowedUpdates);
  if (allowed === 'NO_UPDATES') throw alreadyExists(`WfSpec ${name} exists and allowedUpdates is NO_UPDATES`);
  const breaking = breakingChanges(specInterface(latest, taskDefs), specInterface(body, taskDefs));
  if (breaking.length > 0 && allowed === 'MINOR_REVISION_UPDATES') {
    throw failedPrecondition(`WfSpec ${name}: this change is breaking (${breaking.join('; ')}) and allowedUpdates is MINOR_REVISION_UPDATES`);
  }
  return breaking.length > 0
    ? { kind: 'major', id: { name, majorVersion: latest.id.majorVersion + 1, revision: 0 }, frozenVariables }
    : { kind: 'revision', id: { name, majorVersion: latest.id.majorVersion, revision: latest.id.revision + 1 }, frozenVariables };
}

/** Same definition: everything but id, createdAt, status, frozenVariables and allowedUpdates is equal. */
export function sameDefinition(stored: WfSpec, body: VersionedBody): boolean {
  const { id: _i, createdAt: _c, status: _s, frozenVariables: _f, allowedUpdates: _a, ...storedBody } = stored;
  const { allowedUpdates: _b, ...newBody } = body;
  return isDeepStrictEqual(storedBody, newBody);
}

export function specInterface(spec: Pick<WfSpec, 'threadSpecs' | 'entrypointThreadName'>, taskDefs: TaskDefsByName = new Map()): SpecInterface {
  const all = Object.values(spec.threadSpecs).flatMap((t) => t.variableDefs);
  const entrypoint = spec.threadSpecs[spec.entrypointThreadName];
  return {
    publicVariables: all.filter((d) => d.accessLevel === 'PUBLIC_VAR').map(signature).sort(),
    requiredInputs: (entrypoint?.variableDefs ?? []).filter((d) => d.required && d.accessLevel !== 'INHERITED_VAR').map(signature).sort(),
    outputTypes: entrypoint ? outputTypes(entrypoint, taskDefs) : [],
  };
}

/** Why `next` breaks callers of `old` (empty: it does not). */
export function breakingChanges(old: SpecInterface, next: SpecInterface): string[] {
  const reasons: string[] = [];
  const describe = (what: string, a: string[], b: string[]) => {
    if (!isDeepStrictEqual(a, b)) reasons.push(`${what} [${a.join(', ')}] -> [${b.join(', ')}]`);
  };
  describe('public variables', old.publicVariables, next.publicVariables);
  describe('required inputs', old.requiredInputs, next.requiredInputs);
  describe('output type', old.outputTypes, next.outputTypes);
  return reasons;
}

/**
 * The body's own frozen variables (required entrypoint inputs and PUBLIC_VARs) followed by the earlier
 * ones it no longer declares; an earlier one declared again with another type is a 400 naming it.
 */
export function frozenVariablesOf(body: Pick<WfSpec, 'threadSpecs' | 'entrypointThreadName'>, earlier: ThreadVarDef[]): ThreadVarDef[] {
  const own = new Map<string, ThreadVarDef>();
  for (const [threadName, thread] of Object.entries(body.threadSpecs)) {
    thread.variableDefs.forEach((def, i) => {
      const previous = earlier.find((f) => f.varDef.name === def.varDef.name);
      if (previous && previous.varDef.typeDef.primitiveType !== def.varDef.typeDef.primitiveType && def.accessLevel !== 'INHERITED_VAR') {
        const field = `threadSpecs.${threadName}.variableDefs[${i}].varDef.typeDef`;
        throw invalidArgument(
          `${field}: variable '${def.varDef.name}' was ${previous.varDef.typeDef.primitiveType} in an earlier version ` +
            `(a required input or PUBLIC_VAR); its type may not change, it is ${def.varDef.typeDef.primitiveType} now`,
          { field },
        );
      }
      const frozen = def.accessLevel === 'PUBLIC_VAR' || (threadName === body.entrypointThreadName && def.required && def.accessLevel !== 'INHERITED_VAR');
      if (frozen) own.set(def.varDef.name, def);
    });
  }
  return [...own.values(), ...earlier.filter((f) => !own.has(f.varDef.name))];
}

function signature(def: ThreadVarDef): string {
  return `${def.varDef.name}:${def.varDef.typeDef.primitiveType}`;
}

/**
 * What the entrypoint thread's EXIT nodes return, sorted and distinct: VOID (no returnContent), a type
 * known before the run (literal, declared variable, targetType, format string, comparison, the output
 * of a node whose output type is fixed, such as a TASK of a TaskDef with a return type), or ANY.
 */
function outputTypes(thread: ThreadSpec, taskDefs: TaskDefsByName): string[] {
  const types = new Set<string>();
  for (const node of Object.values(thread.nodes)) {
    if (!node.exit || node.exit.failureDef) continue;
    types.add(node.exit.returnContent ? (knownType(node.exit.returnContent, thread, taskDefs) ?? 'ANY') : 'VOID');
  }
  return [...types].sort();
}

function knownType(a: VariableAssignment, thread: ThreadSpec, taskDefs: TaskDefsByName): PrimitiveType | null {
  if (a.targetType) return a.targetType.primitiveType;
  if (a.jsonPath !== undefined) return null;
  if (a.literalValue) return typeOfValue(a.literalValue);
  if (a.formatString) return 'STR';
  if (a.expression?.comparator) return 'BOOL';
  if (a.variableName !== undefined) return thread.variableDefs.find((d) => d.varDef.name === a.variableName)?.varDef.typeDef.primitiveType ?? null;
  if (a.nodeOutput) return nodeOutputType(thread.nodes[a.nodeOutput.nodeName], taskDefs);
  return null;
}

function nodeOutputType(node: Node | undefined, taskDefs: TaskDefsByName): PrimitiveType | null {
  if (node?.task?.taskDefId) return taskDefs.get(node.task.taskDefId.name)?.returnType?.returnType?.primitiveType ?? null;
  if (node?.startThread) return 'INT';
  if (node?.startMultipleThreads) return 'JSON_ARR';
  if (node?.runChildWf) return 'WF_RUN_ID';
  return null;
}
