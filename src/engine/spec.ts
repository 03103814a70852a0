// Lookups into a WfSpec that the reducer needs.
import { SUPPORTED_NODE_TYPES, type Node, type NodeType, type ThreadSpec, type ThreadVarDef, type WfSpec } from './types.ts';

export function threadSpecOf(spec: WfSpec, threadSpecName: string): ThreadSpec {
  const thread = spec.threadSpecs[threadSpecName];
  if (!thread) throw new Error(`WfSpec ${spec.id.name} has no thread spec '${threadSpecName}'`);
  return thread;
}

export function nodeOf(spec: WfSpec, threadSpecName: string, nodeName: string): Node {
  const node = threadSpecOf(spec, threadSpecName).nodes[nodeName];
  if (!node) throw new Error(`thread spec '${threadSpecName}' has no node '${nodeName}'`);
  return node;
}

export function entrypointNodeName(thread: ThreadSpec): string {
  const entry = Object.entries(thread.nodes).find(([, node]) => node.entrypoint);
  if (!entry) throw new Error('thread spec has no ENTRYPOINT node');
  return entry[0];
}

/** Variable names are unique across a WfSpec's threads, so a name finds its definition. */
export function variableDefOf(spec: WfSpec, name: string): ThreadVarDef | undefined {
  for (const thread of Object.values(spec.threadSpecs)) {
    const def = thread.variableDefs.find((d) => d.varDef.name === name);
    if (def) return def;
  }
  return undefined;
}

export function nodeTypeOf(node: Node): NodeType {
  const type = SUPPORTED_NODE_TYPES.find((t) => node[t] !== undefined);
  if (!type) throw new Error('node has no node type');
  return type;
}
