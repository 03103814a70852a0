// The node graph of one thread as it is recorded: nodes named `N-hint-TYPE` in creation order,
// each new node fed by an edge from the last one, carrying the pending condition and mutations.
import type { Edge, VariableAssignment, VariableMutation } from '../engine/types.ts';
import { WorkflowDefinitionError } from './definition-error.ts';
import type { NodeBody, WfSpecNode } from './wire-types.ts';

export const ENTRYPOINT_NODE = '0-entrypoint-ENTRYPOINT';

export class ThreadGraph {
  readonly nodes: Record<string, WfSpecNode> = { [ENTRYPOINT_NODE]: { outgoingEdges: [], failureHandlers: [], entrypoint: {} } };
  /** The node the next node is attached to. */
  lastNodeName = ENTRYPOINT_NODE;
  /** Set by doIf/doWhile: the condition of the edge into their body's first node. */
  private pendingCondition: VariableAssignment | undefined;
  /** Mutations made since the last node: they run on the edge that leaves it. */
  private pendingMutations: VariableMutation[] = [];

  constructor(private readonly threadName: string) {}

  /** Appends a node after the last one and returns its name, e.g. `3-greet-TASK`. */
  addNode(hint: string, body: NodeBody): string {
    const name = `${Object.keys(this.nodes).length}-${hint}-${typeSuffix(body)}`;
    this.addEdge(this.lastNodeName, this.takeEdgeTo(name));
    this.nodes[name] = { outgoingEdges: [], failureHandlers: [], ...body };
    this.lastNodeName = name;
    return name;
  }

  /** An edge to `sink` with the pending condition and mutations, which it consumes. */
  takeEdgeTo(sinkNodeName: string): Edge {
    const condition = this.pendingCondition;
    this.pendingCondition = undefined;
    return { sinkNodeName, ...(condition ? { condition } : {}), variableMutations: this.takeMutations() };
  }

  takeMutations(): VariableMutation[] {
    const mutations = this.pendingMutations;
    this.pendingMutations = [];
    return mutations;
  }

  setPendingCondition(condition: VariableAssignment): void {
    this.pendingCondition = condition;
  }

  addMutation(mutation: VariableMutation): void {
    this.pendingMutations.push(mutation);
  }

  /** EXIT nodes never gain edges: the thread ends there. Mutations that would ride one are an error. */
  addEdge(from: string, edge: Edge): void {
    const node = this.node(from);
    if (node.exit === undefined) node.outgoingEdges.push(edge);
    else this.checkNoMutationsAfterExit(from, edge.variableMutations);
  }

  /** Closes the thread with an EXIT node unless it already ended on one. */
  finish(): void {
    if (this.endsWithExit()) this.checkNoMutationsAfterExit(this.lastNodeName, this.takeMutations());
    else this.addNode('exit', { exit: {} });
  }

  private checkNoMutationsAfterExit(exitNode: string, mutations: VariableMutation[]): void {
    if (mutations.length === 0) return;
    const names = mutations.map((m) => m.lhsName).join(', ');
    throw new WorkflowDefinitionError(
      `thread '${this.threadName}': mutations of ${names} come after ${exitNode}, which ends the thread, so they would never run`,
    );
  }

  removeLastEdge(from: string): Edge {
    const edge = this.node(from).outgoingEdges.pop();
    if (!edge) throw new WorkflowDefinitionError(`thread '${this.threadName}': node ${from} has no edge to move`);
    return edge;
  }

  node(name: string): WfSpecNode {
    const node = this.nodes[name];
    if (!node) throw new WorkflowDefinitionError(`thread '${this.threadName}' has no node '${name}'`);
    return node;
  }

  endsWithExit(): boolean {
    return this.node(this.lastNodeName).exit !== undefined;
  }
}

/** `startMultipleThreads` -> `START_MULTIPLE_THREADS`. */
function typeSuffix(body: NodeBody): string {
  const [type] = Object.keys(body);
  if (type === undefined) throw new Error('a node needs a body');
  return type.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}
