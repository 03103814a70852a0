// How the REST API fails, and its non-contract routes: the `{code, message}` error shape for bad
// bodies, unknown routes and unimplemented operations; no stack traces; health, contract, docs, queues.
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { littlehorseFixture } from '../support/specs.ts';
import { startTestServer } from '../support/server.ts';
import { expectError, tenantClients } from '../support/api-client.ts';

const server = startTestServer('api-errors');
afterAll(() => server.close());

const BODY_LIMIT = 64 * 1024; // startTestServer's bodyLimit

/** A client bound to a fresh tenant. */
const client = tenantClients(server.app, 'errors');

/** `METHOD /path` of the request a response answers. */
function label(res: request.Response): string {
  const { req } = res as unknown as { req: { method: string; path: string } };
  return `${req.method} ${req.path}`;
}

/** Nothing of the server's insides: no stack frames, no `SomethingError:` text. */
function expectNoInternals(res: request.Response): void {
  const text = res.text ?? '';
  expect(text, label(res)).not.toMatch(/\bat\s+\S+\s+\(?\S+:\d+:\d+\)?/);
  expect(text, label(res)).not.toMatch(/\bat\s+(file:\/\/|\/|node:)/);
  expect(text, label(res)).not.toContain('Error:');
  expect(text).not.toContain('node_modules');
}

describe('request bodies', () => {
  it('malformed JSON is 400 INVALID_ARGUMENT "not valid JSON", on every route with a body', async () => {
    const api = client();
    for (const path of ['/taskDef', '/wfSpec', '/wfRun', '/pollTask', '/reportTask']) {
      const res = await api.raw(path, 'application/json', '{"name": "greet",');
      expectError(res, 400, 'INVALID_ARGUMENT');
      expect(res.body.message).toMatch(/not valid JSON/);
      expectNoInternals(res);
    }
    expectError(await api.raw('/taskDef', 'application/json', 'null'), 400, 'INVALID_ARGUMENT');
    expectError(await api.raw('/taskDef', 'application/json', '"greet"'), 400, 'INVALID_ARGUMENT');
    expect((await api.get('/taskDef')).body.results).toEqual([]);
  });

  it('a body that is not JSON at all, or missing, is 400', async () => {
    const api = client();
    const text = await api.raw('/taskDef', 'text/plain', 'name=greet');
    expectError(text, 400, 'INVALID_ARGUMENT');
    expect(text.body.message).toMatch(/application\/json/);
    expectError(await api.raw('/taskDef', 'application/x-www-form-urlencoded', 'name=greet'), 400, 'INVALID_ARGUMENT');
    expectError(await api.post('/taskDef'), 400, 'INVALID_ARGUMENT');
    expectError(await api.post('/taskDef', [{ name: 'greet' }]), 400, 'INVALID_ARGUMENT', 'body');
  });

  it('a wrong field type is 400 naming the field', async () => {
    const api = client();
    const res = await api.post('/taskDef', { name: 5 });
    expectError(res, 400, 'INVALID_ARGUMENT', 'name');
    expect(res.body.details).toEqual([{ field: 'name', problem: expect.any(String) }]);
    expectError(await api.post('/taskDef', { name: 'greet', inputVars: 'name' }), 400, 'INVALID_ARGUMENT', 'inputVars');
    expectError(await api.post('/taskDef', { name: 'greet', inputVars: [{ name: 'n', type: 7 }] }), 400, 'INVALID_ARGUMENT', 'inputVars[0].type');
    expectError(await api.post('/wfSpec', { name: 'x', threadSpecs: [], entrypointThreadName: 'e' }), 400, 'INVALID_ARGUMENT', 'threadSpecs');
    expectError(await api.post('/wfRun', { wfSpecName: 'x', variables: 'input' }), 400, 'INVALID_ARGUMENT', 'variables');
    expectError(await api.post('/pollTask', { taskDefId: 'greet', clientId: 'w' }), 400, 'INVALID_ARGUMENT', 'taskDefId');
    expect((await api.get('/taskDef')).body.results).toEqual([]);
  });

  it('a body just under the limit is accepted', async () => {
    const api = client();
    const description = 'x'.repeat(BODY_LIMIT - 200);
    const res = await api.post('/taskDef', { name: 'wordy', inputVars: [], description });
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(res.body.description).toHaveLength(description.length);
  });

  it('a body over the limit is refused with RESOURCE_EXHAUSTED, and nothing is stored', async () => {
    const api = client();
    const res = await api.post('/taskDef', { name: 'huge', inputVars: [], description: 'x'.repeat(BODY_LIMIT + 10) });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body).toEqual({ code: 'RESOURCE_EXHAUSTED', message: expect.stringMatching(/too large/) });
    expectNoInternals(res);
    expect((await api.get('/taskDef/huge')).status).toBe(404);
    const run = await api.post('/wfRun', { wfSpecName: 'x', id: 'big', variables: { blob: 'x'.repeat(BODY_LIMIT + 10) } });
    expect(run.body.code).toBe('RESOURCE_EXHAUSTED');
  });

  it('a body over the limit is 413', async () => {
    const api = client();
    const res = await api.post('/taskDef', { name: 'huge', inputVars: [], description: 'x'.repeat(BODY_LIMIT + 10) });
    expectError(res, 413, 'RESOURCE_EXHAUSTED');
  });

  it('a JSON body in an unsupported charset or encoding is a client error, not 500', async () => {
    const api = client();
    const charset = await api.raw('/taskDef', 'application/json; charset=latin1', '{"name":"greet"}');
    expectError(charset, 400, 'INVALID_ARGUMENT');
    const encoding = await api.raw('/taskDef', 'application/json', '{"name":"greet"}').set('Content-Encoding', 'snappy');
    expectError(encoding, 400, 'INVALID_ARGUMENT');
    const badGzip = await api.raw('/taskDef', 'application/json', '{"name":"greet"}').set('Content-Encoding', 'gzip');
    expectError(badGzip, 400, 'INVALID_ARGUMENT');
  });
});

