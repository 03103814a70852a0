// VariableAssignment (LittleHorse §5.3): expressions with an operation or a comparator, sizeOf,
// jsonPath (Jayway's dialect) and how PutWfSpec checks them.
import { describe, expect, it } from 'vitest';
import { resolveAssignment } from '../../src/engine/assignments.ts';
import { NodeFailureError } from '../../src/engine/failures.ts';
import { advance } from '../../src/engine/reducer.ts';
import type { RunState, VariableAssignment, VariableValue } from '../../src/engine/types.ts';
import { ColtError } from '../../src/errors.ts';
import { context } from '../support/engine-driver.ts';
import { entry, exit, literal, nop, threadSpec, varDef, variable, wfSpec } from '../support/spec-builder.ts';
import { compileSpec } from '../support/specs.ts';

const VARIABLES = [
  varDef('count', 'INT'), varDef('ratio', 'DOUBLE'), varDef('name', 'STR'), varDef('doc', 'JSON_OBJ'), varDef('list', 'JSON_ARR'),
  varDef('flag', 'BOOL'), varDef('nothing', 'STR'),
];
const DOC = {
  user: { name: 'Ann', 'first-name': 'Ann', tags: ['a', 'b'] },
  items: [{ sku: 'x', price: 5, qty: 2 }, { sku: 'y', price: 15, qty: 1 }, { sku: 'z', price: 1.5, qty: 4 }],
  empty: null,
};
const INITIAL: Record<string, VariableValue> = {
  count: { int: 5 }, ratio: { double: 0.5 }, name: { str: 'hello' }, doc: { jsonObj: DOC }, list: { jsonArr: [3, 1, 2] }, flag: { bool: true },
};

/** ENTRYPOINT -> big (if `condition`) | small -> EXIT, started with INITIAL. */
function spec(condition: object = literal({ bool: true })) {
  const nodes = [
    { ...entry(), edges: [{ sinkNodeName: 'big', condition }, { sinkNodeName: 'small' }] },
    nop('big', [{ sinkNodeName: 'exit' }]),
    nop('small', [{ sinkNodeName: 'exit' }]),
    exit(),
  ];
  return compileSpec(wfSpec('expr', { entrypoint: threadSpec(nodes, VARIABLES) }), []);
}
const start = (condition?: object): RunState =>
  advance(null, { type: 'RunWf', wfRunId: 'r', variables: INITIAL }, context(spec(condition), [])).state;

const STATE = start();
const resolve = (a: object) => resolveAssignment(STATE, 0, a as VariableAssignment);
const COMPARATOR = /^(LESS_THAN|GREATER_THAN|LESS_THAN_EQ|GREATER_THAN_EQ|EQUALS|NOT_EQUALS|IN|NOT_IN)$/;
/** An expression in Colt's canonical form (`operation`, which PutWfSpec reads from `mutationType`). */
const expression = (lhs: object, op: string, rhs: object) => ({ expression: { lhs, rhs, ...(COMPARATOR.test(op) ? { comparator: op } : { mutationType: op }) } });

function failureOf(a: object) {
  try {
    resolve(a);
  } catch (err) {
    if (err instanceof NodeFailureError) return err.failure;
    throw err;
  }
  throw new Error('the assignment resolved');
}

