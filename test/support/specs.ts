// Specs for tests: LittleHorse's own fixtures (read where they are) and small builders.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { normalizeWfSpec, type PutWfSpecRequest } from '../../src/engine/spec-validation.ts';
import type { TaskDef, WfSpec } from '../../src/engine/types.ts';

const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/littlehorse/', import.meta.url));

export function littlehorseFixture(file: string): PutWfSpecRequest {
  return JSON.parse(readFileSync(FIXTURES + file, 'utf8')) as PutWfSpecRequest;
}

export function taskDef(name: string, inputs: Array<[string, string]>, returnType?: string): TaskDef {
  return {
    id: { name },
    inputVars: inputs.map(([n, t]) => ({ name: n, typeDef: { primitiveType: t as never, masked: false } })),
    ...(returnType ? { returnType: { returnType: { primitiveType: returnType as never, masked: false } } } : {}),
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

export function compileSpec(req: PutWfSpecRequest, taskDefs: TaskDef[]): WfSpec {
  const defs = new Map(taskDefs.map((d) => [d.id.name, d]));
  return {
    id: { name: req.name, majorVersion: 0, revision: 0 },
    createdAt: '2026-01-01T00:00:00.000Z',
    status: 'ACTIVE',
    ...normalizeWfSpec(req, defs),
  };
}

/** A linear WfSpec: ENTRYPOINT -> one TASK per name (each fed the previous output) -> EXIT. */
export function chainSpecRequest(name: string, tasks: string[], input = 'input'): PutWfSpecRequest {
  const nodes: Record<string, unknown> = {};
  const names = ['0-entrypoint-ENTRYPOINT', ...tasks.map((t, i) => `${i + 1}-${t}-TASK`), `${tasks.length + 1}-exit-EXIT`];
  names.forEach((node, i) => {
    const next = names[i + 1];
    const edges = next ? [{ sinkNodeName: next, variableMutations: i > 0 ? [{ lhsName: input, operation: 'ASSIGN', rhsAssignment: { nodeOutput: { nodeName: node } } }] : [] }] : [];
    const body = i === 0 ? { entrypoint: {} } : next ? { task: { taskDefId: { name: tasks[i - 1] }, variables: [{ variableName: input }] } } : { exit: { returnContent: { variableName: input } } };
    nodes[node] = { outgoingEdges: edges, failureHandlers: [], ...body };
  });
  return {
    name,
    entrypointThreadName: 'entrypoint',
    threadSpecs: {
      entrypoint: {
        nodes,
        variableDefs: [{ varDef: { name: input, typeDef: { primitiveType: 'STR' } }, required: true, accessLevel: 'PUBLIC_VAR' }],
        interruptDefs: [],
      },
    },
  };
}
