// Walks LittleHorse's RPC list (seed 001) and checks that each RPC has a documented route in
// openapi/littlehorse.yaml (operationId = the RPC's name in lowerCamelCase, or the seed's own
// operationId), and that each documented route answers: no 501, no "no such route" 404.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { OPENAPI_DOCUMENT } from '../../src/api/app.ts';
import { startTestServer } from '../support/server.ts';
import { tenantClients } from '../support/api-client.ts';

const SEEDS = fileURLToPath(new URL('../../../shared/seeds/', import.meta.url));

/** Routes of the seed contract keep the seed's operationIds. */
const SEED_OPERATION_IDS: Record<string, string> = {
  SearchWfRun: 'searchWfRuns',
  PutExternalEvent: 'postExternalEvent',
  AssignUserTaskRun: 'assignUserTask',
  CompleteUserTaskRun: 'completeUserTask',
};

function rpcList(): string[] {
  const file = readdirSync(SEEDS).find((f) => f.startsWith('001_'));
  if (!file) throw new Error(`no 001_* seed in ${SEEDS}`);
  return [...readFileSync(SEEDS + file, 'utf8').matchAll(/^RPC (\w+)\s*$/gm)].map((m) => m[1]!);
}

interface Operation { path: string; method: string; operation: { operationId?: string; parameters?: Array<{ in: string; name: string; schema?: { type?: string } }> } }

function operations(): Operation[] {
  const paths = OPENAPI_DOCUMENT.paths as Record<string, Record<string, Operation['operation']>>;
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item).filter(([method]) => ['get', 'post', 'put', 'delete'].includes(method)).map(([method, operation]) => ({ path, method, operation })),
  );
}

const operationIdOf = (rpc: string) => SEED_OPERATION_IDS[rpc] ?? rpc[0]!.toLowerCase() + rpc.slice(1);

const rpcs = rpcList();
const documented = new Map(operations().flatMap((o) => (o.operation.operationId ? [[o.operation.operationId, o] as const] : [])));

describe('the RPC list of seed 001', () => {
  it('is read from the seed', () => {
    expect(rpcs.length).toBe(69); // the RPCs the seed names (out of the 106 of HEAD)
    expect(rpcs).toContain('SearchVariable');
  });

  it('has a documented route for every RPC', () => {
    const missing = rpcs.filter((rpc) => !documented.has(operationIdOf(rpc)));
    if (missing.length > 0) console.log(`RPCs without a route: ${missing.join(', ')}`);
    expect(missing).toEqual([]);
  });
});

describe('every documented route of those RPCs', () => {
  const server = startTestServer('rpc-coverage', { pollWaitMs: 50 });
  afterAll(() => server.close());
  const api = tenantClients(server.app, 'coverage')();

  it.each(rpcs.map((rpc) => [rpc]))('%s answers (not 404 "no such route", not 501)', async (rpc) => {
    const op = documented.get(operationIdOf(rpc))!;
    const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const param = op.operation.parameters?.find((p) => p.in === 'path' && p.name === name);
      return param?.schema?.type === 'integer' ? '0' : 'x';
    });
    const res = op.method === 'get' ? await api.get(path) : op.method === 'delete' ? await api.delete(path) : await api.post(path, {});
    expect(res.status, `${op.method.toUpperCase()} ${path}: ${res.text}`).not.toBe(501);
    expect(res.status === 404 && res.body.message === 'no such route', `${op.method.toUpperCase()} ${path} is not routed`).toBe(false);
    expect(res.status, `${op.method.toUpperCase()} ${path}: ${res.text}`).toBeLessThan(500);
  });
});
