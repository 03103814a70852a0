// PutWfSpec's reading of a ThreadSpec's interruptDefs and its checks on them: the handler thread
// spec exists, and no EXTERNAL_EVENT node of the WfSpec waits on a def that interrupts.
import { arrayAt, fail } from './spec-validation.ts';
import type { InterruptDef, ThreadSpec } from './types.ts';
import { isPlainObject } from './values.ts';

export function normalizeInterruptDefs(path: string, raw: unknown): InterruptDef[] {
  return arrayAt(path, raw).map((d, i) => {
    const at = `${path}[${i}]`;
    if (!isPlainObject(d)) fail(at, 'must be an object');
    const id = d.externalEventDefId;
    if (!isPlainObject(id) || typeof id.name !== 'string' || id.name === '') fail(`${at}.externalEventDefId.name`, 'is required');
    if (typeof d.handlerSpecName !== 'string' || d.handlerSpecName === '') fail(`${at}.handlerSpecName`, 'is required');
    return { externalEventDefId: { name: id.name }, handlerSpecName: d.handlerSpecName };
  });
}

export function checkInterruptDefs(threadSpecs: Record<string, ThreadSpec>): void {
  const waitedOn = new Set<string>();
  for (const thread of Object.values(threadSpecs)) {
    for (const node of Object.values(thread.nodes)) if (node.externalEvent) waitedOn.add(node.externalEvent.externalEventDefId.name);
  }
  for (const [threadName, thread] of Object.entries(threadSpecs)) {
    thread.interruptDefs.forEach((d, i) => {
      const at = `threadSpecs.${threadName}.interruptDefs[${i}]`;
      if (!threadSpecs[d.handlerSpecName]) fail(`${at}.handlerSpecName`, `thread spec '${d.handlerSpecName}' does not exist`);
      if (waitedOn.has(d.externalEventDefId.name)) {
        fail(`${at}.externalEventDefId`, `ExternalEventDef '${d.externalEventDefId.name}' triggers an interrupt, so no EXTERNAL_EVENT node may wait on it`);
      }
    });
  }
}
