// Per-tenant request quotas, counted in Redis so that they hold across every server replica.
// A tenant over its quota gets 429 with `Retry-After`; the Cloudflare surface answers in its envelope.
import type { Request, RequestHandler, Response } from 'express';
import { rateLimit, type ClientRateLimitInfo, type Options } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { failure } from './cloudflare/envelope.ts';

/** Cloudflare's code for "please wait and consider throttling your request speed". */
const CLOUDFLARE_RATE_LIMITED = 971;
const CLOUDFLARE_ACCOUNT = /^(?:\/client\/v4)?\/accounts\/([^/]+)\//;

export interface RateLimitOptions {
  /** Requests one tenant may make per window; 0 turns the quota off. */
  requestsPerWindow: number;
  windowMs: number;
  /** Prefix of the counters' Redis keys (from the keys module). */
  keyPrefix: string;
}

export function tenantRateLimit(redis: Redis, options: RateLimitOptions): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.requestsPerWindow,
    skip: () => options.requestsPerWindow === 0,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: rateLimitTenant,
    store: redisCounters(redis, options.keyPrefix),
    handler: (req, res, _next, limiter) => {
      answerTooManyRequests(req, res, `tenant '${rateLimitTenant(req)}' made more than ${limiter.limit} requests in ${limiter.windowMs / 1000} s; retry after the time in Retry-After`);
    },
  });
}

/** Counters in Redis under `prefix`, shared by every replica. */
export function redisCounters(redis: Redis, prefix: string): RedisStore {
  return new ReconnectingRedisStore({
    prefix,
    sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
  });
}

/** 429, in the Cloudflare envelope on that surface and as RESOURCE_EXHAUSTED on the LittleHorse one. */
export function answerTooManyRequests(req: Request, res: Response, message: string): void {
  if (CLOUDFLARE_ACCOUNT.test(req.path)) res.status(429).json(failure(CLOUDFLARE_RATE_LIMITED, message));
  else res.status(429).json({ code: 'RESOURCE_EXHAUSTED', message });
}

/**
 * RedisStore keeps the promise of its script's SHA; if Redis was down when it loaded, that promise stays
 * rejected and the quota would never count again. This store reloads the script after any failure, and
 * while Redis is unreachable it lets requests through uncounted: their routes answer 503 on their own.
 */
class ReconnectingRedisStore extends RedisStore {
  override async init(options: Options): Promise<void> {
    await super.init(options).catch(() => undefined); // loaded again on the first request
  }

  override async increment(key: string): Promise<ClientRateLimitInfo> {
    try {
      return await super.increment(key);
    } catch {
      const reload = this.loadIncrementScript();
      reload.catch(() => undefined); // a failed reload is retried on the next request
      this.incrementScriptSha = reload;
      return { totalHits: 1, resetTime: new Date(Date.now() + this.windowMs) };
    }
  }
}

/** The tenant a request counts against: the Cloudflare account in the path, else the `Tenant-Id` header. */
export function rateLimitTenant(req: Request): string {
  return CLOUDFLARE_ACCOUNT.exec(req.path)?.[1] ?? req.header('Tenant-Id') ?? 'default';
}
