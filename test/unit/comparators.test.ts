// Comparators (LittleHorse §5.2): natural ordering, NULL below everything, mixed kinds refused,
// IN / NOT_IN by the type of the right-hand side.
import { describe, expect, it } from 'vitest';
import { compare } from '../../src/engine/comparators.ts';
import { NodeFailureError } from '../../src/engine/failures.ts';
import type { Comparator, VariableValue } from '../../src/engine/types.ts';

const T1 = { utcTimestamp: '2026-01-01T00:00:00.000Z' };
const T2 = { utcTimestamp: '2026-01-01T00:00:00.001Z' };

describe('ordering comparators', () => {
  // [lhs, rhs, LESS_THAN, GREATER_THAN, LESS_THAN_EQ, GREATER_THAN_EQ, EQUALS, NOT_EQUALS]
  it.each<[VariableValue, VariableValue, ...boolean[]]>([
    [{ int: 1 }, { int: 2 }, true, false, true, false, false, true],
    [{ int: 2 }, { int: 2 }, false, false, true, true, true, false],
    [{ int: 2 }, { double: 1.5 }, false, true, false, true, false, true],
    [{ double: 2 }, { int: 2 }, false, false, true, true, true, false],
    [{ str: 'apple' }, { str: 'banana' }, true, false, true, false, false, true],
    [{ str: 'B' }, { str: 'a' }, true, false, true, false, false, true],
    [{ str: 'x' }, { str: 'x' }, false, false, true, true, true, false],
    [{ bool: false }, { bool: true }, true, false, true, false, false, true],
    [{ bool: true }, { bool: true }, false, false, true, true, true, false],
    [T1, T2, true, false, true, false, false, true],
    [T2, T2, false, false, true, true, true, false],
    [{}, { int: -100 }, true, false, true, false, false, true],
    [{ str: '' }, {}, false, true, false, true, false, true],
    [{}, {}, false, false, true, true, true, false],
    [{}, { jsonObj: { a: 1 } }, true, false, true, false, false, true],
    [{ jsonArr: [] }, {}, false, true, false, true, false, true],
  ])('%j vs %j', (lhs, rhs, ...expected) => {
    const comparators: Comparator[] = ['LESS_THAN', 'GREATER_THAN', 'LESS_THAN_EQ', 'GREATER_THAN_EQ', 'EQUALS', 'NOT_EQUALS'];
    expect(comparators.map((c) => compare(lhs, c, rhs))).toEqual(expected);
  });

  it.each<[VariableValue, VariableValue, string]>([
    [{ int: 1 }, { str: '1' }, 'cannot compare a INT with a STR'],
    [{ str: 'true' }, { bool: true }, 'cannot compare a STR with a BOOL'],
    [{ jsonObj: { a: 1 } }, { jsonObj: { a: 1 } }, 'cannot compare a JSON_OBJ with a JSON_OBJ'],
    [{ jsonArr: [1] }, { jsonArr: [1] }, 'cannot compare a JSON_ARR with a JSON_ARR'],
    [T1, { str: T1.utcTimestamp }, 'cannot compare a TIMESTAMP with a STR'],
    [{ bytes: 'AA==' }, { bytes: 'AA==' }, 'cannot compare a BYTES with a BYTES'],
  ])('%j vs %j is a VAR_SUB_ERROR for every ordering comparator', (lhs, rhs, message) => {
    for (const c of ['LESS_THAN', 'GREATER_THAN', 'LESS_THAN_EQ', 'GREATER_THAN_EQ', 'EQUALS', 'NOT_EQUALS'] as const) {
      expect(() => compare(lhs, c, rhs)).toThrow(NodeFailureError);
      expect(() => compare(lhs, c, rhs)).toThrow(message);
    }
  });
});

describe('IN / NOT_IN', () => {
  it.each<[VariableValue, VariableValue, boolean]>([
    [{ str: 'ell' }, { str: 'hello' }, true],
    [{ str: 'xyz' }, { str: 'hello' }, false],
    [{ int: 5 }, { str: 'a5b' }, true],
    [{}, { str: 'null' }, false],
    [{ int: 2 }, { jsonArr: [1, 2, 3] }, true],
    [{ double: 2 }, { jsonArr: [1, 2, 3] }, true],
    [{ str: '2' }, { jsonArr: [1, 2, 3] }, false],
    [{ jsonObj: { a: [1, { b: 2 }] } }, { jsonArr: [{ a: [1, { b: 2 }] }] }, true],
    [{ jsonObj: { a: 1 } }, { jsonArr: [{ a: 2 }] }, false],
    [{}, { jsonArr: [1, null] }, true],
    [{}, { jsonArr: [1] }, false],
    [{ str: 'k' }, { jsonObj: { k: 0 } }, true],
    [{ int: 1 }, { jsonObj: { '1': 'x' } }, true],
    [{ str: 'toString' }, { jsonObj: {} }, false],
    [{}, { jsonObj: { null: 1 } }, false],
  ])('%j IN %j is %s (and NOT_IN the opposite)', (lhs, rhs, expected) => {
    expect(compare(lhs, 'IN', rhs)).toBe(expected);
    expect(compare(lhs, 'NOT_IN', rhs)).toBe(!expected);
  });

  it.each<[VariableValue, string]>([
    [{ int: 1 }, 'got INT'],
    [{ bool: true }, 'got BOOL'],
    [{}, 'got NULL'],
  ])('needs a STR, JSON_ARR or JSON_OBJ on the right, not %j', (rhs, message) => {
    expect(() => compare({ int: 1 }, 'IN', rhs)).toThrow(NodeFailureError);
    expect(() => compare({ int: 1 }, 'NOT_IN', rhs)).toThrow(message);
  });
});
