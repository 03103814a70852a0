// Maps every error that reaches Express to `{code, message, details?}` with the code's HTTP status.
// Never a stack trace; anything unexpected is logged and answered as INTERNAL.
import type { ErrorRequestHandler } from 'express';
import { ColtError, HTTP_STATUS_OF, type ErrorCode } from '../errors.ts';
import type {} from 'pino-http';

interface ErrorBody { code: ErrorCode; message: string; details?: unknown }

export const errorMiddleware: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const body = toErrorBody(err);
  if (body.code === 'INTERNAL') req.log?.error({ err }, 'unexpected error');
  else if (body.code === 'UNAVAILABLE') req.log?.warn({ err }, 'dependency unavailable');
  res.status(HTTP_STATUS_OF[body.code]).json(body);
};

export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof ColtError) return { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) };
  const e = err as { status?: number; type?: string; errors?: Array<{ path?: string; message?: string }>; name?: string; message?: string };
  if (e?.type === 'entity.parse.failed') return { code: 'INVALID_ARGUMENT', message: 'request body is not valid JSON' };
  if (e?.type === 'entity.too.large' || e?.status === 413) return { code: 'RESOURCE_EXHAUSTED', message: 'request body is too large' };
  if (Array.isArray(e?.errors) && typeof e.status === 'number') return fromValidator(e.status, e.errors);
  if (isRedisUnavailable(e)) return { code: 'UNAVAILABLE', message: 'storage is unavailable; try again' };
  return { code: 'INTERNAL', message: 'internal error' };
}

function fromValidator(status: number, errors: Array<{ path?: string; message?: string }>): ErrorBody {
  if (status === 404) return { code: 'NOT_FOUND', message: 'no such route' };
  if (status === 405) return { code: 'NOT_FOUND', message: 'method not allowed on this route' };
  if (status === 415) return { code: 'INVALID_ARGUMENT', message: 'request body must be application/json' };
  const fields = errors.map((x) => ({ field: fieldName(x.path), problem: x.message ?? 'is invalid' }));
  const message = fields.map((f) => `${f.field}: ${f.problem}`).join('; ');
  return { code: 'INVALID_ARGUMENT', message, details: fields };
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
