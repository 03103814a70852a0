// Every operation of Colt's two contracts (openapi/littlehorse.yaml, openapi/cloudflare.yaml) as a
// route: method, path template, operationId, and the permission it needs. Built from the documents
// themselves, so the table and the API cannot drift apart.
import { permissionOf, type OperationPermission } from './operation-permissions.ts';

export type Surface = 'littlehorse' | 'cloudflare';

export interface Route {
  surface: Surface;
  method: string;
  /** The contract's path template, e.g. `/wfRun/{wfRunId}`. */
  path: string;
  operationId: string;
  /** Undefined when the rules cannot read the operationId: such a route is refused to everyone. */
  permission: OperationPermission | undefined;
}

export interface MatchedRoute { route: Route; params: Record<string, string> }

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
/** The Cloudflare surface is also served under the official client's base path. */
const CLOUDFLARE_BASE = /^\/client\/v4(?=\/accounts\/)/;

interface CompiledRoute { route: Route; pattern: RegExp; names: string[]; staticSegments: number }

export class RouteTable {
  readonly routes: Route[];
  private readonly compiled: CompiledRoute[];

  constructor(documents: Record<Surface, Record<string, unknown>>) {
    this.routes = (Object.entries(documents) as Array<[Surface, Record<string, unknown>]>).flatMap(([surface, doc]) => routesOf(surface, doc));
    this.compiled = this.routes.map(compile);
  }

  match(method: string, rawPath: string): MatchedRoute | undefined {
    const path = rawPath.replace(CLOUDFLARE_BASE, '');
    let best: { c: CompiledRoute; values: string[] } | undefined;
    for (const c of this.compiled) {
      if (c.route.method !== method.toUpperCase()) continue;
      const m = c.pattern.exec(path);
      if (m && (!best || c.staticSegments > best.c.staticSegments)) best = { c, values: m.slice(1) };
    }
    if (!best) return undefined;
    const { c, values } = best;
    return { route: c.route, params: Object.fromEntries(c.names.map((n, i) => [n, safeDecode(values[i] ?? '')])) };
  }
}

function routesOf(surface: Surface, doc: Record<string, unknown>): Route[] {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, { operationId?: string }>>;
  return Object.entries(paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m] !== undefined).map((m) => {
      const operationId = item[m]?.operationId ?? `${m} ${path}`;
      return { surface, method: m.toUpperCase(), path, operationId, permission: permissionOf(operationId) };
    }),
  );
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const segments = route.path.split('/').filter(Boolean);
  const pattern = segments
    .map((s) => {
      const param = /^\{(.+)\}$/.exec(s);
      if (!param) return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1] as string);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^/${pattern}/?$`), names, staticSegments: segments.length - names.length };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
