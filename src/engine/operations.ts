// LittleHorse's VariableMutationType operations, per LHS type, as edge mutations and
// expressions both apply them. Errors are ValueErrors; callers name the variable or expression.
import { isDeepStrictEqual } from 'node:util';
import type { PrimitiveType, VariableValue } from './types.ts';
import { castExplicitly, castImplicitly, isNull, stringForm, toPlain, typeOfValue, ValueError } from './values.ts';

export const MUTATION_TYPES = [
  'ASSIGN', 'ADD', 'EXTEND', 'SUBTRACT', 'MULTIPLY', 'DIVIDE', 'REMOVE_IF_PRESENT', 'REMOVE_INDEX', 'REMOVE_KEY',
  'AND', 'OR', 'POW',
] as const;
export type MutationType = (typeof MUTATION_TYPES)[number];

export function isMutationType(name: string): name is MutationType {
  return (MUTATION_TYPES as readonly string[]).includes(name);
}

/** The operations that are arithmetic, where an INT meeting a DOUBLE may become a DOUBLE. */
export const ARITHMETIC: ReadonlySet<MutationType> = new Set(['ADD', 'SUBTRACT', 'MULTIPLY', 'DIVIDE', 'POW']);

/**
 * `lhs <operation> rhs`. `lhsType` is the type the LHS is held as (a variable's declared type,
 * else the value's own): ASSIGN coerces the RHS to it, and a DOUBLE one turns an INT LHS into
 * a DOUBLE first, so that a DOUBLE variable can be added an INT.
 */
export function operate(
  operation: MutationType,
  lhs: VariableValue,
  rhs: VariableValue,
  lhsType: PrimitiveType | null = typeOfValue(lhs),
): VariableValue {
  if (operation === 'ASSIGN') return lhsType === null || isNull(rhs) ? rhs : castImplicitly(rhs, lhsType);
  const left = lhsType === 'DOUBLE' && lhs.int !== undefined ? { double: lhs.int } : lhs;
  if (isNull(rhs) && operation !== 'REMOVE_IF_PRESENT') throw new ValueError(`cannot ${operation} with a NULL`);
  return OPERATIONS[operation](left, rhs);
}

type Operation = (lhs: VariableValue, rhs: VariableValue) => VariableValue;

const OPERATIONS: Record<Exclude<MutationType, 'ASSIGN'>, Operation> = {
  ADD: add,
  EXTEND: extend,
  SUBTRACT: (l, r) => arithmetic('SUBTRACT', l, r, (a, b) => a - b),
  MULTIPLY: (l, r) => arithmetic('MULTIPLY', l, r, (a, b) => a * b),
  DIVIDE: divide,
  POW: pow,
  REMOVE_IF_PRESENT: (l, r) => ({ jsonArr: arrayOf('REMOVE_IF_PRESENT', l).filter((x) => !isDeepStrictEqual(x, toPlain(r))) }),
  REMOVE_INDEX: removeIndex,
  REMOVE_KEY: removeKey,
  AND: (l, r) => ({ bool: asBool(l) && asBool(r) }),
  OR: (l, r) => ({ bool: asBool(l) || asBool(r) }),
};

/** INT + RHS-as-INT (a DOUBLE is truncated first); DOUBLE + number; STR + text; JSON_ARR + one item. */
function add(lhs: VariableValue, rhs: VariableValue): VariableValue {
  if (lhs.int !== undefined) return { int: checkedInt(lhs.int + asInt(rhs)) };
  if (lhs.double !== undefined) return { double: checkedDouble(lhs.double + asDouble(rhs)) };
  if (lhs.str !== undefined) return { str: lhs.str + stringForm(rhs) };
  if (lhs.jsonArr !== undefined) return { jsonArr: [...lhs.jsonArr, toPlain(rhs)] };
  throw cannot('ADD', lhs);
}

