// The API key a request presents, in any of the forms Colt accepts: `Authorization: Bearer <key>`,
// `Authorization: Basic` (password = key; for browsers on /docs and the queue board), and
// Cloudflare's `X-Auth-Key` (with `X-Auth-Email`) or `X-Auth-User-Service-Key`. Never the query string.
import type { Request } from 'express';

export type Presented = { key: string } | { malformed: true } | { none: true };

export function presentedKey(req: Request): Presented {
  const authorization = req.header('authorization');
  if (authorization !== undefined) return fromAuthorization(authorization);
  const cloudflare = req.header('x-auth-key') ?? req.header('x-auth-user-service-key');
  if (cloudflare !== undefined) return cloudflare.trim() === '' ? { malformed: true } : { key: cloudflare.trim() };
  return { none: true };
}

function fromAuthorization(value: string): Presented {
  const [scheme = '', credentials = '', ...rest] = value.trim().split(/\s+/);
  if (rest.length > 0 || credentials === '') return { malformed: true };
  if (/^bearer$/i.test(scheme)) return { key: credentials };
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 || colon === decoded.length - 1 ? { malformed: true } : { key: decoded.slice(colon + 1) };
  }
  return { malformed: true };
}
