// VariableValue helpers: reading LittleHorse's JSON form, plain JSON typed by a declared type,
// and the casts (implicit on assignment, explicit with `targetType`). Errors are thrown as
// ValueError; callers decide what they mean (a 400 at RunWf, a VAR_SUB_ERROR at run time).
import { isValidName } from '../ids.ts';
import type { PrimitiveType, VariableValue } from './types.ts';

export class ValueError extends Error {
  override name = 'ValueError';
}

const FIELD_OF: Record<PrimitiveType, keyof VariableValue> = {
  STR: 'str', INT: 'int', DOUBLE: 'double', BOOL: 'bool', JSON_OBJ: 'jsonObj', JSON_ARR: 'jsonArr',
  BYTES: 'bytes', WF_RUN_ID: 'wfRunId', TIMESTAMP: 'utcTimestamp',
};
const TYPE_OF = Object.fromEntries(Object.entries(FIELD_OF).map(([t, f]) => [f, t])) as Record<
  keyof VariableValue,
  PrimitiveType
>;

export const NULL_VALUE: VariableValue = Object.freeze({});

export function typeOfValue(value: VariableValue): PrimitiveType | null {
  const field = Object.keys(value)[0] as keyof VariableValue | undefined;
  return field === undefined ? null : TYPE_OF[field];
}

export function isNull(value: VariableValue): boolean {
  return typeOfValue(value) === null;
}

/** The value as plain JSON (what users and task handlers see). */
export function toPlain(value: VariableValue): unknown {
  const field = Object.keys(value)[0] as keyof VariableValue | undefined;
  if (field === undefined) return null;
  if (field === 'wfRunId') return value.wfRunId?.id;
  return value[field];
}

/** Plain JSON -> the VariableValue of a declared type; `null` stays NULL. */
export function fromPlain(type: PrimitiveType, plain: unknown): VariableValue {
  if (plain === null || plain === undefined) return {};
  switch (type) {
    case 'STR':
      if (typeof plain === 'string') return { str: plain };
      break;
    case 'INT':
      return { int: parseInteger(plain) };
    case 'DOUBLE':
      if (typeof plain === 'number' && Number.isFinite(plain)) return { double: plain };
      break;
    case 'BOOL':
      if (typeof plain === 'boolean') return { bool: plain };
      break;
    case 'JSON_OBJ':
      if (isPlainObject(plain)) return { jsonObj: plain };
      break;
    case 'JSON_ARR':
      if (Array.isArray(plain)) return { jsonArr: plain };
      break;
    case 'BYTES':
      if (typeof plain === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(plain)) return { bytes: plain };
      break;
    case 'WF_RUN_ID':
      if (typeof plain === 'string' && plain !== '') return { wfRunId: { id: plain } };
      break;
    case 'TIMESTAMP':
      if (typeof plain === 'string' && !Number.isNaN(Date.parse(plain))) {
        return { utcTimestamp: new Date(plain).toISOString() };
      }
      break;
  }
  throw new ValueError(`expected ${type}, got ${describe(plain)}`);
}

/**
 * A VariableValue as LittleHorse's JSON carries it (int64 as a string, JSON as a string)
 * -> Colt's form (numbers and parsed JSON). Rejects anything with more than one field.
 */
export function normalizeValue(raw: unknown): VariableValue {
  if (!isPlainObject(raw)) throw new ValueError(`a VariableValue must be an object, got ${describe(raw)}`);
  const fields = Object.keys(raw);
  if (fields.length === 0) return {};
  const field = fields[0] as keyof VariableValue;
  const type = TYPE_OF[field];
  if (fields.length > 1 || type === undefined) {
    throw new ValueError(`a VariableValue has exactly one of ${Object.keys(TYPE_OF).join(', ')}`);
  }
  let plain = raw[field];
  if ((type === 'JSON_OBJ' || type === 'JSON_ARR') && typeof plain === 'string') plain = parseJson(plain);
  if (type === 'WF_RUN_ID' && isPlainObject(plain)) plain = plain.id;
  return fromPlain(type, plain);
}

