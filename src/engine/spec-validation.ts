// PutWfSpec's checks and normalisation: a LittleHorse WfSpec document (either typing form,
// int64 as strings) -> Colt's canonical form, or an INVALID_ARGUMENT naming what is wrong.
import { invalidArgument } from '../errors.ts';
import { checkName } from '../ids.ts';
import type {
  Comparator, Edge, Node, PrimitiveType, TaskDef, ThreadSpec, ThreadVarDef, VariableAssignment, VariableDef,
  VariableMutation, WfSpec,
} from './types.ts';
import {
  normalizeFailureHandlers, normalizeRunChildWf, normalizeStartMultipleThreads, normalizeStartThread,
  normalizeSleep, normalizeWaitForChildWf, normalizeWaitForCondition, normalizeWaitForThreads,
} from './node-specs.ts';
import { normalizeExternalEventNode } from './external-event-specs.ts';
import { normalizeUserTaskNode } from './user-task-specs.ts';
import { checkInterruptDefs, normalizeInterruptDefs } from './interrupt-specs.ts';
import { normalizeThrowEventNode } from './workflow-event-specs.ts';
import { isPlainObject, normalizeValue, typeOfValue, ValueError } from './values.ts';
import { COMPARATORS, isComparator } from './comparators.ts';
import { isMutationType, MUTATION_TYPES } from './operations.ts';
import { normalizeExponentialBackoff } from './task-attempts.ts';
import { allowedUpdatesOf } from './spec-versioning.ts';
import { normalizeParentWfSpec } from './parent-wf-specs.ts';

const ALL_NODE_TYPES = [
  'entrypoint', 'exit', 'task', 'externalEvent', 'startThread', 'waitForThreads', 'nop', 'sleep', 'userTask',
  'startMultipleThreads', 'throwEvent', 'waitForCondition', 'runChildWf', 'waitForChildWf',
];
const PRIMITIVE_TYPES: readonly PrimitiveType[] = [
  'JSON_OBJ', 'JSON_ARR', 'DOUBLE', 'BOOL', 'STR', 'INT', 'BYTES', 'WF_RUN_ID', 'TIMESTAMP',
];
const ACCESS_LEVELS = ['PUBLIC_VAR', 'PRIVATE_VAR', 'INHERITED_VAR'];

export type WfSpecBody = Pick<WfSpec, 'threadSpecs' | 'entrypointThreadName' | 'retentionPolicy' | 'allowedUpdates' | 'parentWfSpec'>;

export interface PutWfSpecRequest {
  name: string;
  threadSpecs: Record<string, unknown>;
  entrypointThreadName: string;
  retentionPolicy?: unknown;
  allowedUpdates?: string;
  [other: string]: unknown;
}

/** Validates a PutWfSpec request against the TaskDefs it names; returns the canonical spec body. */
export function normalizeWfSpec(req: PutWfSpecRequest, taskDefs: ReadonlyMap<string, TaskDef>): WfSpecBody {
  checkName('name', req.name);
  const threadSpecs: Record<string, ThreadSpec> = {};
  for (const [threadName, raw] of Object.entries(req.threadSpecs)) {
    threadSpecs[threadName] = normalizeThreadSpec(`threadSpecs.${threadName}`, raw);
  }
  if (!(req.entrypointThreadName in threadSpecs)) {
    fail('entrypointThreadName', `thread spec '${req.entrypointThreadName}' does not exist`);
  }
  checkInterruptDefs(threadSpecs);
  const declared = declaredVariables(threadSpecs);
  for (const [threadName, thread] of Object.entries(threadSpecs)) {
    checkThread(`threadSpecs.${threadName}`, thread, threadSpecs, declared, taskDefs);
  }
  return {
    threadSpecs,
    entrypointThreadName: req.entrypointThreadName,
    ...(req.retentionPolicy === undefined ? {} : { retentionPolicy: normalizeRetention(req.retentionPolicy) }),
    allowedUpdates: allowedUpdatesOf(req.allowedUpdates),
    ...(req.parentWfSpec === undefined ? {} : { parentWfSpec: normalizeParentWfSpec(req.parentWfSpec) }),
  };
}

