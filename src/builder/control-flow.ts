// doIf / doElseIf / doElse and doWhile, compiled as LittleHorse's SDKs do: a NOP that branches on
// conditional edges, the branch bodies, and a NOP where they join (doWhile adds a back edge).
import { Condition } from './conditions.ts';
import { WorkflowDefinitionError } from './definition-error.ts';
import type { ThreadFunc, WorkflowThread } from './thread-builder.ts';
import type { ThreadGraph } from './thread-graph.ts';
import type { WfRunVariable } from './variables.ts';

/** A condition, or a BOOL variable (true when it is `true`). */
export type ConditionLike = Condition | WfRunVariable<'BOOL'>;

export function asCondition(condition: ConditionLike): Condition {
  return condition instanceof Condition ? condition : Condition.compare(condition, '==', true);
}

/** The result of `doIf`: chain `.doElseIf(...)` and `.doElse(...)` right after it. */
export class IfStatement {
  private hasElse = false;

  /** @internal */
  constructor(
    private readonly thread: WorkflowThread,
    private readonly graph: ThreadGraph,
    readonly branchNodeName: string,
    readonly joinNodeName: string,
  ) {}

  doElseIf(condition: ConditionLike, body: ThreadFunc): IfStatement {
    if (this.hasElse) throw new WorkflowDefinitionError('doElseIf() after doElse()');
    this.addBranch(asCondition(condition), body);
    return this;
  }

  doElse(body: ThreadFunc): void {
    if (this.hasElse) throw new WorkflowDefinitionError('doElse() can be called once per doIf()');
    this.hasElse = true;
    this.addBranch(undefined, body);
  }

  /**
   * Records `body` after the join NOP, then moves the edge into its first node onto the branch NOP
   * (with `condition`), ahead of the unconditional "else" edge, and leads its last node to the join.
   */
  private addBranch(condition: Condition | undefined, body: ThreadFunc): void {
    const { graph } = this;
    if (graph.lastNodeName !== this.joinNodeName) {
      throw new WorkflowDefinitionError('doElseIf()/doElse() must directly follow doIf() (or another doElseIf())');
    }
    const elseEdge = graph.removeLastEdge(this.branchNodeName);
    body(this.thread);
    const lastOfBody = graph.lastNodeName;
    const when = condition ? { condition: condition.toAssignment(this.thread) } : {};
    if (lastOfBody === this.joinNodeName) {
      graph.addEdge(this.branchNodeName, { sinkNodeName: this.joinNodeName, ...when, variableMutations: graph.takeMutations() });
    } else {
      const intoBody = graph.removeLastEdge(this.joinNodeName);
      graph.addEdge(this.branchNodeName, { sinkNodeName: intoBody.sinkNodeName, ...when, variableMutations: intoBody.variableMutations });
      graph.addEdge(lastOfBody, { sinkNodeName: this.joinNodeName, variableMutations: graph.takeMutations() });
    }
    if (condition) graph.addEdge(this.branchNodeName, elseEdge);
    graph.lastNodeName = this.joinNodeName;
  }
}

export function openIf(thread: WorkflowThread, graph: ThreadGraph, condition: Condition, body: ThreadFunc): IfStatement {
  const branch = graph.addNode('nop', { nop: {} });
  graph.setPendingCondition(condition.toAssignment(thread));
  body(thread);
  const join = graph.addNode('nop', { nop: {} });
  graph.addEdge(branch, { sinkNodeName: join, variableMutations: [] });
  return new IfStatement(thread, graph, branch, join);
}

/** Root NOP -(cond)-> body -> last NOP -(cond)-> root; root -(not cond)-> last NOP -> what follows. */
export function addWhile(thread: WorkflowThread, graph: ThreadGraph, condition: Condition, body: ThreadFunc): void {
  const root = graph.addNode('nop', { nop: {} });
  graph.setPendingCondition(condition.toAssignment(thread));
  body(thread);
  const last = graph.addNode('nop', { nop: {} });
  graph.addEdge(root, { sinkNodeName: last, condition: condition.negate().toAssignment(thread), variableMutations: [] });
  graph.addEdge(last, { sinkNodeName: root, condition: condition.toAssignment(thread), variableMutations: [] });
}
