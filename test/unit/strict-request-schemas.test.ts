// No mass assignment: every request body of both contracts names its fields and refuses any other
// (`additionalProperties: false`), down through nested objects and $refs. The few places that are free-form
// by definition (a variable's value, an event payload, a map keyed by the caller's names) are listed below
// with the reason; anything else that is open fails this test, so a new route or field can't slip by.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

type Schema = Record<string, any>;
type Doc = { paths: Record<string, Record<string, any>> } & Schema;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Where a body may stay open, and why. A location is `METHOD path body.field` or a component schema. */
const OPEN_BY_DESIGN: Record<string, string> = {
  // LittleHorse surface: maps keyed by the caller's names, values, and nested LittleHorse messages
  '#/components/schemas/PutWfSpecRequest.threadSpecs': 'map: ThreadSpec name -> ThreadSpec',
  '#/components/schemas/ThreadSpec': 'LittleHorse ThreadSpec, checked field by field by spec validation',
  '#/components/schemas/ThreadSpec.nodes': 'map: node name -> Node',
  '#/components/schemas/ThreadSpec.nodes.*': 'LittleHorse Node, checked field by field by spec validation',
  '#/components/schemas/ThreadSpec.variableDefs[]': 'LittleHorse ThreadVarDef, checked by spec validation',
  '#/components/schemas/ThreadSpec.interruptDefs[]': 'LittleHorse InterruptDef, checked by spec validation',
  '#/components/schemas/PutWfSpecRequest.retentionPolicy': 'LittleHorse WorkflowRetentionPolicy, checked by spec validation',
  '#/components/schemas/RunWfRequest.variables': 'map: variable name -> VariableValue',
  '#/components/schemas/ScheduleWfRequest.variables': 'map: variable name -> VariableValue',
  '#/components/schemas/PutTaskDefRequest.inputVars[]': 'LittleHorse VariableDef, checked by the metadata service',
  '#/components/schemas/VariableValue.wfRunId': 'LittleHorse WfRunId inside a value, shared with answers',
  '#/components/schemas/TaskRunId': 'LittleHorse TaskRunId, shared with answers',
  '#/components/schemas/WorkflowEventId': 'LittleHorse WorkflowEventId, shared with answers',
  '#/components/schemas/ReturnType': 'LittleHorse ReturnType, shared with answers; checked by the services',
  '#/components/schemas/TypeDefinition': 'LittleHorse TypeDefinition, shared with answers; checked by the services',
  '#/components/schemas/CorrelatedEventConfig': 'shared with answers; checked by the external event service',
  '#/components/schemas/WorkflowEventId.workflowEventDefId': 'LittleHorse WorkflowEventDefId, shared with answers',
  '#/components/schemas/UserTaskField': 'LittleHorse UserTaskField, shared with answers; checked by the service',
  '#/components/schemas/PutTenantRequest.outputTopicConfig': 'refused whole by the tenant service (400 naming it)',
  '#/components/schemas/PutPrincipalRequest.perTenantAcls': 'map: tenant id -> ServerACLs',
  '#/components/schemas/MigrateWfSpecRequest.migration.threadSpecMigrations': 'map: ThreadSpec name -> migration',
  '#/components/schemas/MigrateWfSpecRequest.migration.threadSpecMigrations.*.nodeMigrations': 'map: node name -> migration',
  'POST /externalEventDef body.retentionPolicy': 'LittleHorse ExternalEventRetentionPolicy, checked by the service',
  'POST /wfRun/{wfRunId}/externalEvent/{externalEventDefName} body.content': 'the event payload (a VariableValue)',
  'POST /correlatedEvent body.content': 'the event payload (a VariableValue)',
  'POST /wfRun/{wfRunId}/userTaskRun/{userTaskRunId}/complete body.results': 'map: field name -> VariableValue',
  'POST /wfRun/{wfRunId}/userTaskRun/{userTaskRunId}/save body.results': 'map: field name -> VariableValue',
  'POST /wfRun/{wfRunId}/workflowEvent/await body.eventDefIds[]': 'LittleHorse WorkflowEventDefId',
  // Cloudflare surface: the payload is whatever the caller sends
  '#/components/schemas/InstanceCreateBody.params': 'the instance payload, any JSON',
  'POST /accounts/{account_id}/workflows/{workflow_name}/instances/{instance_id}/events/{event_type} body':
    'the event payload, any JSON (Cloudflare: `body: unknown`)',
};