function normalizeThreadSpec(path: string, raw: unknown): ThreadSpec {
  if (!isPlainObject(raw) || !isPlainObject(raw.nodes)) fail(`${path}.nodes`, 'must be an object of nodes');
  const nodes: Record<string, Node> = {};
  for (const [nodeName, node] of Object.entries(raw.nodes as Record<string, unknown>)) {
    nodes[nodeName] = normalizeNode(`${path}.nodes.${nodeName}`, nodeName, node);
  }
  const variableDefs = arrayAt(`${path}.variableDefs`, raw.variableDefs).map((v, i) =>
    normalizeThreadVarDef(`${path}.variableDefs[${i}]`, v),
  );
  const interruptDefs = normalizeInterruptDefs(`${path}.interruptDefs`, raw.interruptDefs);
  return { nodes, variableDefs, interruptDefs };
}

/** How each node type's body is read; a type missing here is refused. */
const NODE_READERS: Record<string, (path: string, body: Record<string, unknown>) => Partial<Node>> = {
  entrypoint: () => ({ entrypoint: {} }),
  nop: () => ({ nop: {} }),
  exit: (path, body) => ({ exit: normalizeExitNode(path, body) }),
  task: (path, body) => ({ task: normalizeTaskNode(path, body) }),
  startThread: (path, body) => ({ startThread: normalizeStartThread(path, body) }),
  startMultipleThreads: (path, body) => ({ startMultipleThreads: normalizeStartMultipleThreads(path, body) }),
  waitForThreads: (path, body) => ({ waitForThreads: normalizeWaitForThreads(path, body) }),
  waitForCondition: (path, body) => ({ waitForCondition: normalizeWaitForCondition(path, body) }),
  runChildWf: (path, body) => ({ runChildWf: normalizeRunChildWf(path, body) }),
  waitForChildWf: (path, body) => ({ waitForChildWf: normalizeWaitForChildWf(path, body) }),
  sleep: (path, body) => ({ sleep: normalizeSleep(path, body) }),
  externalEvent: (path, body) => ({ externalEvent: normalizeExternalEventNode(path, body) }),
  userTask: (path, body) => ({ userTask: normalizeUserTaskNode(path, body) }),
  throwEvent: (path, body) => ({ throwEvent: normalizeThrowEventNode(path, body) }),
};

function normalizeNode(path: string, nodeName: string, raw: unknown): Node {
  if (!isPlainObject(raw)) fail(path, 'must be an object');
  const types = Object.keys(raw).filter((k) => ALL_NODE_TYPES.includes(k));
  if (types.length !== 1) fail(path, `node '${nodeName}' must have exactly one node type (${ALL_NODE_TYPES.join(', ')})`);
  const type = types[0] as string;
  const read = NODE_READERS[type];
  if (!read) fail(path, `node '${nodeName}' is of type '${type}', which this version of Colt does not run yet`);
  const failureHandlers = normalizeFailureHandlers(`${path}.failureHandlers`, raw.failureHandlers);
  const body = raw[type];
  if (!isPlainObject(body)) fail(`${path}.${type}`, 'must be an object');
  return {
    outgoingEdges: arrayAt(`${path}.outgoingEdges`, raw.outgoingEdges).map((e, i) => normalizeEdge(`${path}.outgoingEdges[${i}]`, e)),
    failureHandlers,
    ...read(`${path}.${type}`, body),
  };
}