describe('expressions', () => {
  it.each<[object, string, object, VariableValue]>([
    [variable('count'), 'ADD', literal({ double: 0.5 }), { double: 5.5 }],
    [variable('count'), 'SUBTRACT', variable('ratio'), { double: 4.5 }],
    [variable('count'), 'MULTIPLY', literal({ double: 1.5 }), { double: 7.5 }],
    [variable('count'), 'DIVIDE', literal({ double: 2 }), { double: 2.5 }],
    [variable('count'), 'POW', literal({ double: 2 }), { double: 25 }],
    [variable('count'), 'ADD', literal({ int: 2 }), { int: 7 }],
    [variable('count'), 'DIVIDE', literal({ int: 2 }), { int: 2 }],
    [variable('count'), 'POW', literal({ int: 2 }), { int: 25 }],
    [variable('ratio'), 'ADD', variable('count'), { double: 5.5 }],
    [variable('name'), 'ADD', variable('count'), { str: 'hello5' }],
    [variable('name'), 'EXTEND', literal({ str: '!' }), { str: 'hello!' }],
    [variable('list'), 'ADD', literal({ int: 4 }), { jsonArr: [3, 1, 2, 4] }],
    [variable('list'), 'EXTEND', literal({ jsonArr: [9] }), { jsonArr: [3, 1, 2, 9] }],
    [variable('list'), 'REMOVE_IF_PRESENT', literal({ int: 1 }), { jsonArr: [3, 2] }],
    [variable('list'), 'REMOVE_INDEX', literal({ int: 0 }), { jsonArr: [1, 2] }],
    [variable('doc'), 'REMOVE_KEY', literal({ str: 'items' }), { jsonObj: { user: DOC.user, empty: null } }],
    [variable('name'), 'ASSIGN', variable('count'), { str: '5' }],
    [variable('flag'), 'AND', literal({ bool: false }), { bool: false }],
    [variable('flag'), 'OR', literal({ str: 'false' }), { bool: true }],
    [variable('count'), 'GREATER_THAN', literal({ double: 4.5 }), { bool: true }],
    [variable('name'), 'EQUALS', literal({ str: 'hello' }), { bool: true }],
    [variable('nothing'), 'EQUALS', literal({}), { bool: true }],
    [literal({ int: 2 }), 'IN', variable('list'), { bool: true }],
    [literal({ str: 'user' }), 'NOT_IN', variable('doc'), { bool: false }],
  ])('%j %s %j is %j', (lhs, op, rhs, expected) => {
    expect(resolve(expression(lhs, op, rhs))).toEqual(expected);
  });

  it('nests: comparators inside AND, and a cast of the result', () => {
    const inRange = expression(expression(variable('count'), 'GREATER_THAN', literal({ int: 1 })), 'AND', expression(variable('count'), 'LESS_THAN', literal({ int: 10 })));
    expect(resolve(inRange)).toEqual({ bool: true });
    const half = { ...expression(variable('count'), 'MULTIPLY', variable('ratio')), targetType: { primitiveType: 'INT' } };
    expect(resolve(half)).toEqual({ int: 2 });
    const label = { ...expression(variable('count'), 'ADD', literal({ int: 1 })), targetType: { primitiveType: 'STR' } };
    expect(resolve(label)).toEqual({ str: '6' });
  });

  it.each<[object, string]>([
    [expression(variable('count'), 'DIVIDE', literal({ int: 0 })), 'expression DIVIDE: cannot DIVIDE by zero'],
    [expression(variable('flag'), 'ADD', literal({ int: 1 })), 'expression ADD: cannot ADD a BOOL'],
    [expression(variable('list'), 'EXTEND', literal({ int: 1 })), 'expression EXTEND: EXTEND of a JSON_ARR needs a JSON_ARR, got INT (ADD appends one item)'],
    [expression(variable('name'), 'LESS_THAN', variable('count')), 'cannot compare a STR with a INT'],
    [expression(variable('count'), 'IN', variable('count')), 'IN needs a STR, JSON_ARR or JSON_OBJ on the right, got INT'],
    [{ expression: { lhs: variable('count'), mutationType: 'MODULO', rhs: variable('count') } }, "unknown expression operation 'MODULO'"],
  ])('%j fails with VAR_SUB_ERROR: %s', (a, message) => {
    expect(failureOf(a)).toEqual({ failureName: 'VAR_SUB_ERROR', message, wasProperlyHandled: false });
  });
});

describe('sizeOf', () => {
  it.each<[object, number]>([
    [variable('name'), 5],
    [literal({ str: '' }), 0],
    [literal({ str: 'héllo' }), 5],
    [variable('list'), 3],
    [literal({ jsonArr: [] }), 0],
    [{ variableName: 'doc', jsonPath: '$.items' }, 3],
    [{ variableName: 'doc', jsonPath: '$.user.name' }, 3],
  ])('of %j is %i', (operand, size) => {
    expect(resolve({ sizeOf: { operand } })).toEqual({ int: size });
  });

  it.each<[object, string]>([
    [variable('doc'), 'sizeOf needs a STR or JSON_ARR, got JSON_OBJ'],
    [variable('nothing'), 'sizeOf needs a STR or JSON_ARR, got NULL'],
    [variable('count'), 'sizeOf needs a STR or JSON_ARR, got INT'],
  ])('of %j is a VAR_SUB_ERROR', (operand, message) => {
    expect(failureOf({ sizeOf: { operand } })).toMatchObject({ failureName: 'VAR_SUB_ERROR', message });
  });
});

