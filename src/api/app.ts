// createApp(deps): the Express app of Colt's REST API, built without listening so that tests
// drive it in-process. Routes are thin; the services do the work.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import express, { type Express, type RequestHandler } from 'express';
import { contractValidator } from './contract-validator.ts';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { parse as parseYaml } from 'yaml';
import { ColtError } from '../errors.ts';
import { newGuid } from '../ids.ts';
import type { MetadataService } from '../services/metadata-service.ts';
import type { TaskWorkerService } from '../services/task-worker-service.ts';
import type { WfRunService } from '../services/wf-run-service.ts';
import type { ExternalEventService } from '../services/external-event-service.ts';
import type { CloudflareServices } from '../services/cloudflare-services.ts';
import { cloudflareApi, CLOUDFLARE_OPENAPI_DOCUMENT } from './cloudflare/router.ts';
import type { Security } from '../auth/security.ts';
import { securityGate, securityRoutes } from './auth-app.ts';
import { requestWithoutCredentials } from './log-redaction.ts';
import { errorMiddleware } from './error-middleware.ts';
import { authFailureLimit, type AuthFailureLimitOptions } from './auth-rate-limit.ts';
import { tenantRateLimit, type RateLimitOptions } from './rate-limit.ts';
import type { QueueBoard } from './queue-board.ts';
import { metadataRoutes } from './routes/metadata-routes.ts';
import { userTaskRoutes, type UserTaskDeps } from './routes/user-task-routes.ts';
import { searchRoutes, type SearchDeps } from './routes/search-routes.ts';
import { taskWorkerGroupRoutes } from './routes/task-worker-group-routes.ts';
import { scheduleRoutes } from './routes/schedule-routes.ts';
import { metricsRoutes } from './routes/metrics-routes.ts';
import type { PrometheusEndpoint } from './prometheus.ts';
import type { MetricsService } from '../services/metrics-service.ts';
import type { ScheduleService } from '../services/schedule-service.ts';
import type { TaskWorkerGroupService } from '../services/task-worker-group-service.ts';
import { taskWorkerRoutes } from './routes/task-worker-routes.ts';
import { wfRunRoutes } from './routes/wf-run-routes.ts';
import { externalEventRoutes } from './routes/external-event-routes.ts';
import { workflowEventRoutes } from './routes/workflow-event-routes.ts';
import type { WorkflowEventService } from '../services/workflow-event-service.ts';

export interface AppDeps {
  /** Tenants, principals, API keys; without it every caller is let in. */
  security?: Security;
  metadata: MetadataService;
  wfRuns: WfRunService;
  tasks: TaskWorkerService;
  externalEvents: ExternalEventService;
  /** WorkflowEventDefs, WorkflowEvents and AwaitWorkflowEvent. */
  workflowEvents: WorkflowEventService;
  /** Search, list and metadata-search services. */
  search: SearchDeps;
  /** RegisterTaskWorker and GetTaskWorkerGroup. */
  workerGroups: TaskWorkerGroupService;
  /** ScheduleWf and ScheduledWfRuns. */
  schedules: ScheduleService;
  /** Metrics windows of WfSpecs and TaskDefs. */
  metricsWindows: MetricsService;
  /** GET /metrics for Prometheus (outside the API contract, like the health checks). */
  prometheus?: PrometheusEndpoint;
  /** UserTaskDefs and UserTaskRuns. */
  userTasks?: UserTaskDeps;
  redis: Redis;
  logger: Logger;
  board?: QueueBoard;
  bodyLimit?: string;
  /** Per-tenant request quota; none when unset. */
  rateLimit?: RateLimitOptions;
  /** Failed authentications allowed per client address (401s count; over it: 429). */
  authFailureLimit?: AuthFailureLimitOptions;
  /** Tests turn this on so that every response is checked against the contract. */
  validateResponses?: boolean;
  /** The Cloudflare-compatible surface (`/client/v4/...`, `/accounts/...`), with its own contract and envelope. */
  cloudflare?: CloudflareServices;
}

export const OPENAPI_DOCUMENT = parseYaml(
  readFileSync(new URL('../../openapi/littlehorse.yaml', import.meta.url), 'utf8'),
) as Record<string, unknown>;

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.use(helmet());
  app.use(pinoHttp({ logger: deps.logger, genReqId: (req) => (req.headers['x-request-id'] as string) || newGuid(), serializers: { req: requestWithoutCredentials } }));

  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    const ok = await deps.redis.ping().then(() => true, () => false);
    res.status(ok ? 200 : 503).json(ok ? { status: 'ready' } : { code: 'UNAVAILABLE', message: 'Redis is not reachable' });
  });
  if (deps.authFailureLimit) app.use(authFailureLimit(deps.redis, deps.authFailureLimit));
  // The gate before the quota: a caller without a valid key cannot spend a tenant's requests.
  if (deps.security) app.use(securityGate(deps.security, { littlehorse: OPENAPI_DOCUMENT, cloudflare: CLOUDFLARE_OPENAPI_DOCUMENT }));
  if (deps.prometheus) app.get('/metrics', deps.prometheus.handler); // behind the gate: it counts every tenant
  if (deps.rateLimit) app.use(tenantRateLimit(deps.redis, deps.rateLimit));
  app.get('/openapi.json', (_req, res) => void res.json(OPENAPI_DOCUMENT));
  app.use('/docs', docs());
  if (deps.board) {
    const board = deps.board;
    app.use('/admin/queues', (_req, _res, next) => void board.refresh().then(() => next(), next), board.router);
  }

  if (deps.cloudflare) app.use(cloudflareApi(deps.cloudflare, { bodyLimit: deps.bodyLimit, validateResponses: deps.validateResponses }));
  app.use(express.json({ limit: deps.bodyLimit ?? '1mb' }));
  app.use(contractValidator(OPENAPI_DOCUMENT, deps.validateResponses));
  if (deps.security) app.use(securityRoutes(deps.security));
  app.use(searchRoutes(deps.search)); // before the routes whose `/{name}` would take `/search`
  app.use(taskWorkerGroupRoutes(deps.workerGroups));
  app.use(scheduleRoutes(deps.schedules));
  app.use(metricsRoutes(deps.metricsWindows));
  if (deps.userTasks) app.use(userTaskRoutes(deps.userTasks));
  app.use(metadataRoutes(deps.metadata));
  app.use(wfRunRoutes(deps.wfRuns));
  app.use(taskWorkerRoutes(deps.tasks));
  app.use(externalEventRoutes(deps.externalEvents));
  app.use(workflowEventRoutes(deps.workflowEvents));
  app.use(notImplemented);
  app.use(errorMiddleware);
  return app;
}

/** Routes of the contract that this version of Colt does not serve yet. */
const notImplemented: RequestHandler = (req, _res, next) => {
  next(new ColtError('UNIMPLEMENTED', `${req.method} ${req.path} is part of the API but not implemented yet`));
};

/** Swagger UI from the swagger-ui-dist package (no CDN), pointed at /openapi.json. */
function docs(): express.Router {
  const router = express.Router();
  const assets = createRequire(import.meta.url).resolve('swagger-ui-dist/package.json').replace(/package\.json$/, '');
  router.get('/swagger-initializer.js', (_req, res) => {
    res.type('application/javascript').send(
      `window.onload = () => { window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' }); };`,
    );
  });
  router.use(express.static(assets, { index: 'index.html' }));
  return router;
}
