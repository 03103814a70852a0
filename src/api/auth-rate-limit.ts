// Failed authentications, counted per client address in Redis (so the count holds across replicas). A
// client that presents more bad credentials than allowed in a window is answered 429 with Retry-After,
// whatever it sends, until the window ends: keys can't be guessed at speed, and a flood of bad keys
// costs one counter per address. Behind a proxy, set Express's `trust proxy` so addresses are the clients'.
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { answerTooManyRequests, redisCounters } from './rate-limit.ts';

export interface AuthFailureLimitOptions {
  /** Failed authentications (401 answers) one client address may cause per window; 0 turns the limit off. */
  failuresPerWindow: number;
  windowMs: number;
  /** Prefix of the counters' Redis keys (from the keys module). */
  keyPrefix: string;
}

export function authFailureLimit(redis: Redis, options: AuthFailureLimitOptions): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.failuresPerWindow,
    skip: () => options.failuresPerWindow === 0,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401, // only failed authentications count
    standardHeaders: false, // the tenant quota's RateLimit headers are the ones callers plan by
    legacyHeaders: false,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
    store: redisCounters(redis, options.keyPrefix),
    handler: (req, res) => {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : Math.ceil(options.windowMs / 1000);
      res.setHeader('Retry-After', String(seconds));
      answerTooManyRequests(req, res, 'too many failed authentications from this address; retry after the time in Retry-After');
    },
  });
}
