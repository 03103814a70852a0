// JSONPath as LittleHorse reads it (Jayway's dialect) on JSON_OBJ and JSON_ARR values. As in
// Jayway, a definite path (names and indexes only) yields one value, or NULL where nothing is
// there; an indefinite one (wildcard, deep scan, filter, slice, union) yields the JSON_ARR of
// its matches. jsonpath-plus parses every path and evaluates the indefinite ones.
import { JSONPath } from 'jsonpath-plus';
import type { VariableValue } from './types.ts';
import { isPlainObject, toPlain, typeOfValue, valueOfJson, ValueError } from './values.ts';

interface ParsedPath {
  /** The path as jsonpath-plus evaluates it: rooted at `$`, without its tail function. */
  text: string;
  /** The steps after `$`. */
  steps: string[];
  /** True when every step names one member or one index. */
  definite: boolean;
  /** A Jayway function ending the path, such as `length` in `$.items.length()`. */
  tailFunction?: string;
}

/** The value at `path` inside a JSON_OBJ or JSON_ARR; NULL when the path leads nowhere. */
export function readJsonPath(value: VariableValue, path: string): VariableValue {
  const root = jsonRoot(value, path);
  const { text, steps, definite, tailFunction } = parsePath(path);
  const found = definite ? walk(root, steps) : query(root, text, path);
  return tailFunction === undefined ? valueOfJson(found) : applyFunction(tailFunction, found, path);
}

/**
 * A copy of a JSON_OBJ or JSON_ARR whose sub-value at the definite `path` is `update(current)`;
 * `current` is NULL where the last member does not exist yet. Every step before it must exist.
 */
export function updateJsonPath(
  value: VariableValue,
  path: string,
  update: (current: VariableValue) => VariableValue,
): VariableValue {
  const root = structuredClone(jsonRoot(value, path));
  const { steps, definite, tailFunction } = parsePath(path);
  const last = steps.at(-1);
  if (!definite || tailFunction !== undefined || last === undefined) {
    throw new ValueError(`lhsJsonPath '${path}' must name exactly one place (members and indexes only)`);
  }
  const parent = walk(root, steps.slice(0, -1));
  const next = (current: unknown) => toPlain(update(valueOfJson(current)));
  if (Array.isArray(parent)) {
    const index = arrayIndex(parent, last);
    if (index === undefined) throw new ValueError(`lhsJsonPath '${path}': index ${last} is out of range`);
    parent[index] = next(parent[index]);
  } else if (isPlainObject(parent)) {
    // defineProperty, not assignment: a member named `__proto__` must stay a plain member.
    const member = { value: next(Object.hasOwn(parent, last) ? parent[last] : undefined), writable: true };
    Object.defineProperty(parent, last, { ...member, enumerable: true, configurable: true });
  } else {
    throw new ValueError(`lhsJsonPath '${path}': the object or array that should hold '${last}' does not exist`);
  }
  return valueOfJson(root);
}

function jsonRoot(value: VariableValue, path: string): unknown {
  const root = value.jsonObj ?? value.jsonArr;
  if (root === undefined) throw new ValueError(`jsonPath '${path}' needs a JSON_OBJ or JSON_ARR, got ${typeOfValue(value) ?? 'NULL'}`);
  return root;
}

function parsePath(path: string): ParsedPath {
  // Jayway reads a path without a root as starting at it: `a.b` is `$.a.b`.
  let text = path.startsWith('$') ? path : `$.${path}`;
  const tail = /\.([A-Za-z]+)\(\)\s*$/.exec(text);
  if (tail) text = text.slice(0, tail.index);
  const parsed = JSONPath.toPathArray(text);
  if (parsed[0] !== '$') throw new ValueError(`jsonPath '${path}' must start with '$'`);
  const steps = parsed.slice(1);
  return { text, steps, definite: steps.every(isDefiniteStep), ...(tail ? { tailFunction: tail[1] as string } : {}) };
}

/** Wildcards, deep scans, filters, scripts, slices and unions select any number of values. */
function isDefiniteStep(step: string): boolean {
  return step !== '*' && step !== '..' && !/^[?(]/.test(step) && !/^-?\d*:-?\d*(:-?\d*)?$/.test(step) && !step.includes(',');
}

/** Follows a definite path: own members of objects, indexes (negative from the end) of arrays. */
function walk(root: unknown, steps: string[]): unknown {
  let current = root;
  for (const step of steps) {
    if (Array.isArray(current)) {
      const index = arrayIndex(current, step);
      current = index === undefined ? undefined : current[index];
    } else if (isPlainObject(current) && Object.hasOwn(current, step)) {
      current = current[step];
    } else {
      return undefined;
    }
  }
  return current;
}

function arrayIndex(array: unknown[], step: string): number | undefined {
  if (!/^-?\d+$/.test(step)) return undefined;
  const index = Number(step) < 0 ? array.length + Number(step) : Number(step);
  return index >= 0 && index < array.length ? index : undefined;
}

function query(root: unknown, text: string, path: string): unknown[] {
  try {
    // The text, not the steps: jsonpath-plus applies filters differently to a path given as steps.
    return JSONPath({ path: text, json: root as object, wrap: true, eval: 'safe', resultType: 'value' }) ?? [];
  } catch (err) {
    throw new ValueError(`jsonPath '${path}' could not be evaluated: ${(err as Error).message}`);
  }
}

/** Jayway's path functions that end a path, applied to what the path before them found. */
const TAIL_FUNCTIONS: Record<string, (input: unknown[] | Record<string, unknown>) => unknown> = {
  length: (input) => (Array.isArray(input) ? input.length : Object.keys(input).length),
  sum: (input) => numbersOf(input).reduce((a, b) => a + b, 0),
  avg: (input) => numbersOf(input).reduce((a, b) => a + b, 0) / numbersOf(input).length,
  min: (input) => Math.min(...numbersOf(input)),
  max: (input) => Math.max(...numbersOf(input)),
  first: (input) => (Array.isArray(input) ? input[0] : undefined),
  last: (input) => (Array.isArray(input) ? input.at(-1) : undefined),
  keys: (input) => (Array.isArray(input) ? undefined : Object.keys(input)),
};

function applyFunction(name: string, input: unknown, path: string): VariableValue {
  const fn = TAIL_FUNCTIONS[name];
  if (!fn) throw new ValueError(`jsonPath '${path}': unknown function ${name}()`);
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object') throw new ValueError(`jsonPath '${path}': ${name}() needs an array or object`);
  const result = fn(input as unknown[] | Record<string, unknown>);
  // Jayway's aggregations answer a Double, whatever the numbers were.
  return ['sum', 'avg', 'min', 'max'].includes(name) ? { double: result as number } : valueOfJson(result);
}

function numbersOf(input: unknown[] | Record<string, unknown>): number[] {
  const numbers = (Array.isArray(input) ? input : []).filter((x): x is number => typeof x === 'number');
  if (numbers.length === 0) throw new ValueError('an aggregation function needs an array with numbers');
  return numbers;
}