export function normalizeTaskNode(path: string, raw: Record<string, unknown>): NonNullable<Node['task']> {
  const dynamic = raw.taskDefId === undefined && raw.dynamicTask !== undefined;
  if (!dynamic && (!isPlainObject(raw.taskDefId) || typeof raw.taskDefId.name !== 'string')) {
    fail(`${path}.taskDefId.name`, 'is required (or dynamicTask)');
  }
  const timeoutSeconds = integerAt(`${path}.timeoutSeconds`, raw.timeoutSeconds ?? 0);
  const retries = integerAt(`${path}.retries`, raw.retries ?? 0);
  if (timeoutSeconds < 0 || retries < 0) fail(path, 'timeoutSeconds and retries must not be negative');
  return {
    ...(dynamic
      ? { dynamicTask: normalizeAssignment(`${path}.dynamicTask`, raw.dynamicTask) }
      : { taskDefId: { name: (raw.taskDefId as { name: string }).name } }),
    timeoutSeconds,
    retries,
    ...(raw.exponentialBackoff === undefined ? {} : { exponentialBackoff: normalizeExponentialBackoff(`${path}.exponentialBackoff`, raw.exponentialBackoff) }),
    variables: arrayAt(`${path}.variables`, raw.variables).map((a, i) => normalizeAssignment(`${path}.variables[${i}]`, a)),
  };
}

function normalizeExitNode(path: string, raw: Record<string, unknown>): NonNullable<Node['exit']> {
  if (raw.returnContent !== undefined) {
    return { returnContent: normalizeAssignment(`${path}.returnContent`, raw.returnContent) };
  }
  if (raw.failureDef !== undefined) {
    const def = raw.failureDef;
    if (!isPlainObject(def) || typeof def.failureName !== 'string' || def.failureName === '') {
      fail(`${path}.failureDef.failureName`, 'is required');
    }
    return {
      failureDef: {
        failureName: def.failureName,
        message: typeof def.message === 'string' ? def.message : '',
        ...(def.content === undefined ? {} : { content: normalizeAssignment(`${path}.failureDef.content`, def.content) }),
      },
    };
  }
  return {};
}

function normalizeEdge(path: string, raw: unknown): Edge {
  if (!isPlainObject(raw) || typeof raw.sinkNodeName !== 'string') fail(`${path}.sinkNodeName`, 'is required');
  const edge: Edge = {
    sinkNodeName: raw.sinkNodeName,
    variableMutations: arrayAt(`${path}.variableMutations`, raw.variableMutations).map((m, i) =>
      normalizeMutation(`${path}.variableMutations[${i}]`, m),
    ),
  };
  if (raw.condition !== undefined) edge.condition = normalizeAssignment(`${path}.condition`, raw.condition);
  if (raw.legacyCondition !== undefined) {
    const c = raw.legacyCondition;
    if (!isPlainObject(c) || typeof c.comparator !== 'string' || !isComparator(c.comparator)) {
      fail(`${path}.legacyCondition.comparator`, `must be one of ${COMPARATORS.join(', ')}`);
    }
    edge.legacyCondition = {
      comparator: c.comparator as Comparator,
      left: normalizeAssignment(`${path}.legacyCondition.left`, c.left),
      right: normalizeAssignment(`${path}.legacyCondition.right`, c.right),
    };
  }
  return edge;
}

function normalizeMutation(path: string, raw: unknown): VariableMutation {
  if (!isPlainObject(raw) || typeof raw.lhsName !== 'string') fail(`${path}.lhsName`, 'is required');
  const operation = String(raw.operation ?? 'ASSIGN');
  if (!isMutationType(operation)) fail(`${path}.operation`, `'${operation}' is not one of ${MUTATION_TYPES.join(', ')}`);
  const mutation: VariableMutation = { lhsName: raw.lhsName, operation };
  if (typeof raw.lhsJsonPath === 'string') mutation.lhsJsonPath = raw.lhsJsonPath;
  if (raw.rhsAssignment !== undefined) mutation.rhsAssignment = normalizeAssignment(`${path}.rhsAssignment`, raw.rhsAssignment);
  else if (raw.literalValue !== undefined) mutation.literalValue = valueAt(`${path}.literalValue`, raw.literalValue);
  else if (raw.nodeOutput !== undefined) {
    const jsonpath = isPlainObject(raw.nodeOutput) ? raw.nodeOutput.jsonpath : undefined;
    mutation.nodeOutput = typeof jsonpath === 'string' ? { jsonpath } : {};
  } else fail(path, 'needs rhsAssignment, literalValue or nodeOutput');
  return mutation;
}

