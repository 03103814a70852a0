// Edge mutations. All mutations of one edge are computed against a buffer and applied together,
// or none is (a failure becomes the node's VAR_SUB_ERROR). As in LittleHorse, each mutation
// sees the buffered results of the ones before it, on either side.
import { resolveAssignment } from './assignments.ts';
import { NodeFailureError, varSubError } from './failures.ts';
import { updateJsonPath } from './json-path.ts';
import { isMutationType, operate } from './operations.ts';
import { findVariable, isInherited, nodeOutput, threadRun, variableKey } from './run-state.ts';
import { threadSpecOf } from './spec.ts';
import type { NodeRun, PrimitiveType, RunState, Variable, VariableMutation, VariableValue, WfSpec } from './types.ts';
import { castImplicitly, isNull, ValueError } from './values.ts';

export function applyMutations(
  state: RunState,
  spec: WfSpec,
  source: NodeRun,
  mutations: VariableMutation[],
): void {
  // The buffer is a copy-on-write view of the state: only the written variables are new objects.
  let view = state;
  for (const mutation of mutations) view = withMutation(view, spec, source, mutation);
  copyValues(view.variables, state.variables);
  copyValues(view.inherited ?? {}, state.inherited ?? {});
}

/** The buffered values into the state's own Variable objects (only those the buffer replaced). */
function copyValues(buffered: Record<string, Variable>, into: Record<string, Variable>): void {
  for (const [key, variable] of Object.entries(buffered)) {
    const original = into[key];
    if (original && original !== variable) original.value = variable.value;
  }
}

function withMutation(view: RunState, spec: WfSpec, source: NodeRun, m: VariableMutation): RunState {
  try {
    const variable = findVariable(view, source.id.threadRunNumber, m.lhsName);
    if (!variable) throw new ValueError('the variable is not in scope');
    const mutated = { ...variable, value: mutatedValue(variable, rhsOf(view, source, m), declaredType(view, spec, variable), m) };
    if (isInherited(view, variable)) return { ...view, inherited: { ...view.inherited, [variable.id.name]: mutated } };
    const key = variableKey(variable.id.threadRunNumber, variable.id.name);
    return { ...view, variables: { ...view.variables, [key]: mutated } };
  } catch (err) {
    const problem = err instanceof ValueError || err instanceof NodeFailureError ? err.message : undefined;
    if (problem === undefined) throw err;
    throw varSubError(`${m.operation} of variable '${m.lhsName}'${m.lhsJsonPath ? ` at ${m.lhsJsonPath}` : ''} failed: ${problem}`);
  }
}

function mutatedValue(variable: Variable, rhs: VariableValue, type: PrimitiveType | null, m: VariableMutation): VariableValue {
  if (!isMutationType(m.operation)) throw new ValueError(`unknown operation '${m.operation}'`);
  const operation = m.operation;
  if (m.lhsJsonPath !== undefined) {
    // A member that is not there yet (or is null) simply receives the RHS; an existing one is
    // operated on as the type it has.
    return updateJsonPath(variable.value, m.lhsJsonPath, (current) =>
      isNull(current) ? rhs : operate(operation, current, rhs),
    );
  }
  const result = operate(operation, variable.value, rhs, type);
  // Whatever the operation gave, the variable keeps its declared type (or fails here).
  return type === null ? result : castImplicitly(result, type);
}

/** The RHS: an assignment, a literal (legacy), or the output of the node the edge leaves (legacy). */
function rhsOf(view: RunState, source: NodeRun, m: VariableMutation): VariableValue {
  const thread = source.id.threadRunNumber;
  if (m.rhsAssignment) return resolveAssignment(view, thread, m.rhsAssignment);
  if (m.literalValue) return m.literalValue;
  const output = nodeOutput(view, source) ?? {};
  return m.nodeOutput?.jsonpath ? resolveAssignment(view, thread, { literalValue: output, jsonPath: m.nodeOutput.jsonpath }) : output;
}

/**
 * The type the variable was declared with, in the thread spec of the thread that owns it (an
 * inherited one: in this WfSpec's entrypoint, where PutWfSpec made it the parent's type).
 */
function declaredType(view: RunState, spec: WfSpec, variable: Variable): PrimitiveType | null {
  const threadSpecName = isInherited(view, variable) ? spec.entrypointThreadName : threadRun(view, variable.id.threadRunNumber).threadSpecName;
  const def = threadSpecOf(spec, threadSpecName).variableDefs.find((d) => d.varDef.name === variable.id.name);
  return def?.varDef.typeDef.primitiveType ?? null;
}
