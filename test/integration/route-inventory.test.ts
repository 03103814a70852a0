// No forgotten routes: every route Express serves (read from its router stack, not from a list) is an
// operation of one of the two contracts or one of the few documented extras below, and every one of
// them but the health checks answers 401 to a caller without a key.
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { OPENAPI_DOCUMENT } from '../../src/api/app.ts';
import { CLOUDFLARE_OPENAPI_DOCUMENT } from '../../src/api/cloudflare/router.ts';
import { startTestServer } from '../support/server.ts';
import { ADMIN_API_KEY } from '../support/principals.ts';

const server = startTestServer('route-inventory', { authEnabled: true, adminApiKey: ADMIN_API_KEY });
afterAll(() => server.close());

/** Routes outside the contracts, and why they exist. */
const EXTRAS: Record<string, string> = {
  'GET /healthz': 'liveness, open',
  'GET /readyz': 'readiness, open',
  'GET /metrics': 'Prometheus, behind the key check (global READ)',
  'GET /openapi.json': 'the LittleHorse contract, behind the key check',
  'GET /client/v4/openapi.json': 'the Cloudflare contract, behind the key check',
  'GET /swagger-initializer.js': 'the /docs page, behind the key check',
};
const OPEN = new Set(['GET /healthz', 'GET /readyz']);

interface Layer { route?: { path: string | string[]; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } }

/** Every `METHOD path` in the router stack, sub-routers included, with `:param` written `{param}`. */
function servedRoutes(stack: Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      return Object.keys(layer.route.methods).flatMap((m) => paths.map((p) => `${m.toUpperCase()} ${p.replace(/:(\w+)/g, '{$1}')}`));
    }
    return layer.handle?.stack ? servedRoutes(layer.handle.stack) : [];
  });
}

function contractOperations(doc: Record<string, any>, bases: string[]): Set<string> {
  const ops = new Set<string>();
  for (const [path, item] of Object.entries<Record<string, unknown>>(doc.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch']) {
      if (item[method]) for (const base of bases) ops.add(`${method.toUpperCase()} ${base}${path}`);
    }
  }
  return ops;
}

const routes = [...new Set(servedRoutes((server.app as unknown as { router: { stack: Layer[] } }).router.stack))];
const operations = new Set([...contractOperations(OPENAPI_DOCUMENT, ['']), ...contractOperations(CLOUDFLARE_OPENAPI_DOCUMENT, ['', '/client/v4'])]);

describe('the routes Express serves', () => {
  it('are read from the router stack', () => {
    expect(routes.length).toBeGreaterThan(80);
    expect(routes).toContain('POST /wfRun');
    expect(routes).toContain('PATCH /accounts/{account_id}/workflows/{workflow_name}/instances/{instance_id}/status');
  });

  it('are all operations of the contracts or documented extras', () => {
    expect(routes.filter((r) => !operations.has(r) && !(r in EXTRAS))).toEqual([]);
  });

  it('all answer 401 without a key, but the health checks', async () => {
    const answers = await Promise.all(
      routes.filter((r) => !OPEN.has(r)).map(async (route) => {
        const [method, path] = route.split(' ') as [string, string];
        const concrete = path.replace(/\{\w+\}/g, 'x');
        const res = await request(server.app)[method.toLowerCase() as 'get'](concrete);
        return { route, status: res.status };
      }),
    );
    expect(answers.filter((a) => a.status !== 401)).toEqual([]);
  });
});