export function normalizeAssignment(path: string, raw: unknown): VariableAssignment {
  if (!isPlainObject(raw)) fail(path, 'must be a VariableAssignment object');
  const a: VariableAssignment = {};
  if (typeof raw.jsonPath === 'string') a.jsonPath = raw.jsonPath;
  if (raw.targetType !== undefined) a.targetType = typeDefAt(`${path}.targetType`, raw.targetType);
  if (typeof raw.variableName === 'string') a.variableName = raw.variableName;
  else if (raw.literalValue !== undefined) a.literalValue = valueAt(`${path}.literalValue`, raw.literalValue);
  else if (isPlainObject(raw.nodeOutput) && typeof raw.nodeOutput.nodeName === 'string') {
    a.nodeOutput = { nodeName: raw.nodeOutput.nodeName };
  } else if (isPlainObject(raw.formatString)) {
    a.formatString = {
      format: normalizeAssignment(`${path}.formatString.format`, raw.formatString.format),
      args: arrayAt(`${path}.formatString.args`, raw.formatString.args).map((x, i) =>
        normalizeAssignment(`${path}.formatString.args[${i}]`, x),
      ),
    };
  } else if (isPlainObject(raw.expression)) {
    a.expression = normalizeExpression(`${path}.expression`, raw.expression);
  } else if (isPlainObject(raw.sizeOf)) {
    a.sizeOf = { operand: normalizeAssignment(`${path}.sizeOf.operand`, raw.sizeOf.operand) };
  } else {
    fail(path, 'needs one of variableName, literalValue, nodeOutput, formatString, expression, sizeOf');
  }
  return a;
}

/** `{lhs, mutationType | comparator, rhs}`; `operation` is the older name of `mutationType`. */
function normalizeExpression(path: string, e: Record<string, unknown>): NonNullable<VariableAssignment['expression']> {
  const operation = e.mutationType ?? e.operation;
  const operands = { lhs: normalizeAssignment(`${path}.lhs`, e.lhs), rhs: normalizeAssignment(`${path}.rhs`, e.rhs) };
  if ((operation === undefined) === (e.comparator === undefined)) fail(path, 'needs exactly one of mutationType and comparator');
  if (e.comparator !== undefined) {
    if (typeof e.comparator !== 'string' || !isComparator(e.comparator)) {
      fail(`${path}.comparator`, `'${String(e.comparator)}' is not one of ${COMPARATORS.join(', ')}`);
    }
    return { ...operands, comparator: e.comparator };
  }
  const field = e.mutationType === undefined ? 'operation' : 'mutationType';
  if (typeof operation !== 'string' || !isMutationType(operation)) {
    fail(`${path}.${field}`, `'${String(operation)}' is not one of ${MUTATION_TYPES.join(', ')}`);
  }
  return { ...operands, mutationType: operation };
}

function normalizeThreadVarDef(path: string, raw: unknown): ThreadVarDef {
  if (!isPlainObject(raw)) fail(path, 'must be an object');
  const accessLevel = String(raw.accessLevel ?? 'PUBLIC_VAR');
  if (!ACCESS_LEVELS.includes(accessLevel)) fail(`${path}.accessLevel`, `must be one of ${ACCESS_LEVELS.join(', ')}`);
  return {
    varDef: normalizeVariableDef(`${path}.varDef`, raw.varDef),
    required: raw.required === true,
    searchable: raw.searchable === true,
    jsonIndexes: arrayAt(`${path}.jsonIndexes`, raw.jsonIndexes),
    accessLevel: accessLevel as ThreadVarDef['accessLevel'],
  };
}

/** A VariableDef in either typing form: `typeDef.primitiveType` (current) or `type` (legacy). */
export function normalizeVariableDef(path: string, raw: unknown): VariableDef {
  if (!isPlainObject(raw) || typeof raw.name !== 'string' || raw.name === '') fail(`${path}.name`, 'is required');
  let typeDef;
  if (raw.typeDef !== undefined) typeDef = typeDefAt(`${path}.typeDef`, raw.typeDef);
  else if (raw.type !== undefined) typeDef = typeDefAt(path, { primitiveType: raw.type, masked: raw.maskedValue });
  else fail(`${path}.typeDef`, 'is required (typeDef.primitiveType or type)');
  const def: VariableDef = { name: raw.name, typeDef };
  if (raw.defaultValue !== undefined) def.defaultValue = valueAt(`${path}.defaultValue`, raw.defaultValue);
  return def;
}