describe('routes', () => {
  it('an unknown route or method is 404 NOT_FOUND in the {code, message} shape', async () => {
    const api = client();
    for (const res of [
      await api.get('/nope'),
      await api.get('/taskDefs'),
      await api.post('/wfRun/x/explode', {}),
      await api.get('/docs/nope.js'),
      await request(server.app).put('/taskDef').send({ name: 'greet' }),
      await request(server.app).patch('/wfSpec/x').send({}),
      await api.delete('/wfRun'),
    ]) {
      expectError(res, 404, 'NOT_FOUND');
      expect(Object.keys(res.body).sort()).toEqual(['code', 'message']);
      expectNoInternals(res);
    }
  });

  it('an operation of the contract not implemented yet is 501 UNIMPLEMENTED naming it', async () => {
    // Every operation is served now: an app without the user task routes stands in for one that is not.
    const api = tenantClients(server.colt.app({ validateResponses: true, userTasks: undefined }), 'unimplemented')();
    const assign = await api.post('/wfRun/x/userTaskRun/u1/assign', { userId: 'obi' });
    expect(assign.status).toBe(501);
    expect(assign.body).toEqual({ code: 'UNIMPLEMENTED', message: expect.stringContaining('POST /wfRun/x/userTaskRun/u1/assign') });
    for (const res of [
      await api.get('/wfRun/x/userTaskRun/u1'),
      await api.post('/wfRun/x/userTaskRun/u1/assign', { userId: 'obi' }),
      await api.post('/wfRun/x/userTaskRun/u1/complete', { userId: 'obi', results: {} }),
    ]) {
      expect(res.status, label(res)).toBe(501);
      expect(res.body.code).toBe('UNIMPLEMENTED');
      expect(res.body.message).toContain(label(res));
      expectNoInternals(res);
    }
    // The request is still validated first.
    expectError(await api.post('/wfRun/x/userTaskRun/u1/assign', []), 400, 'INVALID_ARGUMENT');
  });

  it('the 501 UNIMPLEMENTED answer is part of the contract', async () => {
    const doc = (await request(server.app).get('/openapi.json')).body;
    expect(doc.components.schemas.Error.properties.code.enum).toContain('UNIMPLEMENTED');
    expect(Object.keys(doc.paths['/wfRun/{wfRunId}/userTaskRun/{userTaskRunId}/assign'].post.responses)).toContain('501');
  });

  it('an invalid Tenant-Id header is 400 naming it', async () => {
    const res = await request(server.app).get('/taskDef').set('Tenant-Id', 'bad_tenant');
    expectError(res, 400, 'INVALID_ARGUMENT', 'Tenant-Id');
    expectError(await request(server.app).post('/taskDef').set('Tenant-Id', '').send({ name: 'greet' }), 400, 'INVALID_ARGUMENT', 'Tenant-Id');
  });

  it('an unknown query parameter is 400 naming it', async () => {
    const api = client();
    expectError(await api.get('/taskDef?verbose=true'), 400, 'INVALID_ARGUMENT', 'verbose');
    expectError(await api.get('/wfRun/search?wfSpec=x'), 400, 'INVALID_ARGUMENT', 'wfSpec');
  });

  it('a malformed percent-encoding in the path is 400, not 500', async () => {
    const api = client();
    const res = await api.get('/wfRun/%E0%A4%A');
    expectError(res, 400, 'INVALID_ARGUMENT');
    expectNoInternals(res);
  });

  it('even an answer the contract does not declare never leaks a stack trace', async () => {
    const res = await client().post('/pollTask', { taskDefId: { name: 'nope' }, clientId: 'w' });
    expectNoInternals(res);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('no response contains a stack trace or `Error:`', async () => {
    const api = client();
    expect((await api.post('/taskDef', { name: 'greet', inputVars: [{ name: 'name', type: 'STR' }] })).status).toBe(200);
    expect((await api.post('/wfSpec', littlehorseFixture('example-basic-wfspec.json'))).status).toBe(200);
    expect((await api.post('/wfRun', { wfSpecName: 'example-basic', id: 'r1', variables: { 'input-name': 'Obi' } })).status).toBe(200);
    const responses = [
      await api.get('/taskDef/greet'),
      await api.get('/wfRun/r1'),
      await api.get('/nodeRun/r1/0/1'),
      await api.post('/taskDef', { name: 'greet', inputVars: [] }), // 409
      await api.post('/taskDef', { name: 'bad_name' }),
      await api.post('/wfSpec', littlehorseFixture('quickstart-wfspec.json')),
      await api.post('/wfSpec', littlehorseFixture('issue-parking-ticket-wfspec.json')),
      await api.post('/wfSpec', { name: 'x', threadSpecs: { t: { nodes: 'no' } }, entrypointThreadName: 't' }),
      await api.post('/wfRun', { wfSpecName: 'example-basic', id: 'r1' }), // 409
      await api.post('/wfRun', { wfSpecName: 'example-basic', variables: { 'input-name': 5 } }),
      await api.post('/wfRun', { wfSpecName: 'nope' }),
      await api.delete('/wfSpec/example-basic?majorVersion=0&revision=0'), // 412
      await api.get('/wfRun/search?bookmark=forged'),
      await api.get('/wfRun/search?limit=0'),
      await api.get('/nodeRun/r1/x/1'),
      await api.get(`/taskRun/r1/${'0'.repeat(32)}`),
      await api.post('/reportTask', { taskRunId: { wfRunId: 'r1', taskGuid: 'x' }, attemptNumber: 0, status: 'TASK_SUCCESS', output: { a: 1, b: 2 } }),
      await api.raw('/wfRun', 'application/json', '{'),
      await api.post('/wfRun', { wfSpecName: 'example-basic', variables: { 'input-name': 'x'.repeat(BODY_LIMIT) } }),
      await api.get('/nope'),
      await api.post('/wfRun/no-such-run/stop', {}),
    ];
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s >= 400).length).toBeGreaterThanOrEqual(responses.length - 3);
    for (const res of responses) {
      expectNoInternals(res);
      if (res.status >= 400) {
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(typeof res.body.code).toBe('string');
        expect(typeof res.body.message).toBe('string');
      }
    }
  });
});