/** A JSON value (found by a path, an array item) typed by its JavaScript shape. */
export function valueOfJson(json: unknown): VariableValue {
  if (json === null || json === undefined) return {};
  if (typeof json === 'string') return { str: json };
  if (typeof json === 'boolean') return { bool: json };
  if (typeof json === 'number') return Number.isInteger(json) ? { int: json } : { double: json };
  return Array.isArray(json) ? { jsonArr: json } : { jsonObj: json as Record<string, unknown> };
}

/** Implicit casts of assignment: same type, INT -> DOUBLE, any primitive -> STR. NULL stays NULL. */
export function castImplicitly(value: VariableValue, target: PrimitiveType): VariableValue {
  const source = typeOfValue(value);
  if (source === null || source === target) return value;
  if (source === 'INT' && target === 'DOUBLE') return { double: value.int as number };
  if (target === 'STR') return { str: stringForm(value) };
  throw new ValueError(`cannot assign a ${source} to a ${target} without a cast`);
}

/**
 * Explicit casts (`targetType`): the implicit ones, DOUBLE -> INT (truncating), TIMESTAMP -> INT
 * (epoch millis) and STR -> INT, DOUBLE, BOOL, BYTES, WF_RUN_ID. NULL stays NULL.
 */
export function castExplicitly(value: VariableValue, target: PrimitiveType): VariableValue {
  const source = typeOfValue(value);
  if (source === 'DOUBLE' && target === 'INT') return { int: safeInteger(Math.trunc(value.double as number)) };
  if (source === 'TIMESTAMP' && target === 'INT') return { int: Date.parse(value.utcTimestamp as string) };
  if (source === 'STR' && target !== 'STR') return parseString(value.str as string, target);
  try {
    return castImplicitly(value, target);
  } catch {
    throw new ValueError(`cannot cast a ${source} to ${target}`);
  }
}

/** STR -> another type. Text is trimmed first, as LittleHorse does for BOOL. */
function parseString(text: string, target: PrimitiveType): VariableValue {
  const trimmed = text.trim();
  const refuse = () => new ValueError(`cannot cast STR '${text}' to ${target}`);
  switch (target) {
    case 'INT':
      if (/^[-+]?\d+$/.test(trimmed)) return { int: safeInteger(Number(trimmed)) };
      throw refuse();
    case 'DOUBLE':
      if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) return { double: Number(trimmed) };
      throw refuse();
    case 'BOOL':
      if (/^(true|false)$/i.test(trimmed)) return { bool: trimmed.toLowerCase() === 'true' };
      throw refuse();
    case 'BYTES':
      // The string's content, not a decoding of it: BYTES travel base64-encoded.
      return { bytes: Buffer.from(text, 'utf8').toString('base64') };
    case 'WF_RUN_ID':
      // A child WfRun's id is its `parent_child` chain; each part is a name.
      if (trimmed.split('_').every(isValidName)) return { wfRunId: { id: trimmed } };
      throw refuse();
    default:
      throw refuse();
  }
}

/**
 * The natural string form: text as is, numbers as Java prints them (a DOUBLE keeps its `.0`),
 * JSON as JSON, BYTES as base64, a WfRunId as its id, a TIMESTAMP as ISO-8601.
 */
export function stringForm(value: VariableValue): string {
  const plain = toPlain(value);
  if (typeof plain === 'string') return plain;
  if (value.double !== undefined && Number.isInteger(value.double) && !/e/i.test(String(value.double))) {
    return `${value.double}.0`;
  }
  return JSON.stringify(plain);
}

function safeInteger(n: number): number {
  if (!Number.isSafeInteger(n)) throw new ValueError(`${n} is outside the INT range Colt can hold exactly`);
  return n;
}

function parseInteger(plain: unknown): number {
  const n = typeof plain === 'string' && /^-?\d+$/.test(plain.trim()) ? Number(plain) : plain;
  if (typeof n === 'number' && Number.isSafeInteger(n)) return n;
  throw new ValueError(`expected INT, got ${describe(plain)}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ValueError('JSON content is not valid JSON');
  }
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function describe(x: unknown): string {
  if (Array.isArray(x)) return 'an array';
  if (x === null) return 'null';
  return typeof x === 'object' ? 'an object' : `${typeof x} ${JSON.stringify(x)}`;
}
