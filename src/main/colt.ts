// Builds Colt's parts from a Config: Redis connections, stores, the commit path, services,
// the Express app. Entrypoints start what they need from it.
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { createApp } from '../api/app.ts';
import { QueueBoard } from '../api/queue-board.ts';
import { CommandApplier } from '../apply/apply-command.ts';
import { Definitions } from '../apply/definitions.ts';
import type { Config } from '../config.ts';
import { TaskQueues } from '../dispatch/task-queues.ts';
import { OutboxSweeper } from '../loops/outbox-sweeper.ts';
import { TimerLoop } from '../loops/timer-loop.ts';
import { RetentionExpirer } from '../apply/retention.ts';
import { RedisRunPruning } from '../store/redis/run-pruning.ts';
import { RedisTimerStore } from '../store/redis/timer-store.ts';
import { MetadataService } from '../services/metadata-service.ts';
import { TaskWorkerService } from '../services/task-worker-service.ts';
import { WfRunService } from '../services/wf-run-service.ts';
import { buildCloudflareServices } from '../services/cloudflare-services.ts';
import { Bookmarks } from '../store/bookmarks.ts';
import { Keys } from '../store/keys.ts';
import { RedisMetadataStore } from '../store/redis/metadata-store.ts';
import { RedisExternalEventStore } from '../store/redis/external-event-store.ts';
import { RedisCorrelatedEventStore } from '../store/redis/correlated-event-store.ts';
import { ExternalEventService } from '../services/external-event-service.ts';
import { RedisRunStore } from '../store/redis/run-store.ts';
import { RedisWorkflowEventStore } from '../store/redis/workflow-event-store.ts';
import { WorkflowEventService } from '../services/workflow-event-service.ts';
import { buildSearchServices } from '../services/search-services.ts';
import { TaskWorkerGroupService } from '../services/task-worker-group-service.ts';
import { ScheduleService } from '../services/schedule-service.ts';
import { ScheduleQueue } from '../dispatch/schedule-queue.ts';
import { MetricsService } from '../services/metrics-service.ts';
import { PrometheusEndpoint } from '../api/prometheus.ts';
import { RedisTaskWorkerGroupStore } from '../store/redis/task-worker-group-store.ts';
import { buildSecurity } from '../auth/security.ts';
import { buildUserTaskServices } from '../services/user-task-services.ts';

export type ColtConfig = Pick<Config, 'keyPrefix' | 'bookmarkSecret' | 'pollWaitMs' | 'taskLockMs' | 'outboxSweepMs' | 'timerPollMs' | 'bodyLimit' | 'rateLimitPerMinute'>
  & { authEnabled?: boolean | undefined; adminApiKey?: string | undefined; authFailuresPerMinute?: number | undefined };

/** The storage and commit path, shared by the server and by task worker processes. */
export function buildEngine(redisUrl: string, config: Pick<Config, 'keyPrefix'>, logger: Logger = pino()) {
  // Requests fail fast (503) while Redis is away; BullMQ's connection waits for it, as BullMQ requires.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const bull = new Redis(redisUrl, { maxRetriesPerRequest: null });
  for (const connection of [redis, bull]) {
    connection.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
  }
  const keys = new Keys(config.keyPrefix);
  const runs = new RedisRunStore(redis, keys);
  const timers = new RedisTimerStore(redis, keys);
  const metadataStore = new RedisMetadataStore(redis, keys);
  const externalEvents = new RedisExternalEventStore(redis, keys);
  const definitions = new Definitions(metadataStore);
  const taskQueues = new TaskQueues(bull, keys);
  const correlations = new RedisCorrelatedEventStore(redis, keys);
  const workflowEvents = new RedisWorkflowEventStore(redis, keys);
  const applier = new CommandApplier({ runs, definitions, taskQueues, correlations, log: logger, externalEventDefs: (tenant, names) => externalEvents.getDefs(tenant, names) });
  return {
    redis, bull, keys, runs, timers, metadataStore, externalEvents, correlations, definitions, taskQueues, applier, workflowEvents,
    async close() {
      await taskQueues.close();
      await workflowEvents.close();
      await runs.metrics.flush().catch(() => undefined);
      await Promise.all([redis.quit(), bull.quit()]);
    },
  };
}

