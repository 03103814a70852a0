// The ACL matrix: every operation of both contracts (read from the OpenAPI documents, so a new route
// is in the matrix the moment it exists), called as each kind of caller, gets exactly the outcome its
// permission allows: 401 without a valid key, 403 without the grant, anything else with it.
import type { Server } from 'node:http';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_DOCUMENT } from '../../src/api/app.ts';
import { authMiddleware } from '../../src/api/auth-middleware.ts';
import { CLOUDFLARE_OPENAPI_DOCUMENT } from '../../src/api/cloudflare/router.ts';
import { GLOBAL_ONLY_RESOURCES, type ServerAcl } from '../../src/auth/acls.ts';
import { permissionOf, type OperationPermission } from '../../src/auth/operation-permissions.ts';
import { RouteTable, type Route } from '../../src/auth/route-table.ts';
import { chainSpecRequest } from '../support/specs.ts';
import { startTestServer, serveOverHttp, type HttpListener } from '../support/server.ts';
import { ADMIN_API_KEY, asAdmin, bearer, principalWithKey, putTenant } from '../support/principals.ts';

const server = startTestServer('auth-matrix', { authEnabled: true, adminApiKey: ADMIN_API_KEY, pollWaitMs: 300 });
const app = server.app;
const table = new RouteTable({ littlehorse: OPENAPI_DOCUMENT, cloudflare: CLOUDFLARE_OPENAPI_DOCUMENT });

type Kind = 'none' | 'wrong tenant' | 'read-only' | 'run-only' | 'metadata writer' | 'worker for another TaskDef' | 'admin';
const ALL: ServerAcl['resources'] = ['ACL_ALL_RESOURCES'];
const GRANTS: Record<Exclude<Kind, 'none' | 'admin'>, Record<string, ServerAcl[]>> = {
  'wrong tenant': { other: [{ resources: ALL, allowedActions: ['ALL_ACTIONS'] }] },
  'read-only': { default: [{ resources: ALL, allowedActions: ['READ'] }] },
  'run-only': { default: [{ resources: ALL, allowedActions: ['RUN'] }] },
  'metadata writer': { default: [{ resources: ALL, allowedActions: ['WRITE_METADATA'] }] },
  'worker for another TaskDef': { default: [{ resources: ['ACL_TASK'], allowedActions: ['RUN', 'READ'], name: 'served-task' }] },
};
const headers: Partial<Record<Kind, Record<string, string>>> = { none: {}, admin: asAdmin };

let http: HttpListener;
let base: string;

beforeAll(async () => {
  await putTenant(app, 'other');
  for (const [kind, perTenant] of Object.entries(GRANTS)) {
    headers[kind as Kind] = bearer(await principalWithKey(app, kind.replaceAll(' ', '-'), { perTenant }));
  }
  http = await serveOverHttp(app);
  base = http.url;
});

afterAll(async () => {
  await http.close();
  await server.close();
});

/** What the caller may do, from the operation's permission; written out here, not taken from the middleware. */
function expectedRefusal(kind: Kind, permission: OperationPermission | undefined): 401 | 403 | undefined {
  if (kind === 'none') return 401;
  if (!permission) return 403;
  if (permission.kind === 'authenticated' || kind === 'admin') return undefined;
  if (GLOBAL_ONLY_RESOURCES.has(permission.resource) || kind === 'wrong tenant' || kind === 'worker for another TaskDef') return 403;
  const action = { 'read-only': 'READ', 'run-only': 'RUN', 'metadata writer': 'WRITE_METADATA' }[kind];
  return permission.action === action ? undefined : 403;
}

/** Bodies that get past validation where the permission depends on the body. */
const BODIES: Record<string, unknown> = {
  pollTask: { taskDefId: { name: 'some-task' }, clientId: 'matrix' },
  registerTaskWorker: { taskDefId: { name: 'some-task' }, taskWorkerId: 'matrix' },
  reportTask: { taskRunId: { wfRunId: 'some-run', taskGuid: 'some-guid' }, attemptNumber: 0, status: 'TASK_SUCCESS' },
};

