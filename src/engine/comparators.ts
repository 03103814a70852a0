// Comparators of edge conditions and expressions, with LittleHorse's rules for NULL and mixed kinds.
import { isDeepStrictEqual } from 'node:util';
import { varSubError } from './failures.ts';
import type { Comparator, PrimitiveType, VariableValue } from './types.ts';
import { stringForm, toPlain, typeOfValue } from './values.ts';

export const COMPARATORS: readonly Comparator[] = [
  'LESS_THAN', 'GREATER_THAN', 'LESS_THAN_EQ', 'GREATER_THAN_EQ', 'EQUALS', 'NOT_EQUALS', 'IN', 'NOT_IN',
];

export function isComparator(name: string): name is Comparator {
  return (COMPARATORS as readonly string[]).includes(name);
}

export function compare(lhs: VariableValue, comparator: Comparator, rhs: VariableValue): boolean {
  switch (comparator) {
    case 'LESS_THAN': return order(lhs, rhs) < 0;
    case 'GREATER_THAN': return order(lhs, rhs) > 0;
    case 'LESS_THAN_EQ': return order(lhs, rhs) <= 0;
    case 'GREATER_THAN_EQ': return order(lhs, rhs) >= 0;
    // LittleHorse's EQUALS is the same ordering `== 0`: values that have no order (JSON, BYTES,
    // WfRunIds) cannot be compared, even for equality, except with NULL.
    case 'EQUALS': return order(lhs, rhs) === 0;
    case 'NOT_EQUALS': return order(lhs, rhs) !== 0;
    case 'IN': return contains(rhs, lhs);
    case 'NOT_IN': return !contains(rhs, lhs);
  }
  throw varSubError(`unknown comparator '${String(comparator)}'`);
}

/** What can be ordered against what: INT and DOUBLE are both numbers; other types only with themselves. */
const KIND_OF: Partial<Record<PrimitiveType, string>> = {
  INT: 'number', DOUBLE: 'number', STR: 'string', BOOL: 'boolean', TIMESTAMP: 'timestamp',
};

/** Natural ordering. NULL sorts below everything and equals NULL; mixed kinds are a VAR_SUB_ERROR. */
function order(lhs: VariableValue, rhs: VariableValue): number {
  const [left, right] = [typeOfValue(lhs), typeOfValue(rhs)];
  if (left === null || right === null) return (left === null ? 0 : 1) - (right === null ? 0 : 1);
  const kind = KIND_OF[left];
  if (kind === undefined || kind !== KIND_OF[right]) throw varSubError(`cannot compare a ${left} with a ${right}`);
  const [a, b] = kind === 'timestamp'
    ? [Date.parse(lhs.utcTimestamp as string), Date.parse(rhs.utcTimestamp as string)]
    : [toPlain(lhs) as number | string | boolean, toPlain(rhs) as number | string | boolean];
  return a < b ? -1 : a > b ? 1 : 0;
}

/** "LHS is in RHS": a substring of a STR, an item of a JSON_ARR, a key of a JSON_OBJ. */
function contains(container: VariableValue, item: VariableValue): boolean {
  if (container.str !== undefined) return typeOfValue(item) !== null && container.str.includes(stringForm(item));
  if (container.jsonArr !== undefined) return container.jsonArr.some((x) => isDeepStrictEqual(x, toPlain(item)));
  if (container.jsonObj !== undefined) return typeOfValue(item) !== null && Object.hasOwn(container.jsonObj, stringForm(item));
  throw varSubError(`IN needs a STR, JSON_ARR or JSON_OBJ on the right, got ${typeOfValue(container) ?? 'NULL'}`);
}