export type Engine = ReturnType<typeof buildEngine>;

/** The API server's parts: services, app, and the outbox sweeper loop. */
export function buildServer(redisUrl: string, config: ColtConfig, logger: Logger = pino()) {
  const engine = buildEngine(redisUrl, config, logger);
  const userTasks = buildUserTaskServices(engine, config.bookmarkSecret);
  const metadata = new MetadataService(engine.metadataStore, engine.runs, engine.definitions, engine.externalEvents, engine.workflowEvents, undefined, userTasks.userTaskDefs);
  const workflowEvents = new WorkflowEventService(engine.workflowEvents, new Bookmarks(config.bookmarkSecret));
  const externalEvents = new ExternalEventService(engine.externalEvents, engine.correlations, engine.applier);
  const wfRuns = new WfRunService(engine.runs, engine.applier, metadata, engine.taskQueues);
  const tasks = new TaskWorkerService(engine.bull, engine.keys, engine.applier, metadata, config);
  const cloudflare = buildCloudflareServices({
    redis: engine.redis, bull: engine.bull, keys: engine.keys, runs: engine.runs, metadataStore: engine.metadataStore,
    metadata, wfRuns, externalEvents, bookmarks: new Bookmarks(`${config.bookmarkSecret}/cloudflare`),
  });
  const board = new QueueBoard(engine.bull, engine.keys);
  const sweeper = new OutboxSweeper(engine.runs, engine.applier, logger, config.outboxSweepMs);
  const timerLoop = new TimerLoop(engine.timers, engine.applier, logger, config.timerPollMs, new RetentionExpirer(engine.runs, new RedisRunPruning(engine.redis, engine.keys)));
  const search = buildSearchServices({ ...engine, externalEventService: externalEvents }, config.bookmarkSecret);
  const workerGroups = new TaskWorkerGroupService(new RedisTaskWorkerGroupStore(engine.redis, engine.keys), engine.metadataStore);
  const runMetrics = engine.runs.metrics;
  const metricsWindows = new MetricsService(runMetrics, metadata);
  const prometheus = new PrometheusEndpoint(runMetrics, engine.bull, engine.keys);
  const schedules = new ScheduleService(engine.redis, engine.keys, new ScheduleQueue(engine.bull, engine.keys), metadata, wfRuns, logger);
  const security = buildSecurity(engine, config);
  const appOptions = { metadata, wfRuns, tasks, externalEvents, workflowEvents, search, workerGroups, schedules, metricsWindows, prometheus, userTasks, cloudflare, security, redis: engine.redis, logger, board, bodyLimit: config.bodyLimit,
    rateLimit: { requestsPerWindow: config.rateLimitPerMinute, windowMs: 60_000, keyPrefix: engine.keys.rateLimit() },
    authFailureLimit: { failuresPerWindow: config.authFailuresPerMinute ?? 0, windowMs: 60_000, keyPrefix: engine.keys.authFailureLimit() } };
  return {
    engine, metadata, wfRuns, tasks, externalEvents, sweeper, timerLoop, security,
    /** The engine loops of the server role. */
    startLoops() {
      sweeper.start();
      timerLoop.start();
      schedules.start();
      cloudflare.terminations.start();
    },
    /** `userTasks: undefined` leaves the user task routes out (their operations then answer 501). */
    app: (extra: { validateResponses?: boolean; userTasks?: undefined } = {}) => createApp({ ...appOptions, ...extra }),
    async close() {
      await sweeper.stop();
      await timerLoop.stop();
      await schedules.close();
      await cloudflare.terminations.close();
      await prometheus.close();
      await tasks.close();
      await board.close();
      await engine.close();
    },
  };
}

export type ColtServer = ReturnType<typeof buildServer>;
