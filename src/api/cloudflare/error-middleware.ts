// Maps every error of the Cloudflare-compatible surface to Cloudflare's envelope with its HTTP status,
// never the LittleHorse `{code, message}` shape and never a stack trace. Client errors say
// `x-should-retry: false`, so that the official client does not send them again.
import type { ErrorRequestHandler } from 'express';
import type {} from 'pino-http';
import { ColtError, HTTP_STATUS_OF, type ErrorCode } from '../../errors.ts';
import { CF_CODE, CF_CODE_OF, CloudflareApiError } from '../../services/cloudflare-errors.ts';
import { toErrorResponse } from '../error-middleware.ts';
import { failure, type Envelope } from './envelope.ts';

interface CfErrorResponse { status: number; envelope: Envelope; code: ErrorCode }

const INTERNAL = failure(CF_CODE.INTERNAL, 'internal error');

export const cloudflareErrorMiddleware: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const { status, envelope, code } = toCloudflareError(err);
  if (code === 'INTERNAL') req.log?.error({ err }, 'unexpected error');
  else if (code === 'UNAVAILABLE') req.log?.warn({ err }, 'dependency unavailable');
  try {
    if (shouldNotRetry(status)) res.setHeader('x-should-retry', 'false');
    res.status(status).json(envelope);
  } catch (writeErr) {
    // The answer itself was refused (e.g. by response validation): still answer, in the same shape.
    req.log?.error({ err: writeErr }, 'could not send the error response');
    if (!res.headersSent) res.status(500).type('application/json').end(JSON.stringify(INTERNAL));
  }
};

export function toCloudflareError(err: unknown): CfErrorResponse {
  if (err instanceof ColtError) {
    const cfCode = err instanceof CloudflareApiError ? err.cfCode : CF_CODE_OF[err.code];
    return { status: statusOf(err.code), envelope: failure(cfCode, err.message), code: err.code };
  }
  // Body parser, request validator, Redis: the other surface's mapping, in this surface's envelope.
  const { status, body } = toErrorResponse(err);
  const cfCode = status === 404 ? CF_CODE.ROUTE_NOT_FOUND : status === 413 ? CF_CODE.BODY_TOO_LARGE : CF_CODE_OF[body.code];
  return { status, envelope: failure(cfCode, body.message), code: body.code };
}

/** Colt's statuses, except that a refused state change is 409 here, as Cloudflare answers it. */
function statusOf(code: ErrorCode): number {
  return code === 'FAILED_PRECONDITION' ? 409 : HTTP_STATUS_OF[code];
}

function shouldNotRetry(status: number): boolean {
  return (status >= 400 && status < 500 && status !== 408 && status !== 429) || status === 501;
}
