// The JSON the builder compiles to: LittleHorse's PutWfSpecRequest (proto3 JSON, camelCase), as
// Colt's POST /wfSpec takes it.
import type { Edge, InterruptDef, Node, ThreadVarDef } from '../engine/types.ts';

export type WfSpecNode = Node;

/** Exactly one node-type field of a Node: `{ task: {...} }`, `{ nop: {} }`... */
export type NodeBody = Omit<WfSpecNode, 'outgoingEdges' | 'failureHandlers'>;

export type ThreadSpecJson = {
  nodes: Record<string, WfSpecNode>;
  variableDefs: ThreadVarDef[];
  interruptDefs: InterruptDef[];
};

export type AllowedUpdates = 'ALL_UPDATES' | 'MINOR_REVISION_UPDATES' | 'NO_UPDATES';

/** The body of `POST /wfSpec`. A type alias (not an interface) so that it fits `PutWfSpecRequest`. */
export type PutWfSpecJson = {
  name: string;
  threadSpecs: Record<string, ThreadSpecJson>;
  entrypointThreadName: string;
  allowedUpdates: AllowedUpdates;
  retentionPolicy?: { secondsAfterWfTermination: number };
  parentWfSpec?: { wfSpecName: string; wfSpecMajorVersion: number };
};

export type { Edge };