/** STR + text; JSON_ARR + the items of another JSON_ARR (a single item is ADD's job); BYTES + bytes. */
function extend(lhs: VariableValue, rhs: VariableValue): VariableValue {
  if (lhs.str !== undefined) return { str: lhs.str + stringForm(rhs) };
  if (lhs.jsonArr !== undefined) {
    if (rhs.jsonArr === undefined) throw new ValueError(`EXTEND of a JSON_ARR needs a JSON_ARR, got ${typeOfValue(rhs)} (ADD appends one item)`);
    return { jsonArr: [...lhs.jsonArr, ...rhs.jsonArr] };
  }
  if (lhs.bytes !== undefined) {
    const tail = castExplicitly(rhs, 'BYTES').bytes as string;
    return { bytes: Buffer.concat([Buffer.from(lhs.bytes, 'base64'), Buffer.from(tail, 'base64')]).toString('base64') };
  }
  throw cannot('EXTEND', lhs);
}

/**
 * INT with INT stays integer; INT with DOUBLE is computed in double and truncated to INT;
 * a DOUBLE LHS computes in double.
 */
function arithmetic(operation: MutationType, lhs: VariableValue, rhs: VariableValue, f: (a: number, b: number) => number): VariableValue {
  if (lhs.int !== undefined) {
    const b = rhs.double ?? asInt(rhs);
    return { int: checkedInt(Math.trunc(f(lhs.int, b))) };
  }
  if (lhs.double !== undefined) return { double: checkedDouble(f(lhs.double, asDouble(rhs))) };
  throw cannot(operation, lhs);
}

function divide(lhs: VariableValue, rhs: VariableValue): VariableValue {
  if ((lhs.int !== undefined || lhs.double !== undefined) && (rhs.double ?? asDouble(rhs)) === 0) {
    throw new ValueError('cannot DIVIDE by zero');
  }
  return arithmetic('DIVIDE', lhs, rhs, (a, b) => a / b);
}

/** INT or DOUBLE only; a DOUBLE on either side gives a DOUBLE, INT^INT an INT. */
function pow(lhs: VariableValue, rhs: VariableValue): VariableValue {
  const [a, b] = [lhs.int ?? lhs.double, rhs.int ?? rhs.double];
  if (a === undefined || b === undefined) {
    throw new ValueError(`POW needs INT or DOUBLE operands, got ${typeOfValue(lhs) ?? 'NULL'} and ${typeOfValue(rhs)}`);
  }
  const result = checkedDouble(a ** b);
  return lhs.double !== undefined || rhs.double !== undefined ? { double: result } : { int: checkedInt(Math.trunc(result)) };
}

function removeIndex(lhs: VariableValue, rhs: VariableValue): VariableValue {
  const items = arrayOf('REMOVE_INDEX', lhs);
  const index = asInt(rhs);
  if (index < 0 || index >= items.length) throw new ValueError(`REMOVE_INDEX: index ${index} is out of range for ${items.length} items`);
  return { jsonArr: items.filter((_, i) => i !== index) };
}

function removeKey(lhs: VariableValue, rhs: VariableValue): VariableValue {
  if (lhs.jsonObj === undefined) throw cannot('REMOVE_KEY', lhs);
  const key = stringForm(rhs);
  return { jsonObj: Object.fromEntries(Object.entries(lhs.jsonObj).filter(([k]) => k !== key)) };
}

function arrayOf(operation: MutationType, lhs: VariableValue): unknown[] {
  if (lhs.jsonArr === undefined) throw cannot(operation, lhs);
  return lhs.jsonArr;
}

// An operand that has to be a number or a boolean is converted by the explicit casts.
const asInt = (v: VariableValue): number => castExplicitly(v, 'INT').int as number;
const asDouble = (v: VariableValue): number => castExplicitly(v, 'DOUBLE').double as number;
const asBool = (v: VariableValue): boolean => {
  if (isNull(v)) throw new ValueError('AND / OR need BOOL operands, got NULL');
  return castExplicitly(v, 'BOOL').bool as boolean;
};

/** Colt holds INT in a JavaScript number: beyond 2^53 it would silently lose digits. */
function checkedInt(n: number): number {
  if (!Number.isSafeInteger(n)) throw new ValueError(`the result ${n} overflows INT`);
  return n;
}

function checkedDouble(n: number): number {
  if (!Number.isFinite(n)) throw new ValueError(`the result ${n} is not a finite DOUBLE`);
  return n;
}

function cannot(operation: MutationType, lhs: VariableValue): ValueError {
  return new ValueError(`cannot ${operation} a ${typeOfValue(lhs) ?? 'NULL'}`);
}