function urlOf(route: Route): string {
  const path = route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => (name === 'account_id' ? 'default' : '1'));
  return base + (route.surface === 'cloudflare' ? `/client/v4${path}` : path);
}

async function call(route: Route, kind: Kind): Promise<number> {
  const withBody = !['GET', 'HEAD', 'DELETE'].includes(route.method);
  const res = await fetch(urlOf(route), {
    method: route.method,
    headers: { ...headers[kind], ...(withBody ? { 'content-type': 'application/json' } : {}) },
    ...(withBody ? { body: JSON.stringify(BODIES[route.operationId] ?? {}) } : {}),
  });
  await res.arrayBuffer();
  return res.status;
}

async function inBatches<T>(items: T[], size: number, each: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(each));
}

const KINDS: Kind[] = ['none', 'wrong tenant', 'read-only', 'run-only', 'metadata writer', 'worker for another TaskDef', 'admin'];

describe('ACL matrix over every operation of both contracts', () => {
  it('has a permission for every operation (a route the rules cannot read fails here)', () => {
    const unmapped = table.routes.filter((r) => r.permission === undefined).map((r) => `${r.method} ${r.path} (${r.operationId})`);
    expect(unmapped).toEqual([]);
    expect(table.routes.length).toBeGreaterThan(60);
  });

  it('reads the operations as LittleHorse assigns them', () => {
    const acl = (op: string) => {
      const p = permissionOf(op);
      return p?.kind === 'acl' ? `${p.resource} ${p.action}` : p?.kind;
    };
    expect(acl('runWf')).toBe('ACL_WORKFLOW RUN');
    expect(acl('deleteWfRun')).toBe('ACL_WORKFLOW RUN');
    expect(acl('putWfSpec')).toBe('ACL_WORKFLOW WRITE_METADATA');
    expect(acl('searchWfRuns')).toBe('ACL_WORKFLOW READ');
    expect(acl('pollTask')).toBe('ACL_TASK RUN');
    expect(acl('getTaskRun')).toBe('ACL_TASK READ');
    expect(acl('putTaskDef')).toBe('ACL_TASK WRITE_METADATA');
    expect(acl('postExternalEvent')).toBe('ACL_EXTERNAL_EVENT RUN');
    expect(acl('putExternalEventDef')).toBe('ACL_EXTERNAL_EVENT WRITE_METADATA');
    expect(acl('getUserTaskRun')).toBe('ACL_USER_TASK READ');
    expect(acl('completeUserTask')).toBe('ACL_USER_TASK RUN');
    expect(acl('assignUserTask')).toBe('ACL_USER_TASK WRITE_METADATA');
    expect(acl('putPrincipal')).toBe('ACL_PRINCIPAL WRITE_METADATA');
    expect(acl('searchTenant')).toBe('ACL_TENANT READ');
    expect(acl('updateWorkflow')).toBe('ACL_WORKFLOW WRITE_METADATA');
    expect(acl('createInstance')).toBe('ACL_WORKFLOW RUN');
    expect(acl('whoami')).toBe('authenticated');
    expect(acl('frobnicateWfRun')).toBeUndefined();
    expect(acl('getSomethingNew')).toBeUndefined();
  });

  it('gives every operation, called as each kind of caller, exactly the allowed outcome', { timeout: 180_000 }, async () => {
    const cases = table.routes.flatMap((route) => KINDS.map((kind) => ({ route, kind })));
    const wrong: string[] = [];
    await inBatches(cases, 8, async ({ route, kind }) => {
      const status = await call(route, kind);
      const refusal = expectedRefusal(kind, route.permission);
      const ok = refusal === undefined ? status !== 401 && status !== 403 : status === refusal;
      if (!ok) wrong.push(`${route.method} ${route.path} (${route.operationId}) as ${kind}: got ${status}, expected ${refusal ?? 'allowed'}`);
    });
    expect(wrong.sort()).toEqual([]);
  });

  it('answers the Cloudflare surface the same without the /client/v4 base path, in its envelope', async () => {
    const res = await request(app).get('/accounts/default/workflows').set(headers['read-only'] as Record<string, string>);
    expect(res.status).toBe(200);
    const refused = await request(app).put('/accounts/default/workflows/wf').set(headers['read-only'] as Record<string, string>).send({});
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ success: false, errors: [{ code: 9109, message: expect.any(String) }], messages: [], result: null });
    const none = await request(app).get('/accounts/default/workflows');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ success: false, errors: [{ code: 10000, message: 'Authentication error' }], messages: [], result: null });
  });

  it('refuses an operation without a permission to every caller, admins included', async () => {
    const doc = { paths: { '/frob': { post: { operationId: 'frobnicateThing' } } } };
    const gate = express();
    gate.use(authMiddleware({ ...server.colt.security, enabled: true, routes: new RouteTable({ littlehorse: doc, cloudflare: { paths: {} } }) }));
    gate.post('/frob', (_req, res) => void res.json({ frobbed: true }));
    const res = await request(gate).post('/frob').set(asAdmin);
    expect(res.status).toBe(403);
    expect(res.body.message).toContain('frobnicateThing has no permission');
  });
});

