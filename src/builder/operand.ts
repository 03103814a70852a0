// What builder methods accept wherever LittleHorse takes a VariableAssignment: a variable, a node
// output, an expression, a condition or a format string (all Operands), or a plain JSON literal.
import type { VariableAssignment, VariableValue } from '../engine/types.ts';
import { valueOfJson } from '../engine/values.ts';
import { WorkflowDefinitionError } from './definition-error.ts';

/** The thread an operand is used in: node outputs can only be read in the thread that ran the node. */
export interface ThreadRef {
  readonly name: string;
}

export abstract class Operand {
  /** The VariableAssignment that produces this value, as read inside `thread`. */
  abstract toAssignment(thread: ThreadRef): VariableAssignment;
}

/** Plain JSON (numbers without a fraction are INT, others DOUBLE) or a Date (a TIMESTAMP). */
export type Literal = string | number | boolean | null | Date | readonly unknown[] | { readonly [key: string]: unknown };

export type WfValue = Operand | Literal;

export function assignmentOf(value: WfValue, thread: ThreadRef): VariableAssignment {
  if (value instanceof Operand) return value.toAssignment(thread);
  return { literalValue: literalValue(value) };
}

export function assignmentsOf(values: Readonly<Record<string, WfValue>>, thread: ThreadRef): Record<string, VariableAssignment> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, assignmentOf(value, thread)]));
}

export function literalValue(value: Literal): VariableValue {
  if (value instanceof Date) return { utcTimestamp: value.toISOString() };
  checkPlainJson(value, 'literal');
  return valueOfJson(value);
}

/** LittleHorse has no way to build JSON out of variables, so a literal must be JSON all the way down. */
function checkPlainJson(value: unknown, where: string): void {
  if (value instanceof Operand) {
    throw new WorkflowDefinitionError(`${where}: a JSON literal cannot hold a variable, node output or expression`);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new WorkflowDefinitionError(`${where}: ${value} is not JSON`);
  if (Array.isArray(value)) return value.forEach((item, i) => checkPlainJson(item, `${where}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new WorkflowDefinitionError(`${where}: only plain objects are JSON`);
    for (const [key, item] of Object.entries(value)) checkPlainJson(item, `${where}.${key}`);
    return;
  }
  if (!['string', 'number', 'boolean'].includes(typeof value) && value !== null) {
    throw new WorkflowDefinitionError(`${where}: a ${typeof value} is not JSON`);
  }
}