function loadDoc(file: string): Doc {
  return parseYaml(readFileSync(new URL(`../../openapi/${file}`, import.meta.url), 'utf8')) as Doc;
}

function lookUp(doc: Doc, ref: string): Schema {
  return ref.split('/').slice(1).reduce((node: any, key) => node?.[key], doc);
}

/** Every object schema reachable from `schema` that takes fields it doesn't name, by location. */
function openLocations(doc: Doc, schema: Schema | undefined, where: string, seen = new Set<string>()): string[] {
  if (!schema || typeof schema !== 'object') return [];
  if (schema.$ref) {
    if (seen.has(schema.$ref)) return [];
    return openLocations(doc, lookUp(doc, schema.$ref), schema.$ref, new Set([...seen, schema.$ref]));
  }
  const open: string[] = [];
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    for (const part of schema[key] ?? []) open.push(...openLocations(doc, part, where, seen));
  }
  if (schema.type === 'array') return [...open, ...openLocations(doc, schema.items, `${where}[]`, seen)];
  const combined = ['allOf', 'oneOf', 'anyOf'].some((k) => schema[k]);
  const scalar = schema.type !== undefined && schema.type !== 'object';
  if (scalar || (combined && schema.type === undefined && !schema.properties)) return open;
  if (schema.additionalProperties !== false) open.push(where);
  for (const [name, prop] of Object.entries<Schema>(schema.properties ?? {})) {
    open.push(...openLocations(doc, prop, `${where}.${name}`, seen));
  }
  if (typeof schema.additionalProperties === 'object') {
    open.push(...openLocations(doc, schema.additionalProperties, `${where}.*`, seen));
  }
  return open;
}

function requestBodies(doc: Doc): Array<{ route: string; schema: Schema }> {
  const bodies: Array<{ route: string; schema: Schema }> = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      let body = item[method]?.requestBody;
      if (body?.$ref) body = lookUp(doc, body.$ref);
      for (const media of Object.values<Schema>(body?.content ?? {})) {
        bodies.push({ route: `${method.toUpperCase()} ${path}`, schema: media.schema ?? {} });
      }
    }
  }
  return bodies;
}

describe.each(['littlehorse.yaml', 'cloudflare.yaml'])('request bodies of %s', (file) => {
  const doc = loadDoc(file);

  it('has request bodies to check', () => {
    expect(requestBodies(doc).length).toBeGreaterThan(file === 'littlehorse.yaml' ? 20 : 4);
  });

  it('refuse every field they do not name (additionalProperties: false), except where open by design', () => {
    const open = requestBodies(doc).flatMap(({ route, schema }) => openLocations(doc, schema, `${route} body`));
    const unexplained = [...new Set(open)].filter((where) => !(where in OPEN_BY_DESIGN));
    expect(unexplained).toEqual([]);
  });
});

describe('the open-by-design list', () => {
  it('names only places that exist and are open, so it shrinks as schemas tighten', () => {
    const open = new Set(
      ['littlehorse.yaml', 'cloudflare.yaml'].flatMap((file) => {
        const doc = loadDoc(file);
        return requestBodies(doc).flatMap(({ route, schema }) => openLocations(doc, schema, `${route} body`));
      }),
    );
    expect(Object.keys(OPEN_BY_DESIGN).filter((where) => !open.has(where))).toEqual([]);
  });
});

describe('the walk', () => {
  it('finds an open body, an open nested object and an open $ref, and passes a strict one', () => {
    const doc = {
      paths: { '/x': { post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/X' } } } } } } },
      components: {
        schemas: {
          X: { type: 'object', additionalProperties: false, properties: { a: { type: 'object', properties: { b: { type: 'string' } } }, c: { $ref: '#/components/schemas/C' } } },
          C: { type: 'object', properties: { d: { type: 'integer' } } },
        },
      },
    } as unknown as Doc;
    const open = requestBodies(doc).flatMap(({ route, schema }) => openLocations(doc, schema, `${route} body`));
    expect(open).toEqual(['#/components/schemas/X.a', '#/components/schemas/C']);
  });
});