export function typeDefAt(path: string, raw: unknown): VariableDef['typeDef'] {
  if (!isPlainObject(raw)) fail(path, 'must be a TypeDefinition object');
  if (raw.structDefId !== undefined || raw.inlineArrayDef !== undefined || raw.inlineMapDef !== undefined) {
    fail(path, 'StructDef, array and map types are not supported yet');
  }
  const type = raw.primitiveType ?? 'JSON_OBJ';
  if (!PRIMITIVE_TYPES.includes(type as PrimitiveType)) {
    fail(`${path}.primitiveType`, `must be one of ${PRIMITIVE_TYPES.join(', ')}`);
  }
  return { primitiveType: type as PrimitiveType, masked: raw.masked === true };
}

function normalizeRetention(raw: unknown): NonNullable<WfSpec['retentionPolicy']> {
  if (!isPlainObject(raw)) fail('retentionPolicy', 'must be an object');
  if (raw.secondsAfterWfTermination === undefined) return {};
  return { secondsAfterWfTermination: integerAt('retentionPolicy.secondsAfterWfTermination', raw.secondsAfterWfTermination) };
}

// ---- cross-reference checks ----

function declaredVariables(threadSpecs: Record<string, ThreadSpec>): Map<string, PrimitiveType> {
  const declared = new Map<string, PrimitiveType>();
  for (const [threadName, thread] of Object.entries(threadSpecs)) {
    for (const { varDef } of thread.variableDefs) {
      if (declared.has(varDef.name) && varDef.name !== 'INPUT') {
        fail(`threadSpecs.${threadName}.variableDefs`, `variable '${varDef.name}' is declared twice`);
      }
      declared.set(varDef.name, varDef.typeDef.primitiveType);
    }
  }
  return declared;
}

function checkThread(
  path: string,
  thread: ThreadSpec,
  threadSpecs: Record<string, ThreadSpec>,
  declared: Map<string, PrimitiveType>,
  taskDefs: ReadonlyMap<string, TaskDef>,
): void {
  const entries = Object.entries(thread.nodes).filter(([, n]) => n.entrypoint);
  if (entries.length !== 1) fail(`${path}.nodes`, 'needs exactly one ENTRYPOINT node');
  const entrypointName = entries[0]?.[0];
  for (const [nodeName, node] of Object.entries(thread.nodes)) {
    const at = `${path}.nodes.${nodeName}`;
    for (const edge of node.outgoingEdges) {
      if (!(edge.sinkNodeName in thread.nodes)) fail(at, `edge to unknown node '${edge.sinkNodeName}'`);
      if (edge.sinkNodeName === nodeName) fail(at, 'an edge may not loop to its own node');
      if (edge.sinkNodeName === entrypointName) fail(at, 'an edge may not lead to the ENTRYPOINT node');
      for (const m of edge.variableMutations) {
        if (!declared.has(m.lhsName)) fail(at, `mutation of undeclared variable '${m.lhsName}'`);
      }
      forEachAssignment(edge, (a) => checkAssignment(at, a, declared, thread));
    }
    if (node.exit === undefined && node.outgoingEdges.length === 0) fail(at, `node '${nodeName}' has no outgoing edge`);
    if (node.task?.taskDefId) checkTaskNode(at, node.task, taskDefs, declared);
    checkThreadReferences(at, node, threadSpecs);
    const { outgoingEdges: _edges, ...body } = node;
    forEachAssignment(body, (a) => checkAssignment(at, a, declared, thread));
  }
}

