// Computed values: arithmetic and collection expressions (`wf.add(a, b)`), format strings
// (`wf.format('Hello, {0}', name)`) and sizes (`wf.sizeOf(list)`).
import type { VariableAssignment } from '../engine/types.ts';
import type { MutationType } from '../engine/operations.ts';
import { assignmentOf, Operand, type ThreadRef, type WfValue } from './operand.ts';

/** `lhs <operation> rhs` with mutation semantics (an INT meeting a DOUBLE becomes a DOUBLE). */
export class Expression extends Operand {
  constructor(private readonly lhs: WfValue, private readonly operation: MutationType, private readonly rhs: WfValue) {
    super();
  }

  override toAssignment(thread: ThreadRef): VariableAssignment {
    return { expression: { lhs: assignmentOf(this.lhs, thread), mutationType: this.operation, rhs: assignmentOf(this.rhs, thread) } };
  }
}

/** A STR from a template with `{0}`, `{1}`... placeholders. */
export class FormatString extends Operand {
  constructor(readonly format: string, private readonly args: readonly WfValue[]) {
    super();
  }

  override toAssignment(thread: ThreadRef): VariableAssignment {
    return { formatString: { format: { literalValue: { str: this.format } }, args: this.args.map((a) => assignmentOf(a, thread)) } };
  }
}

/** The INT length of a STR or JSON_ARR. */
export class SizeOf extends Operand {
  constructor(private readonly operand: WfValue) {
    super();
  }

  override toAssignment(thread: ThreadRef): VariableAssignment {
    return { sizeOf: { operand: assignmentOf(this.operand, thread) } };
  }
}
