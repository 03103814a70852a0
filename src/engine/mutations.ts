// Edge mutations: all mutations of one edge are computed against a buffer and applied together,
// or none is (a failure becomes the node's VAR_SUB_ERROR).
import { varSubError, NodeFailureError } from './failures.ts';
import { resolveAssignment, valueOfJson } from './assignments.ts';
import { findVariable, nodeOutput } from './run-state.ts';
import { variableDefOf } from './spec.ts';
import type { NodeRun, RunState, Variable, VariableMutation, VariableValue, WfSpec } from './types.ts';
import { castImplicitly, isPlainObject, toPlain, ValueError } from './values.ts';

export function applyMutations(
  state: RunState,
  spec: WfSpec,
  source: NodeRun,
  mutations: VariableMutation[],
): void {
  const buffer = new Map<Variable, VariableValue>();
  for (const mutation of mutations) {
    const variable = findVariable(state, source.id.threadRunNumber, mutation.lhsName);
    if (!variable) throw varSubError(`variable '${mutation.lhsName}' is not in scope`);
    const rhs = rhsOf(state, source, mutation);
    const current = buffer.get(variable) ?? variable.value;
    buffer.set(variable, assign(current, rhs, spec, mutation));
  }
  for (const [variable, value] of buffer) variable.value = value;
}

function rhsOf(state: RunState, source: NodeRun, m: VariableMutation): VariableValue {
  if (m.rhsAssignment) return resolveAssignment(state, source.id.threadRunNumber, m.rhsAssignment);
  if (m.literalValue) return m.literalValue;
  const output = nodeOutput(state, source) ?? {};
  return m.nodeOutput?.jsonpath
    ? resolveAssignment(state, source.id.threadRunNumber, { literalValue: output, jsonPath: m.nodeOutput.jsonpath })
    : output;
}

function assign(current: VariableValue, rhs: VariableValue, spec: WfSpec, m: VariableMutation): VariableValue {
  const type = variableDefOf(spec, m.lhsName)?.varDef.typeDef.primitiveType;
  try {
    if (m.lhsJsonPath === undefined) return type ? castImplicitly(rhs, type) : rhs;
    return setAtJsonPath(current, m.lhsJsonPath, rhs);
  } catch (err) {
    if (err instanceof ValueError) throw varSubError(`mutating '${m.lhsName}': ${err.message}`);
    if (err instanceof NodeFailureError) throw err;
    throw err;
  }
}

/** Writes `rhs` at `$.a.b` inside a JSON_OBJ, creating the last key if it is missing. */
function setAtJsonPath(current: VariableValue, path: string, rhs: VariableValue): VariableValue {
  const root = structuredClone(toPlain(current));
  const steps = path.replace(/^\$\.?/, '').split('.').filter(Boolean);
  if (!isPlainObject(root) || steps.length === 0) throw varSubError(`lhsJsonPath '${path}' needs a JSON_OBJ variable`);
  let target: Record<string, unknown> = root;
  for (const step of steps.slice(0, -1)) {
    const next = target[step];
    if (!isPlainObject(next)) throw varSubError(`lhsJsonPath '${path}': '${step}' is not an object`);
    target = next;
  }
  target[steps.at(-1) as string] = toPlain(rhs);
  return valueOfJson(root);
}