/** Thread specs that nodes start or hand failures to must exist, and take the variables passed to them. */
function checkThreadReferences(path: string, node: Node, threadSpecs: Record<string, ThreadSpec>): void {
  const start = node.startThread ?? node.startMultipleThreads;
  const type = node.startThread ? 'startThread' : 'startMultipleThreads';
  if (start) {
    const target = threadSpecs[start.threadSpecName];
    if (!target) fail(`${path}.${type}.threadSpecName`, `thread spec '${start.threadSpecName}' does not exist`);
    for (const name of Object.keys(start.variables)) {
      if (!target.variableDefs.some((d) => d.varDef.name === name)) {
        fail(`${path}.${type}.variables.${name}`, `thread spec '${start.threadSpecName}' declares no variable '${name}'`);
      }
    }
  }
  const handlers = [
    ...node.failureHandlers.map((h, i) => [`failureHandlers[${i}]`, h] as const),
    ...(node.waitForThreads?.perThreadFailureHandlers ?? []).map((h, i) => [`waitForThreads.perThreadFailureHandlers[${i}]`, h] as const),
  ];
  for (const [field, h] of handlers) {
    if (!threadSpecs[h.handlerSpecName]) fail(`${path}.${field}.handlerSpecName`, `thread spec '${h.handlerSpecName}' does not exist`);
  }
}

function checkTaskNode(path: string, task: NonNullable<Node['task']>, taskDefs: ReadonlyMap<string, TaskDef>, declared: Map<string, PrimitiveType>): void {
  const name = task.taskDefId?.name ?? '';
  const def = taskDefs.get(name);
  if (!def) fail(`${path}.task.taskDefId`, `TaskDef '${name}' does not exist`);
  if (def.inputVars.length !== task.variables.length) {
    fail(`${path}.task.variables`, `TaskDef '${name}' takes ${def.inputVars.length} arguments, the node passes ${task.variables.length}`);
  }
  def.inputVars.forEach((input, i) => {
    const given = staticType(task.variables[i] as VariableAssignment, declared);
    const wanted = input.typeDef.primitiveType;
    if (given && given !== wanted && !(given === 'INT' && wanted === 'DOUBLE') && wanted !== 'STR') {
      fail(`${path}.task.variables[${i}]`, `TaskDef '${name}' takes '${input.name}' as ${wanted}, the node passes a ${given}`);
    }
  });
}

/** The type an assignment is known to have before the run (a literal, or a plainly read variable). */
function staticType(a: VariableAssignment, declared: Map<string, PrimitiveType>): PrimitiveType | null {
  if (a.jsonPath !== undefined || a.targetType !== undefined) return a.targetType?.primitiveType ?? null;
  if (a.literalValue) return typeOfValue(a.literalValue);
  if (a.variableName !== undefined && a.variableName !== 'INPUT') return declared.get(a.variableName) ?? null;
  return null;
}

function checkAssignment(path: string, a: VariableAssignment, declared: Map<string, PrimitiveType>, thread: ThreadSpec): void {
  if (a.variableName !== undefined && !declared.has(a.variableName)) {
    fail(path, `reference to undeclared variable '${a.variableName}'`);
  }
  if (typeof a.nodeOutput?.nodeName === 'string' && !(a.nodeOutput.nodeName in thread.nodes)) {
    fail(path, `output of unknown node '${a.nodeOutput.nodeName}'`);
  }
}

/** Calls `visit` on every VariableAssignment inside `tree`, however deep. */
function forEachAssignment(tree: unknown, visit: (a: VariableAssignment) => void): void {
  if (Array.isArray(tree)) return tree.forEach((x) => forEachAssignment(x, visit));
  if (!isPlainObject(tree)) return;
  if ('variableName' in tree || 'nodeOutput' in tree || 'literalValue' in tree) visit(tree as VariableAssignment);
  for (const value of Object.values(tree)) forEachAssignment(value, visit);
}

// ---- small readers ----

export function fail(field: string, problem: string): never {
  throw invalidArgument(`${field}: ${problem}`, { field });
}

export function arrayAt(path: string, raw: unknown): unknown[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) fail(path, 'must be an array');
  return raw;
}

export function integerAt(path: string, raw: unknown): number {
  const n = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) fail(path, 'must be an integer');
  return n;
}

function valueAt(path: string, raw: unknown) {
  try {
    return normalizeValue(raw);
  } catch (err) {
    if (err instanceof ValueError) fail(path, err.message);
    throw err;
  }
}

