// Comparators of edge conditions and expressions, with LittleHorse's rules for NULL and mixed kinds.
import { varSubError } from './failures.ts';
import type { Comparator, VariableValue } from './types.ts';
import { isPlainObject, toPlain, typeOfValue } from './values.ts';

export function compare(lhs: VariableValue, comparator: Comparator, rhs: VariableValue): boolean {
  switch (comparator) {
    case 'LESS_THAN': return order(lhs, rhs) < 0;
    case 'GREATER_THAN': return order(lhs, rhs) > 0;
    case 'LESS_THAN_EQ': return order(lhs, rhs) <= 0;
    case 'GREATER_THAN_EQ': return order(lhs, rhs) >= 0;
    case 'EQUALS': return equals(lhs, rhs);
    case 'NOT_EQUALS': return !equals(lhs, rhs);
    case 'IN': return contains(rhs, lhs);
    case 'NOT_IN': return !contains(rhs, lhs);
  }
  throw varSubError(`unknown comparator '${String(comparator)}'`);
}

function equals(lhs: VariableValue, rhs: VariableValue): boolean {
  const [a, b] = [toPlain(lhs), toPlain(rhs)];
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return order(lhs, rhs) === 0;
}

/** NULL sorts below everything; numbers, strings, booleans and timestamps compare naturally. */
function order(lhs: VariableValue, rhs: VariableValue): number {
  const [a, b] = [toPlain(lhs), toPlain(rhs)];
  if (a === null || b === null) return (a === null ? 0 : 1) - (b === null ? 0 : 1);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'number' && typeof b === 'string' && b.trim() !== '' && !Number.isNaN(Number(b))) return a - Number(b);
  throw varSubError(`cannot compare a ${typeOfValue(lhs)} with a ${typeOfValue(rhs)}`);
}

function contains(container: VariableValue, item: VariableValue): boolean {
  const haystack = toPlain(container);
  const needle = toPlain(item);
  if (typeof haystack === 'string') return haystack.includes(String(needle));
  if (Array.isArray(haystack)) return haystack.some((x) => JSON.stringify(x) === JSON.stringify(needle));
  if (isPlainObject(haystack)) return String(needle) in haystack;
  throw varSubError(`IN needs a STR, JSON_ARR or JSON_OBJ on the right, got ${typeOfValue(container) ?? 'NULL'}`);
}
