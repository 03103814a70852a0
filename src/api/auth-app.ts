// How the security parts plug into the Express app: the gate in front of every route (built from
// both contracts' operations) and the routes and checks that run after the body is read.
import { Router, type RequestHandler } from 'express';
import { RouteTable, type Surface } from '../auth/route-table.ts';
import type { Security } from '../auth/security.ts';
import { authMiddleware, authorizeBodyNames } from './auth-middleware.ts';
import { authRoutes } from './auth-routes.ts';

/** Authentication and authorization of every request but the health checks (a pass-through when auth is off). */
export function securityGate(security: Security, contracts: Record<Surface, Record<string, unknown>>): RequestHandler {
  return authMiddleware({ ...security, routes: new RouteTable(contracts) });
}

/** After body parsing and validation: the TaskDef check of narrowed worker grants, then the security routes. */
export function securityRoutes(security: Security): Router {
  const r = Router();
  r.use(authorizeBodyNames(security));
  r.use(authRoutes(security));
  return r;
}
