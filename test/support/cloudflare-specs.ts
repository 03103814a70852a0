// WfSpecs and task handlers that the Cloudflare-compatible API tests drive: a greeting with a real
// task, a task that always refuses, a wait for an `approval` event, and a long sleep.
import Cloudflare from 'cloudflare';
import request from 'supertest';
import { expect } from 'vitest';
import { TaskException, type TaskDefinition } from '../../workers/sdk/index.ts';
import type { TestServer } from './server.ts';
import { assign, entry, exit, literal, output, task, threadSpec, variable, varDef, wfSpec } from './spec-builder.ts';

export const CLOUDFLARE_TASKS: TaskDefinition[] = [
  {
    taskDef: { name: 'greet', inputVars: [{ name: 'name', typeDef: { primitiveType: 'STR' } }], returnType: { returnType: { primitiveType: 'STR' } } },
    handler: ({ name }) => `hello, ${String(name)}`,
  },
  {
    taskDef: { name: 'refuse', inputVars: [] },
    handler: () => {
      throw new TaskException('not-allowed', 'that is not allowed');
    },
  },
];

/** entry -> sleep (10 minutes, plus `extraSeconds` to make a new revision) -> exit; an optional STR input `who`. */
export function napSpec(name: string, extraSeconds = 0) {
  const nap = { name: 'nap', body: { sleep: { rawSeconds: literal({ int: 600 + extraSeconds }) } } };
  return wfSpec(name, { entrypoint: threadSpec([entry(), nap, exit()], [varDef('who', 'STR')]) });
}

const greeting = wfSpec('greeting', {
  entrypoint: threadSpec(
    [
      entry(),
      { ...task('greet', 'greet', [variable('name')]), edges: [{ sinkNodeName: 'exit', variableMutations: [assign('greeting', output('greet'))] }] },
      exit({ returnContent: variable('greeting') }),
    ],
    [varDef('name', 'STR', { required: true }), varDef('greeting', 'STR')],
  ),
});

const refusal = wfSpec('refusal', { entrypoint: threadSpec([entry(), task('refuse', 'refuse'), exit()]) });

const approve = wfSpec('approve', {
  entrypoint: threadSpec(
    [
      entry(),
      { name: 'wait', body: { externalEvent: { externalEventDefId: { name: 'approval' } } }, edges: [{ sinkNodeName: 'exit', variableMutations: [assign('answer', output('wait'))] }] },
      exit({ returnContent: variable('answer') }),
    ],
    [varDef('answer', 'STR')],
  ),
});

/** Deploys the specs through the LittleHorse API (their TaskDefs must exist: start the workers first). */
export async function deployCloudflareSpecs(app: TestServer['app'], account: string): Promise<void> {
  const post = (path: string, body: object) => request(app).post(path).set('Tenant-Id', account).send(body);
  expect((await post('/externalEventDef', { name: 'approval' })).status).toBe(200);
  for (const spec of [greeting, refusal, approve, napSpec('nap')]) {
    const res = await post('/wfSpec', spec);
    expect(res.status, res.text).toBe(200);
  }
}

/**
 * The official `cloudflare` client pointed at a listening Colt (`url` from serveOverHttp), with any
 * token; it records `METHOD path?query` (path after `/workflows`) of every request it sends, retries included.
 */
export function recordingCloudflareClient(url: string, sent: string[]): Cloudflare {
  return new Cloudflare({
    apiToken: 'any-token',
    baseURL: `${url}/client/v4`,
    fetch: (target: string | URL | Request, init?: RequestInit) => {
      const u = new URL(String(target));
      sent.push(`${init?.method ?? 'GET'} ${u.pathname.replace(/^.*\/workflows/, '')}${u.search}`);
      return fetch(target, init);
    },
  });
}

/** supertest calls to the Cloudflare surface of `app`, for one account, under `/client/v4` or bare `/accounts`. */
export function cloudflareRoutes(app: TestServer['app'], account: string, prefix = '/client/v4') {
  const url = (path: string) => `${prefix}/accounts/${account}/workflows${path}`;
  return {
    get: (path: string) => request(app).get(url(path)),
    /** POST with `body` as JSON (any JSON value); with no body at all when it is left out. */
    post: (path: string, body?: unknown) => {
      const req = request(app).post(url(path));
      return body === undefined ? req : req.type('json').send(JSON.stringify(body));
    },
    put: (path: string, body?: object) => request(app).put(url(path)).send(body),
    patch: (path: string, body: object) => request(app).patch(url(path)).send(body),
    delete: (path: string) => request(app).delete(url(path)),
  };
}

/** A Cloudflare success envelope's `result`, after checking the status and the envelope. */
export function cloudflareResult(res: request.Response): any {
  expect(res.status, res.text).toBe(200);
  expect(res.body).toMatchObject({ success: true, errors: [], messages: [] });
  return res.body.result;
}
