// VariableAssignment: how every value in a WfSpec is produced (variable, literal, node output,
// format string, expression, size), followed by an optional JSON path and type cast.
import { compare } from './comparators.ts';
import { varSubError } from './failures.ts';
import { readJsonPath } from './json-path.ts';
import { ARITHMETIC, isMutationType, operate } from './operations.ts';
import { findVariable, latestNodeRun, nodeOutput } from './run-state.ts';
import type { RunState, VariableAssignment, VariableValue } from './types.ts';
import { castExplicitly, stringForm, typeOfValue, ValueError } from './values.ts';

// Older modules import it from here.
export { valueOfJson } from './values.ts';

type Expression = NonNullable<VariableAssignment['expression']>;

export function resolveAssignment(state: RunState, threadRunNumber: number, a: VariableAssignment): VariableValue {
  let value = resolveSource(state, threadRunNumber, a);
  if (a.jsonPath !== undefined) value = asVarSubError(readJsonPath, value, a.jsonPath);
  if (a.targetType !== undefined) value = asVarSubError(castExplicitly, value, a.targetType.primitiveType);
  return value;
}

function resolveSource(state: RunState, threadRunNumber: number, a: VariableAssignment): VariableValue {
  const resolve = (inner: VariableAssignment) => resolveAssignment(state, threadRunNumber, inner);
  if (a.variableName !== undefined) {
    const variable = findVariable(state, threadRunNumber, a.variableName);
    if (!variable) throw varSubError(`variable '${a.variableName}' is not in scope of thread ${threadRunNumber}`);
    return variable.value;
  }
  if (a.literalValue !== undefined) return a.literalValue;
  if (a.nodeOutput !== undefined) {
    const nodeRun = latestNodeRun(state, threadRunNumber, a.nodeOutput.nodeName);
    const output = nodeRun && nodeOutput(state, nodeRun);
    if (output === undefined) throw varSubError(`node '${a.nodeOutput.nodeName}' has no completed output yet`);
    return output;
  }
  if (a.formatString !== undefined) {
    const format = stringForm(resolve(a.formatString.format));
    const args = a.formatString.args.map((arg) => stringForm(resolve(arg)));
    return { str: format.replace(/\{(\d+)\}/g, (whole, i: string) => args[Number(i)] ?? whole) };
  }
  if (a.expression !== undefined) return evaluate(a.expression, resolve(a.expression.lhs), resolve(a.expression.rhs));
  if (a.sizeOf !== undefined) return sizeOf(resolve(a.sizeOf.operand));
  throw varSubError('unsupported VariableAssignment');
}

/**
 * A comparator yields a BOOL; an operation has mutation semantics, except that an INT meeting a
 * DOUBLE in arithmetic becomes a DOUBLE (`1 + 0.5` is 1.5 here, where an INT variable ADDed 0.5
 * stays 1).
 */
export function evaluate(e: Expression, lhs: VariableValue, rhs: VariableValue): VariableValue {
  if (e.comparator !== undefined) return { bool: compare(lhs, e.comparator, rhs) };
  const operation = e.mutationType ?? '';
  if (!isMutationType(operation)) throw varSubError(`unknown expression operation '${operation}'`);
  const promoted = ARITHMETIC.has(operation) && lhs.int !== undefined && rhs.double !== undefined;
  try {
    return operate(operation, lhs, rhs, promoted ? 'DOUBLE' : typeOfValue(lhs));
  } catch (err) {
    if (err instanceof ValueError) throw varSubError(`expression ${operation}: ${err.message}`);
    throw err;
  }
}

/** The length of a STR or the number of items of a JSON_ARR. */
export function sizeOf(value: VariableValue): VariableValue {
  if (value.str !== undefined) return { int: value.str.length };
  if (value.jsonArr !== undefined) return { int: value.jsonArr.length };
  throw varSubError(`sizeOf needs a STR or JSON_ARR, got ${typeOfValue(value) ?? 'NULL'}`);
}

/** Runs a value function whose ValueErrors mean the assignment cannot be made. */
function asVarSubError<A>(f: (value: VariableValue, arg: A) => VariableValue, value: VariableValue, arg: A): VariableValue {
  try {
    return f(value, arg);
  } catch (err) {
    if (err instanceof ValueError) throw varSubError(err.message);
    throw err;
  }
}
