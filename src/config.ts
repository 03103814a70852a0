// Colt's configuration, read once from the environment at process start.
export interface Config {
  /** Redis to use; unset means `npm start` runs a private redis-server. */
  redisUrl: string | undefined;
  host: string;
  port: number;
  /** Prefix of every Redis key (and of BullMQ's keys) Colt writes. */
  keyPrefix: string;
  /** Signs search bookmarks; set the same value on every server replica. */
  bookmarkSecret: string;
  logLevel: string;
  bodyLimit: string;
  /** Requests one tenant may make per minute, counted across replicas; 0 turns the quota off. */
  rateLimitPerMinute: number;
  /** Failed authentications one client address may cause per minute before it gets 429; 0 turns it off. */
  authFailuresPerMinute: number;
  /** How long POST /pollTask waits for a task before answering `{}`. */
  pollWaitMs: number;
  /** BullMQ lock of a task job while a worker runs it; a crashed worker's job is retried after it lapses. */
  taskLockMs: number;
  /** How often the outbox sweeper re-sends effects that a crashed process committed but did not send. */
  outboxSweepMs: number;
  /** How often a server looks for due timers (sleeps, timeouts, retries). */
  timerPollMs: number;
  /** Tasks a worker process runs at once (per TaskDef). */
  workerConcurrency: number;
  /** How long a stopping process may take to finish what it is doing. */
  shutdownGraceMs: number;
  /** Where `npm start` keeps its private Redis data. */
  dataDir: string;
  /** API keys required on every route but the health checks (COLT_AUTH=on|off); unset: on for `npm run server`, off for `npm start`. */
  authEnabled: boolean | undefined;
  /** The bootstrap admin's API key (COLT_ADMIN_API_KEY, at least 32 characters); other keys are issued through the API. */
  adminApiKey: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    redisUrl: env.REDIS_URL || undefined,
    host: env.HOST ?? '0.0.0.0',
    port: integer(env, 'PORT', 2023),
    keyPrefix: env.COLT_KEY_PREFIX ?? 'colt',
    bookmarkSecret: env.COLT_BOOKMARK_SECRET ?? 'colt-bookmarks',
    logLevel: env.LOG_LEVEL ?? 'info',
    bodyLimit: env.COLT_BODY_LIMIT ?? '1mb',
    authFailuresPerMinute: integer(env, 'COLT_AUTH_FAILURES_PER_MINUTE', 60),
    rateLimitPerMinute: integer(env, 'COLT_RATE_LIMIT_PER_MINUTE', 60_000),
    pollWaitMs: integer(env, 'COLT_POLL_WAIT_MS', 10_000),
    taskLockMs: integer(env, 'COLT_TASK_LOCK_MS', 30_000),
    outboxSweepMs: integer(env, 'COLT_OUTBOX_SWEEP_MS', 2_000),
    timerPollMs: integer(env, 'COLT_TIMER_POLL_MS', 250),
    workerConcurrency: integer(env, 'COLT_WORKER_CONCURRENCY', 10),
    shutdownGraceMs: integer(env, 'COLT_SHUTDOWN_GRACE_MS', 30_000),
    dataDir: env.COLT_DATA_DIR ?? '.colt',
    authEnabled: onOff(env, 'COLT_AUTH'),
    adminApiKey: adminApiKey(env),
  };
}

function onOff(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'on' || raw === 'off') return raw === 'on';
  throw new ConfigError(`${name} must be 'on' or 'off', got '${raw}'`);
}

function adminApiKey(env: NodeJS.ProcessEnv): string | undefined {
  const key = env.COLT_ADMIN_API_KEY;
  if (key === undefined || key === '') return undefined;
  if (key.length < 32 || /\s/.test(key)) throw new ConfigError('COLT_ADMIN_API_KEY must be at least 32 characters, without spaces (e.g. `openssl rand -hex 32`)');
  return key;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new ConfigError(`${name} must be a non-negative integer, got '${raw}'`);
  return n;
}
