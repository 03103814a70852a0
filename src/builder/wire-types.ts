// The JSON the builder compiles to: LittleHorse's PutWfSpecRequest (proto3 JSON, camelCase), as
// Colt's POST /wfSpec takes it. Node bodies Colt does not run yet are typed here, not in the engine.
import type { Edge, Node, ThreadVarDef, VariableAssignment } from '../engine/types.ts';

export interface ThrowEventNode { eventDefId: { name: string }; content: VariableAssignment }

export interface ExternalEventNodeSpec {
  externalEventDefId: { name: string };
  timeoutSeconds?: VariableAssignment;
  correlationKey?: VariableAssignment;
  maskCorrelationKey: boolean;
}

export type WfSpecNode = Omit<Node, 'externalEvent'> & { externalEvent?: ExternalEventNodeSpec; throwEvent?: ThrowEventNode };

/** Exactly one node-type field of a Node: `{ task: {...} }`, `{ nop: {} }`... */
export type NodeBody = Omit<WfSpecNode, 'outgoingEdges' | 'failureHandlers'>;

export type ThreadSpecJson = {
  nodes: Record<string, WfSpecNode>;
  variableDefs: ThreadVarDef[];
  interruptDefs: unknown[];
};

export type AllowedUpdates = 'ALL_UPDATES' | 'MINOR_REVISION_UPDATES' | 'NO_UPDATES';

/** The body of `POST /wfSpec`. A type alias (not an interface) so that it fits `PutWfSpecRequest`. */
export type PutWfSpecJson = {
  name: string;
  threadSpecs: Record<string, ThreadSpecJson>;
  entrypointThreadName: string;
  allowedUpdates: AllowedUpdates;
  retentionPolicy?: { secondsAfterWfTermination: number };
};

export type { Edge };