describe('jsonPath', () => {
  it.each<[string, VariableValue]>([
    ['$.user.name', { str: 'Ann' }],
    ["$.user['first-name']", { str: 'Ann' }],
    ['$.user.first-name', { str: 'Ann' }],
    ['user.name', { str: 'Ann' }],
    ['$.items[1].price', { int: 15 }],
    ['$.items[2].price', { double: 1.5 }],
    ['$.items[-1].sku', { str: 'z' }],
    ['$.user.tags', { jsonArr: ['a', 'b'] }],
    ['$.user', { jsonObj: DOC.user }],
    ['$.items[*].sku', { jsonArr: ['x', 'y', 'z'] }],
    ['$..sku', { jsonArr: ['x', 'y', 'z'] }],
    ['$.items[?(@.price > 2)].sku', { jsonArr: ['x', 'y'] }],
    ["$.items[?(@.sku == 'y')].qty", { jsonArr: [1] }],
    ['$.items[0:2].qty', { jsonArr: [2, 1] }],
    ['$.items[0,2].qty', { jsonArr: [2, 4] }],
    ['$.items.length()', { int: 3 }],
    ['$.items[*].price.sum()', { double: 21.5 }],
    ['$.items[*].qty.max()', { double: 4 }],
    // misses are NULL, or an empty list for an indefinite path
    ['$.missing', {}],
    ['$.user.name.first', {}],
    ['$.items[3]', {}],
    ['$.empty', {}],
    ['$.items.length', {}],
    ['$.user.__proto__', {}],
    ['$.missing.length()', {}],
    ['$.items[?(@.price > 100)].sku', { jsonArr: [] }],
  ])('%s is %j', (jsonPath, expected) => {
    expect(resolve({ variableName: 'doc', jsonPath })).toEqual(expected);
  });

  it('reads into a JSON_ARR too', () => {
    expect(resolve({ variableName: 'list', jsonPath: '$[0]' })).toEqual({ int: 3 });
  });

  it.each<[string, string, string]>([
    ['name', '$.x', "jsonPath '$.x' needs a JSON_OBJ or JSON_ARR, got STR"],
    ['nothing', '$.x', "jsonPath '$.x' needs a JSON_OBJ or JSON_ARR, got NULL"],
    ['doc', '$.items.median()', "jsonPath '$.items.median()': unknown function median()"],
  ])('on %s, %s is a VAR_SUB_ERROR', (variableName, jsonPath, message) => {
    expect(failureOf({ variableName, jsonPath })).toMatchObject({ failureName: 'VAR_SUB_ERROR', message });
  });
});

describe('expressions in a WfSpec', () => {
  const visited = (state: RunState) => Object.values(state.nodeRuns).map((n) => n.nodeName);

  it('chooses the edge whose condition expression holds', () => {
    const more = expression({ sizeOf: { operand: variable('list') } }, 'GREATER_THAN', expression(variable('count'), 'SUBTRACT', literal({ int: 3 })));
    expect(visited(start(more))).toEqual(['entry', 'big', 'exit']);
    const fewer = expression({ sizeOf: { operand: variable('list') } }, 'GREATER_THAN', variable('count'));
    expect(visited(start(fewer))).toEqual(['entry', 'small', 'exit']);
    const plusOne = { expression: { lhs: variable('count'), mutationType: 'ADD', rhs: literal({ int: 1 }) } };
    expect(visited(start(expression(plusOne, 'EQUALS', literal({ int: 6 }))))).toEqual(['entry', 'big', 'exit']);
    expect(spec(plusOne).threadSpecs.entrypoint?.nodes.entry?.outgoingEdges[0]?.condition).toEqual({
      expression: { lhs: { variableName: 'count' }, mutationType: 'ADD', rhs: { literalValue: { int: 1 } } },
    });
  });

  it.each<[object, RegExp]>([
    [{ expression: { lhs: variable('count'), comparator: 'BIGGER', rhs: literal({ int: 1 }) } }, /outgoingEdges\[0\]\.condition\.expression\.comparator: 'BIGGER' is not one of LESS_THAN/],
    [{ expression: { lhs: variable('count'), mutationType: 'MODULO', rhs: literal({ int: 1 }) } }, /outgoingEdges\[0\]\.condition\.expression\.mutationType: 'MODULO' is not one of ASSIGN/],
    [{ expression: { lhs: variable('count'), operation: 'MODULO', rhs: literal({ int: 1 }) } }, /outgoingEdges\[0\]\.condition\.expression\.operation: 'MODULO' is not one of ASSIGN/],
    [{ expression: { lhs: variable('count'), mutationType: 'ADD', comparator: 'EQUALS', rhs: literal({ int: 1 }) } }, /condition\.expression: needs exactly one of mutationType and comparator/],
    [{ expression: { lhs: variable('count'), rhs: literal({ int: 1 }) } }, /condition\.expression: needs exactly one of mutationType and comparator/],
    [{ sizeOf: {} }, /condition\.sizeOf\.operand: must be a VariableAssignment object/],
  ])('PutWfSpec refuses %j with INVALID_ARGUMENT naming the field', (condition, message) => {
    expect(() => spec(condition)).toThrow(ColtError);
    expect(() => spec(condition)).toThrow(message);
  });
});
