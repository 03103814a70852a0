// Request logging without credentials: the headers that carry API keys are logged as [redacted].
import type { IncomingHttpHeaders } from 'node:http';

const CREDENTIAL_HEADERS = ['authorization', 'x-auth-key', 'x-auth-user-service-key', 'cookie'];

/** pino-http's `req` serializer, minus credentials. */
export function requestWithoutCredentials<T extends { headers?: IncomingHttpHeaders }>(req: T): T {
  if (!req.headers) return req;
  const headers = { ...req.headers };
  for (const name of CREDENTIAL_HEADERS) if (headers[name] !== undefined) headers[name] = '[redacted]';
  return { ...req, headers };
}
