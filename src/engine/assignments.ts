// VariableAssignment: how every value in a WfSpec is produced (variable, literal, node output,
// format string, comparator expression), followed by an optional JSON path and type cast.
import { varSubError } from './failures.ts';
import { compare } from './comparators.ts';
import { findVariable, latestNodeRun, nodeOutput } from './run-state.ts';
import type { PrimitiveType, RunState, VariableAssignment, VariableValue } from './types.ts';
import { castImplicitly, fromPlain, stringForm, toPlain, typeOfValue, ValueError } from './values.ts';

export function resolveAssignment(state: RunState, threadRunNumber: number, a: VariableAssignment): VariableValue {
  let value = resolveSource(state, threadRunNumber, a);
  if (a.jsonPath !== undefined) value = applyJsonPath(value, a.jsonPath);
  if (a.targetType !== undefined) value = cast(value, a.targetType.primitiveType);
  return value;
}

function resolveSource(state: RunState, threadRunNumber: number, a: VariableAssignment): VariableValue {
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
    const format = stringForm(resolveAssignment(state, threadRunNumber, a.formatString.format));
    const args = a.formatString.args.map((arg) => stringForm(resolveAssignment(state, threadRunNumber, arg)));
    return { str: format.replace(/\{(\d+)\}/g, (whole, i: string) => args[Number(i)] ?? whole) };
  }
  if (a.expression?.comparator !== undefined) {
    const lhs = resolveAssignment(state, threadRunNumber, a.expression.lhs);
    const rhs = resolveAssignment(state, threadRunNumber, a.expression.rhs);
    return { bool: compare(lhs, a.expression.comparator, rhs) };
  }
  throw varSubError('unsupported VariableAssignment');
}

/** `$.a.b[0]`-style paths into JSON_OBJ / JSON_ARR values; a missing path yields NULL. */
function applyJsonPath(value: VariableValue, path: string): VariableValue {
  const type = typeOfValue(value);
  if (type !== 'JSON_OBJ' && type !== 'JSON_ARR') throw varSubError(`jsonPath '${path}' applied to a ${type ?? 'NULL'} value`);
  let current: unknown = toPlain(value);
  for (const step of parseJsonPath(path)) {
    if (current === null || typeof current !== 'object') return {};
    current = (current as Record<string, unknown>)[step];
    if (current === undefined) return {};
  }
  return valueOfJson(current);
}

function parseJsonPath(path: string): string[] {
  if (!path.startsWith('$')) throw varSubError(`jsonPath '${path}' must start with '$'`);
  const steps: string[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]/gy;
  re.lastIndex = 1;
  for (let m = re.exec(path); m; m = re.exec(path)) steps.push((m[1] ?? m[2] ?? m[3]) as string);
  if (re.lastIndex !== 0 && re.lastIndex < path.length) throw varSubError(`unsupported jsonPath '${path}'`);
  return steps;
}

/** A JSON value found by a path, typed by its JavaScript shape. */
export function valueOfJson(json: unknown): VariableValue {
  if (json === null || json === undefined) return {};
  if (typeof json === 'string') return { str: json };
  if (typeof json === 'boolean') return { bool: json };
  if (typeof json === 'number') return Number.isInteger(json) ? { int: json } : { double: json };
  return Array.isArray(json) ? { jsonArr: json } : { jsonObj: json as Record<string, unknown> };
}

/** Explicit casts: the implicit ones plus DOUBLE -> INT and STR -> INT/DOUBLE/BOOL/BYTES/WF_RUN_ID. */
function cast(value: VariableValue, target: PrimitiveType): VariableValue {
  const source = typeOfValue(value);
  try {
    if (source === 'DOUBLE' && target === 'INT') return { int: Math.trunc(value.double as number) };
    if (source === 'STR' && target !== 'STR') return castString(value.str as string, target);
    return castImplicitly(value, target);
  } catch (err) {
    if (err instanceof ValueError) throw varSubError(`cannot cast ${source} to ${target}: ${err.message}`);
    throw err;
  }
}

function castString(text: string, target: PrimitiveType): VariableValue {
  const trimmed = text.trim();
  if (target === 'BOOL' && /^(true|false)$/i.test(trimmed)) return { bool: trimmed.toLowerCase() === 'true' };
  if (target === 'DOUBLE' && trimmed !== '' && Number.isFinite(Number(trimmed))) return { double: Number(trimmed) };
  if (target === 'INT' || target === 'BYTES' || target === 'WF_RUN_ID') return fromPlain(target, trimmed);
  throw new ValueError(`'${text}' is not a ${target}`);
}
