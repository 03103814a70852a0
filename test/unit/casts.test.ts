// Casts (LittleHorse §3.4): implicit ones on assignment, explicit ones through `targetType`.
import { describe, expect, it } from 'vitest';
import { resolveAssignment } from '../../src/engine/assignments.ts';
import { NodeFailureError } from '../../src/engine/failures.ts';
import type { PrimitiveType, RunState, VariableValue } from '../../src/engine/types.ts';
import { castExplicitly, castImplicitly, stringForm } from '../../src/engine/values.ts';

const NO_STATE = {} as RunState; // literal assignments never read the run

/** A literal cast through `targetType`, as a WfSpec writes it. */
function cast(value: VariableValue, target: PrimitiveType): VariableValue {
  return resolveAssignment(NO_STATE, 0, { literalValue: value, targetType: { primitiveType: target, masked: false } });
}

function castFailure(value: VariableValue, target: PrimitiveType) {
  try {
    cast(value, target);
  } catch (err) {
    if (err instanceof NodeFailureError) return err.failure;
    throw err;
  }
  throw new Error('the cast succeeded');
}

describe('implicit casts', () => {
  it.each<[VariableValue, PrimitiveType, VariableValue]>([
    [{ int: 3 }, 'INT', { int: 3 }],
    [{ int: 3 }, 'DOUBLE', { double: 3 }],
    [{ int: 3 }, 'STR', { str: '3' }],
    [{ double: 2.5 }, 'STR', { str: '2.5' }],
    [{ double: 2 }, 'STR', { str: '2.0' }],
    [{ bool: true }, 'STR', { str: 'true' }],
    [{ jsonObj: { a: [1] } }, 'STR', { str: '{"a":[1]}' }],
    [{ jsonArr: [1, 'x'] }, 'STR', { str: '[1,"x"]' }],
    [{ wfRunId: { id: 'p_c' } }, 'STR', { str: 'p_c' }],
    [{ utcTimestamp: '2026-01-02T03:04:05.000Z' }, 'STR', { str: '2026-01-02T03:04:05.000Z' }],
    [{}, 'INT', {}],
  ])('%j as %s is %j', (value, target, expected) => {
    expect(castImplicitly(value, target)).toEqual(expected);
  });

  it.each<[VariableValue, PrimitiveType]>([
    [{ double: 2.5 }, 'INT'],
    [{ str: '5' }, 'INT'],
    [{ bool: true }, 'INT'],
    [{ int: 1 }, 'BOOL'],
    [{ str: '{}' }, 'JSON_OBJ'],
  ])('refuses %j as %s without a cast', (value, target) => {
    expect(() => castImplicitly(value, target)).toThrow(/without a cast/);
  });
});

describe('explicit casts (targetType)', () => {
  it.each<[VariableValue, PrimitiveType, VariableValue]>([
    [{ double: 2.9 }, 'INT', { int: 2 }],
    [{ double: -2.9 }, 'INT', { int: -2 }],
    [{ str: ' 42 ' }, 'INT', { int: 42 }],
    [{ str: '-7' }, 'INT', { int: -7 }],
    [{ str: '1.5' }, 'DOUBLE', { double: 1.5 }],
    [{ str: '1e3' }, 'DOUBLE', { double: 1000 }],
    [{ str: '3' }, 'DOUBLE', { double: 3 }],
    [{ str: 'TRUE' }, 'BOOL', { bool: true }],
    [{ str: ' false ' }, 'BOOL', { bool: false }],
    [{ str: 'hi' }, 'BYTES', { bytes: 'aGk=' }],
    [{ str: 'parent_child' }, 'WF_RUN_ID', { wfRunId: { id: 'parent_child' } }],
    [{ utcTimestamp: '2026-01-01T00:00:01.500Z' }, 'INT', { int: 1767225601500 }],
    [{ int: 5 }, 'DOUBLE', { double: 5 }],
    [{ int: 5 }, 'STR', { str: '5' }],
    [{ bool: false }, 'STR', { str: 'false' }],
    [{ bytes: 'aGk=' }, 'STR', { str: 'aGk=' }],
    [{ str: 'same' }, 'STR', { str: 'same' }],
    [{}, 'INT', {}],
  ])('%j to %s is %j', (value, target, expected) => {
    expect(cast(value, target)).toEqual(expected);
    expect(castExplicitly(value, target)).toEqual(expected);
  });

  it.each<[VariableValue, PrimitiveType, RegExp]>([
    [{ str: '1.5' }, 'INT', /cannot cast STR '1.5' to INT/],
    [{ str: 'abc' }, 'DOUBLE', /cannot cast STR 'abc' to DOUBLE/],
    [{ str: 'yes' }, 'BOOL', /cannot cast STR 'yes' to BOOL/],
    [{ str: 'not an id!' }, 'WF_RUN_ID', /cannot cast STR 'not an id!' to WF_RUN_ID/],
    [{ str: '{}' }, 'JSON_OBJ', /cannot cast STR '\{\}' to JSON_OBJ/],
    [{ str: '99999999999999999999' }, 'INT', /outside the INT range/],
    [{ double: 1e300 }, 'INT', /outside the INT range/],
    [{ bool: true }, 'INT', /cannot cast a BOOL to INT/],
    [{ int: 1 }, 'BOOL', /cannot cast a INT to BOOL/],
    [{ int: 1 }, 'TIMESTAMP', /cannot cast a INT to TIMESTAMP/],
    [{ jsonArr: [] }, 'JSON_OBJ', /cannot cast a JSON_ARR to JSON_OBJ/],
  ])('refuses %j to %s with VAR_SUB_ERROR', (value, target, message) => {
    const failure = castFailure(value, target);
    expect(failure.failureName).toBe('VAR_SUB_ERROR');
    expect(failure.message).toMatch(message);
  });
});

describe('natural string form', () => {
  it.each<[VariableValue, string]>([
    [{ str: 'x' }, 'x'],
    [{ int: -3 }, '-3'],
    [{ double: 0.1 }, '0.1'],
    [{ double: 7 }, '7.0'],
    [{ bool: true }, 'true'],
    [{}, 'null'],
  ])('%j reads %s', (value, text) => {
    expect(stringForm(value)).toBe(text);
  });
});
