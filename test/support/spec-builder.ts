// Compact WfSpec documents for semantics tests: nodes in order, each leading to the next unless it
// says otherwise, in LittleHorse's JSON shape.
import type { PutWfSpecRequest } from '../../src/engine/spec-validation.ts';

export interface NodeDef {
  name: string;
  /** The node-type field and its body, e.g. `{ nop: {} }`. */
  body: Record<string, unknown>;
  /** Outgoing edges; default: one plain edge to the next node of the list. */
  edges?: Array<Record<string, unknown>>;
}

export const entry = (): NodeDef => ({ name: 'entry', body: { entrypoint: {} } });
export const exit = (extra: Record<string, unknown> = {}): NodeDef => ({ name: 'exit', body: { exit: extra }, edges: [] });
export const nop = (name: string, edges?: NodeDef['edges']): NodeDef => ({ name, body: { nop: {} }, ...(edges ? { edges } : {}) });
export const task = (name: string, taskDef: string, args: object[] = [], extra: object = {}): NodeDef => ({
  name,
  body: { task: { taskDefId: { name: taskDef }, variables: args, ...extra } },
});

export const variable = (name: string) => ({ variableName: name });
export const literal = (value: object) => ({ literalValue: value });
export const output = (nodeName: string) => ({ nodeOutput: { nodeName } });
export const assign = (lhsName: string, rhsAssignment: object, operation = 'ASSIGN') => ({ lhsName, operation, rhsAssignment });

/** A ThreadVarDef; `defaultValue` goes into the VariableDef, the rest (required, searchable...) beside it. */
export function varDef(name: string, type: string, { defaultValue, ...extra }: Record<string, unknown> = {}) {
  return { varDef: { name, typeDef: { primitiveType: type }, ...(defaultValue ? { defaultValue } : {}) }, accessLevel: 'PRIVATE_VAR', ...extra };
}

export function threadSpec(nodes: NodeDef[], variableDefs: object[] = []) {
  const out: Record<string, unknown> = {};
  nodes.forEach((n, i) => {
    const next = nodes[i + 1];
    const edges = n.edges ?? (next ? [{ sinkNodeName: next.name }] : []);
    out[n.name] = { ...n.body, outgoingEdges: edges };
  });
  return { nodes: out, variableDefs, interruptDefs: [] };
}

export function wfSpec(name: string, threadSpecs: Record<string, object>): PutWfSpecRequest {
  return { name, entrypointThreadName: 'entrypoint', threadSpecs };
}