describe('task workers held to the TaskDefs they serve', () => {
  const worker = () => headers['worker for another TaskDef'] as Record<string, string>;

  it('lets a worker poll and report its own TaskDef and nothing else', async () => {
    for (const name of ['served-task', 'foreign-task']) {
      await request(app).post('/taskDef').set(asAdmin).send({ name, inputVars: [{ name: 'input', typeDef: { primitiveType: 'STR' } }] }).expect(200);
      await request(app).post('/wfSpec').set(asAdmin).send(chainSpecRequest(`${name}-spec`, [name])).expect(200);
      await request(app).post('/wfRun').set(asAdmin).send({ wfSpecName: `${name}-spec`, id: `${name}-run`, variables: { input: 'x' } }).expect(200);
    }
    expect((await request(app).get('/taskDef/served-task').set(worker())).status).toBe(200);
    expect((await request(app).get('/taskDef/foreign-task').set(worker())).status).toBe(403);
    expect((await request(app).post('/pollTask').set(worker()).send({ taskDefId: { name: 'foreign-task' }, clientId: 'w1' })).status).toBe(403);
    expect((await request(app).post('/registerTaskWorker').set(worker()).send({ taskDefId: { name: 'foreign-task' }, taskWorkerId: 'w1' })).status).toBe(403);
    expect((await request(app).post('/registerTaskWorker').set(worker()).send({ taskDefId: { name: 'served-task' }, taskWorkerId: 'w1' })).status).toBe(200);

    const polled = await request(app).post('/pollTask').set(worker()).send({ taskDefId: { name: 'served-task' }, clientId: 'w1' });
    expect(polled.status).toBe(200);
    const task = polled.body.result;
    expect(task.taskDefId).toEqual({ name: 'served-task' });
    const report = { taskRunId: task.taskRunId, attemptNumber: task.attemptNumber, status: 'TASK_SUCCESS', output: { str: 'done' } };
    expect((await request(app).post('/reportTask').set(worker()).send(report)).status).toBe(200);

    // Another worker's task: the admin polls it, the narrow worker may not report it.
    const foreign = (await request(app).post('/pollTask').set(asAdmin).send({ taskDefId: { name: 'foreign-task' }, clientId: 'admin' })).body.result;
    const stolen = { taskRunId: foreign.taskRunId, attemptNumber: foreign.attemptNumber, status: 'TASK_SUCCESS', output: { str: 'stolen' } };
    expect((await request(app).post('/reportTask').set(worker()).send(stolen)).status).toBe(403);
    const run = await request(app).get('/wfRun/foreign-task-run').set(asAdmin);
    expect(run.body.status).toBe('RUNNING');
  });
});
