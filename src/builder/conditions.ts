// Conditions of doIf / doWhile / waitForCondition: `wf.condition(count, '<', 3)`, combined with
// `.and()` / `.or()`, compiled to LittleHorse's `{expression: {lhs, comparator | mutationType, rhs}}`.
import type { Comparator, VariableAssignment } from '../engine/types.ts';
import { assignmentOf, Operand, type ThreadRef, type WfValue } from './operand.ts';

export type ComparatorSymbol = '<' | '>' | '<=' | '>=' | '==' | '!=' | 'in' | 'not in';

const COMPARATOR_OF_SYMBOL: Record<ComparatorSymbol, Comparator> = {
  '<': 'LESS_THAN',
  '>': 'GREATER_THAN',
  '<=': 'LESS_THAN_EQ',
  '>=': 'GREATER_THAN_EQ',
  '==': 'EQUALS',
  '!=': 'NOT_EQUALS',
  in: 'IN',
  'not in': 'NOT_IN',
};

/** What `not (a OP b)` is: `a NEGATED_OP b`. doWhile needs it for the edge that skips the loop. */
const NEGATION: Record<Comparator, Comparator> = {
  LESS_THAN: 'GREATER_THAN_EQ',
  GREATER_THAN_EQ: 'LESS_THAN',
  GREATER_THAN: 'LESS_THAN_EQ',
  LESS_THAN_EQ: 'GREATER_THAN',
  EQUALS: 'NOT_EQUALS',
  NOT_EQUALS: 'EQUALS',
  IN: 'NOT_IN',
  NOT_IN: 'IN',
};

export function comparatorOf(op: ComparatorSymbol | Comparator): Comparator {
  return op in COMPARATOR_OF_SYMBOL ? COMPARATOR_OF_SYMBOL[op as ComparatorSymbol] : (op as Comparator);
}

type ConditionTree =
  | { kind: 'compare'; lhs: WfValue; comparator: Comparator; rhs: WfValue }
  | { kind: 'AND' | 'OR'; lhs: Condition; rhs: Condition };

/** A BOOL-valued comparison (or AND/OR of comparisons). Also usable as a value: it yields a BOOL. */
export class Condition extends Operand {
  private constructor(private readonly tree: ConditionTree) {
    super();
  }

  static compare(lhs: WfValue, op: ComparatorSymbol | Comparator, rhs: WfValue): Condition {
    return new Condition({ kind: 'compare', lhs, comparator: comparatorOf(op), rhs });
  }

  and(other: Condition): Condition {
    return new Condition({ kind: 'AND', lhs: this, rhs: other });
  }

  or(other: Condition): Condition {
    return new Condition({ kind: 'OR', lhs: this, rhs: other });
  }

  /** The opposite condition (De Morgan for AND/OR), as LittleHorse's SDKs compute it for doWhile. */
  negate(): Condition {
    const t = this.tree;
    if (t.kind === 'compare') return new Condition({ ...t, comparator: NEGATION[t.comparator] });
    return new Condition({ kind: t.kind === 'AND' ? 'OR' : 'AND', lhs: t.lhs.negate(), rhs: t.rhs.negate() });
  }

  override toAssignment(thread: ThreadRef): VariableAssignment {
    const t = this.tree;
    const operands = { lhs: assignmentOf(t.lhs, thread), rhs: assignmentOf(t.rhs, thread) };
    if (t.kind === 'compare') return { expression: { lhs: operands.lhs, comparator: t.comparator, rhs: operands.rhs } };
    return { expression: { lhs: operands.lhs, mutationType: t.kind, rhs: operands.rhs } };
  }
}