describe('operational routes', () => {
  it('GET /healthz and /readyz are 200', async () => {
    const health = await request(server.app).get('/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    const ready = await request(server.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready' });
  });

  it('GET /openapi.json serves the contract, with the seed\'s paths', async () => {
    const res = await request(server.app).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const onDisk = parseYaml(readFileSync(new URL('../../openapi/littlehorse.yaml', import.meta.url), 'utf8'));
    expect(res.body).toEqual(onDisk);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.info.title).toBe('LittleHorse REST API');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/wfSpec', '/wfSpec/{name}', '/wfRun', '/wfRun/{wfRunId}', '/wfRun/{wfRunId}/stop', '/wfRun/{wfRunId}/resume',
        '/wfRun/search', '/taskDef', '/taskDef/{name}', '/externalEventDef', '/externalEventDef/{name}',
        '/wfRun/{wfRunId}/externalEvent/{externalEventDefName}', '/wfRun/{wfRunId}/userTaskRun/{userTaskRunId}',
        '/wfRun/{wfRunId}/userTaskRun/{userTaskRunId}/assign', '/wfRun/{wfRunId}/userTaskRun/{userTaskRunId}/complete',
        '/nodeRun/{wfRunId}/{threadRunNumber}/{position}', '/pollTask', '/reportTask', '/taskRun/{wfRunId}/{taskGuid}',
      ]),
    );
  });

  it('GET /docs serves Swagger UI from the server itself, pointed at /openapi.json', async () => {
    const redirect = await request(server.app).get('/docs');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/docs/');
    const page = await request(server.app).get('/docs/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<div id="swagger-ui">');
    expect(page.text).toMatch(/<script src="\.\/swagger-ui-bundle\.js"/);
    expect(page.text).not.toMatch(/(src|href)="(https?:)?\/\//); // no CDN
    const bundle = await request(server.app).get('/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
    expect(bundle.text.length).toBeGreaterThan(100_000);
    const css = await request(server.app).get('/docs/swagger-ui.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    const init = await request(server.app).get('/docs/swagger-initializer.js');
    expect(init.status).toBe(200);
    expect(init.text).toContain("url: '/openapi.json'");
    expect(init.text).not.toContain('petstore');
  });

  it('GET /admin/queues serves the queue board', async () => {
    const res = await request(server.app).get('/admin/queues');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toMatch(/<html/i);
  });

  it('sends security headers on every answer, and the pages it serves run under its script policy', async () => {
    for (const path of ['/healthz', '/docs/', '/admin/queues', '/wfSpec/nope']) {
      const res = await request(server.app).get(path);
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
      expect(res.headers['x-frame-options'], path).toBe('SAMEORIGIN');
      expect(res.headers['content-security-policy'], path).toContain("script-src 'self'");
      expect(res.headers['x-powered-by'], path).toBeUndefined();
      if (res.headers['content-type']?.startsWith('text/html')) {
        const inlineScripts = [...res.text.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].filter(([, attrs]) => !/application\/json/.test(attrs ?? ''));
        expect(inlineScripts, path).toEqual([]); // an inline script would be blocked by the policy
      }
    }
  });
});
