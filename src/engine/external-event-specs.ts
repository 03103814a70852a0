// ExternalEvent definitions: PutExternalEventDef's reading of a def, PutWfSpec's reading of an
// EXTERNAL_EVENT node and its check that the defs exist, and the type check of posted content.
import { checkName } from '../ids.ts';
import { fail, integerAt, normalizeAssignment, typeDefAt } from './spec-validation.ts';
import type { ExternalEventDef, ExternalEventNode, ThreadSpec, VariableValue } from './types.ts';
import { isPlainObject, typeOfValue, ValueError } from './values.ts';

export interface PutExternalEventDefRequest {
  name: string;
  retentionPolicy?: unknown;
  /** PutExternalEventDefRequest's name for the content type... */
  contentType?: unknown;
  /** ...and the stored ExternalEventDef's, accepted too so that a def read back can be put again. */
  typeInformation?: unknown;
  correlatedEventConfig?: unknown;
}

/** A PutExternalEventDef request -> the def to store, or an INVALID_ARGUMENT naming the field. */
export function normalizeExternalEventDef(req: PutExternalEventDefRequest, createdAt: string): ExternalEventDef {
  const def: ExternalEventDef = { id: { name: checkName('name', req.name) }, createdAt, retentionPolicy: retentionOf(req.retentionPolicy) };
  const typeInformation = contentTypeOf(req);
  if (typeInformation) def.typeInformation = typeInformation;
  if (req.correlatedEventConfig !== undefined) def.correlatedEventConfig = correlationOf(req.correlatedEventConfig);
  return def;
}

function retentionOf(raw: unknown): ExternalEventDef['retentionPolicy'] {
  if (raw === undefined) return {};
  if (!isPlainObject(raw)) fail('retentionPolicy', 'must be an object');
  if (raw.secondsAfterPut === undefined) return {};
  const seconds = integerAt('retentionPolicy.secondsAfterPut', raw.secondsAfterPut);
  if (seconds < 0) fail('retentionPolicy.secondsAfterPut', 'must not be negative');
  return { secondsAfterPut: seconds };
}

function contentTypeOf(req: PutExternalEventDefRequest): ExternalEventDef['typeInformation'] {
  const given = (['contentType', 'typeInformation'] as const).filter((f) => req[f] !== undefined);
  if (given.length === 2) fail('contentType', 'give contentType or typeInformation, not both');
  const field = given[0];
  if (field === undefined) return undefined;
  const raw = req[field];
  if (!isPlainObject(raw)) fail(field, 'must be a ReturnType object ({returnType?: TypeDefinition})');
  if (raw.returnType === undefined) return {};
  return { returnType: typeDefAt(`${field}.returnType`, raw.returnType) };
}

function correlationOf(raw: unknown): NonNullable<ExternalEventDef['correlatedEventConfig']> {
  if (!isPlainObject(raw)) fail('correlatedEventConfig', 'must be an object');
  const config: NonNullable<ExternalEventDef['correlatedEventConfig']> = {
    deleteAfterFirstCorrelation: raw.deleteAfterFirstCorrelation === true,
  };
  if (raw.ttlSeconds !== undefined) {
    config.ttlSeconds = integerAt('correlatedEventConfig.ttlSeconds', raw.ttlSeconds);
    if (config.ttlSeconds < 0) fail('correlatedEventConfig.ttlSeconds', 'must not be negative');
  }
  return config;
}

/** PutWfSpec's reading of `externalEvent: {externalEventDefId, timeoutSeconds?, correlationKey?, maskCorrelationKey}`. */
export function normalizeExternalEventNode(path: string, raw: Record<string, unknown>): ExternalEventNode {
  const id = raw.externalEventDefId;
  if (!isPlainObject(id) || typeof id.name !== 'string' || id.name === '') fail(`${path}.externalEventDefId.name`, 'is required');
  const node: ExternalEventNode = { externalEventDefId: { name: id.name }, maskCorrelationKey: raw.maskCorrelationKey === true };
  if (raw.timeoutSeconds !== undefined) {
    node.timeoutSeconds = normalizeAssignment(`${path}.timeoutSeconds`, raw.timeoutSeconds);
    const literal = node.timeoutSeconds.literalValue;
    if (literal && node.timeoutSeconds.targetType === undefined && typeOfValue(literal) !== 'INT') {
      fail(`${path}.timeoutSeconds`, `must be an INT, not a ${typeOfValue(literal) ?? 'NULL'}`);
    }
  }
  if (raw.correlationKey !== undefined) node.correlationKey = normalizeAssignment(`${path}.correlationKey`, raw.correlationKey);
  return node;
}

/** The ExternalEventDef names EXTERNAL_EVENT nodes wait on and interrupts are triggered by. */
export function externalEventDefNames(threadSpecs: Record<string, ThreadSpec>): string[] {
  const names = new Set<string>();
  for (const thread of Object.values(threadSpecs)) {
    for (const node of Object.values(thread.nodes)) if (node.externalEvent) names.add(node.externalEvent.externalEventDefId.name);
    for (const d of thread.interruptDefs) names.add(d.externalEventDefId.name);
  }
  return [...names];
}

/** Every EXTERNAL_EVENT node and interrupt must name an ExternalEventDef that exists; otherwise a 400 naming the node and field. */
export function checkExternalEventDefs(threadSpecs: Record<string, ThreadSpec>, existing: ReadonlySet<string>): void {
  for (const [threadName, thread] of Object.entries(threadSpecs)) {
    for (const [nodeName, node] of Object.entries(thread.nodes)) {
      const name = node.externalEvent?.externalEventDefId.name;
      if (name !== undefined && !existing.has(name)) {
        fail(`threadSpecs.${threadName}.nodes.${nodeName}.externalEvent.externalEventDefId`, `ExternalEventDef '${name}' does not exist`);
      }
    }
    thread.interruptDefs.forEach(({ externalEventDefId: { name } }, i) => {
      if (!existing.has(name)) fail(`threadSpecs.${threadName}.interruptDefs[${i}].externalEventDefId`, `ExternalEventDef '${name}' does not exist`);
    });
  }
}

/**
 * Posted content checked against the def's type: anything goes when the def has none; NULL is a
 * value of every type; an INT is taken as a DOUBLE; a def typed without a returnType takes no content.
 */
export function typedContent(def: ExternalEventDef, content: VariableValue): VariableValue {
  if (!def.typeInformation) return content;
  const actual = typeOfValue(content);
  if (actual === null) return content;
  const wanted = def.typeInformation.returnType?.primitiveType;
  if (wanted === undefined) throw new ValueError(`ExternalEventDef '${def.id.name}' takes no content, got a ${actual}`);
  if (actual === wanted) return content;
  if (actual === 'INT' && wanted === 'DOUBLE') return { double: content.int as number };
  throw new ValueError(`ExternalEventDef '${def.id.name}' takes ${wanted} content, got a ${actual}`);
}
