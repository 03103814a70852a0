// The metrics windows of WfSpecs and TaskDefs.
import { Router, type Request } from 'express';
import type { MetricsService } from '../../services/metrics-service.ts';
import type { WindowLength } from '../../store/redis/run-metrics.ts';
import { tenantOf } from '../tenant.ts';

export function metricsRoutes(metrics: MetricsService): Router {
  const r = Router();
  r.get('/wfSpec/:name/metrics', async (req, res) => {
    res.json(await metrics.getWfSpecMetricsWindow(tenantOf(req), req.params.name, { ...versionOf(req), ...windowOf(req) }));
  });
  r.get('/wfSpec/:name/metrics/list', async (req, res) => {
    res.json(await metrics.listWfSpecMetrics(tenantOf(req), req.params.name, { ...versionOf(req), ...listOf(req) }));
  });
  r.get('/taskDef/:name/metrics', async (req, res) => {
    res.json(await metrics.getTaskDefMetricsWindow(tenantOf(req), req.params.name, windowOf(req)));
  });
  r.get('/taskDef/:name/metrics/list', async (req, res) => {
    res.json(await metrics.listTaskDefMetrics(tenantOf(req), req.params.name, listOf(req)));
  });
  return r;
}

/** Query parameters, already checked against the contract. */
function optional<T>(req: Request, name: string, as: (v: unknown) => T): Record<string, T> {
  const v = (req.query as Record<string, unknown>)[name];
  return v === undefined ? {} : { [name]: as(v) };
}

const versionOf = (req: Request) => ({ ...optional(req, 'majorVersion', Number), ...optional(req, 'revision', Number) });
const lengthOf = (req: Request) => optional(req, 'windowLength', (v) => String(v) as WindowLength);
const windowOf = (req: Request) => ({ ...optional(req, 'windowStart', String), ...lengthOf(req) });
const listOf = (req: Request) => ({ ...optional(req, 'lastWindowStart', String), ...lengthOf(req), ...optional(req, 'numWindows', Number) });
