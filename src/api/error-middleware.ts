// Maps every error that reaches Express to `{code, message, details?}` with its HTTP status.
// Never a stack trace; anything unexpected is logged and answered as INTERNAL.
import type { ErrorRequestHandler } from 'express';
import type {} from 'pino-http';
import { ColtError, HTTP_STATUS_OF, type ErrorCode } from '../errors.ts';

interface ErrorBody { code: ErrorCode; message: string; details?: unknown }
interface ErrorResponse { status: number; body: ErrorBody }

const INTERNAL: ErrorResponse = { status: 500, body: { code: 'INTERNAL', message: 'internal error' } };

export const errorMiddleware: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const { status, body } = toErrorResponse(err);
  if (body.code === 'INTERNAL') req.log?.error({ err }, 'unexpected error');
  else if (body.code === 'UNAVAILABLE') req.log?.warn({ err }, 'dependency unavailable');
  try {
    res.status(status).json(body);
  } catch (writeErr) {
    // The answer itself was refused (e.g. by response validation): still answer, in the same shape.
    req.log?.error({ err: writeErr }, 'could not send the error response');
    if (!res.headersSent) res.status(INTERNAL.status).type('application/json').end(JSON.stringify(INTERNAL.body));
  }
};

export function toErrorResponse(err: unknown): ErrorResponse {
  if (err instanceof ColtError) {
    const body = { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) };
    return { status: HTTP_STATUS_OF[err.code], body };
  }
  const e = err as { status?: number; type?: string; expose?: boolean; errors?: Array<{ path?: string; message?: string }>; name?: string; message?: string };
  if (e?.type === 'entity.parse.failed') return invalid('request body is not valid JSON');
  if (e?.type === 'entity.too.large' || e?.status === 413) {
    return { status: 413, body: { code: 'RESOURCE_EXHAUSTED', message: 'request body is too large' } };
  }
  if (Array.isArray(e?.errors) && typeof e.status === 'number') return fromValidator(e.status, e.errors);
  if (e?.expose === true && typeof e.status === 'number' && e.status < 500) {
    return invalid(`request body: ${e.message ?? 'could not be read'}`); // body-parser: charset, encoding, bad gzip...
  }
  if (isRedisUnavailable(e)) return { status: 503, body: { code: 'UNAVAILABLE', message: 'storage is unavailable; try again' } };
  return INTERNAL;
}

function invalid(message: string, details?: unknown): ErrorResponse {
  return { status: 400, body: { code: 'INVALID_ARGUMENT', message, ...(details === undefined ? {} : { details }) } };
}

function fromValidator(status: number, errors: Array<{ path?: string; message?: string }>): ErrorResponse {
  if (status === 404) return { status: 404, body: { code: 'NOT_FOUND', message: 'no such route' } };
  if (status === 405) return { status: 404, body: { code: 'NOT_FOUND', message: 'method not allowed on this route' } };
  if (status === 415) return invalid('request body must be application/json');
  const fields = errors.map((x) => ({ field: fieldName(x.path), problem: x.message ?? 'is invalid' }));
  return invalid(fields.map((f) => `${f.field}: ${f.problem}`).join('; '), fields);
}

/** `/body/inputVars/0/name` -> `inputVars[0].name`; `/query/limit` -> `limit`. */
function fieldName(path: string | undefined): string {
  if (!path) return 'request';
  const parts = path.replace(/^\.?\/?(body|query|params|path|headers)\/?/, '').split(/[/.]/).filter(Boolean);
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '') || 'body';
}

function isRedisUnavailable(e: { name?: string; message?: string } | undefined): boolean {
  if (!e) return false;
  return (
    e.name === 'MaxRetriesPerRequestError' ||
    /enableOfflineQueue|Connection is closed|ECONNREFUSED|ECONNRESET|^LOADING|Stream isn't writeable/.test(e.message ?? '')
  );
}
