// WorkflowEventDefs: PutWorkflowEventDef's reading of a def, PutWfSpec's reading of a THROW_EVENT
// node, and its check that the defs thrown exist.
import { checkName } from '../ids.ts';
import { fail, normalizeAssignment, typeDefAt } from './spec-validation.ts';
import type { ThreadSpec, ThrowEventNode, WorkflowEventDef } from './types.ts';
import { isPlainObject } from './values.ts';

export interface PutWorkflowEventDefRequest { name: string; contentType?: unknown }

export function normalizeWorkflowEventDef(req: PutWorkflowEventDefRequest, createdAt: string): WorkflowEventDef {
  const name = checkName('name', req.name);
  if (req.contentType === undefined) return { id: { name }, createdAt, contentType: {} };
  if (!isPlainObject(req.contentType)) fail('contentType', 'must be a ReturnType object ({returnType?: TypeDefinition})');
  const raw = req.contentType.returnType;
  return { id: { name }, createdAt, contentType: raw === undefined ? {} : { returnType: typeDefAt('contentType.returnType', raw) } };
}

/** `throwEvent: {eventDefId: {name}, content?}`. */
export function normalizeThrowEventNode(path: string, raw: Record<string, unknown>): ThrowEventNode {
  const id = raw.eventDefId;
  if (!isPlainObject(id) || typeof id.name !== 'string' || id.name === '') fail(`${path}.eventDefId.name`, 'is required');
  return { eventDefId: { name: id.name }, ...(raw.content === undefined ? {} : { content: normalizeAssignment(`${path}.content`, raw.content) }) };
}

/** The WorkflowEventDef names THROW_EVENT nodes throw. */
export function workflowEventDefNames(threadSpecs: Record<string, ThreadSpec>): string[] {
  const names = new Set<string>();
  for (const thread of Object.values(threadSpecs)) {
    for (const node of Object.values(thread.nodes)) if (node.throwEvent) names.add(node.throwEvent.eventDefId.name);
  }
  return [...names];
}

/** Every THROW_EVENT node must throw a WorkflowEventDef that exists; otherwise a 400 naming the node and field. */
export function checkWorkflowEventDefs(threadSpecs: Record<string, ThreadSpec>, existing: ReadonlySet<string>): void {
  for (const [threadName, thread] of Object.entries(threadSpecs)) {
    for (const [nodeName, node] of Object.entries(thread.nodes)) {
      const name = node.throwEvent?.eventDefId.name;
      if (name !== undefined && !existing.has(name)) {
        fail(`threadSpecs.${threadName}.nodes.${nodeName}.throwEvent.eventDefId`, `WorkflowEventDef '${name}' does not exist`);
      }
    }
  }
}
