// Sending a compiled WfSpec to a Colt server: `POST {baseUrl}/wfSpec`. Errors come back as the
// server's `{code, message, details?}`, thrown as a ColtApiError.
import type { WfSpec } from '../engine/types.ts';
import type { PutWfSpecJson } from './wire-types.ts';

export interface RegisterOptions {
  /** Sent as the `Tenant-Id` header; the server's default tenant if left out. */
  tenant?: string;
  /** Another fetch (a test double, a proxy-aware client); the global fetch by default. */
  fetch?: typeof fetch;
  /** Extra headers, e.g. authorization. */
  headers?: Record<string, string>;
}

/** A request the Colt server refused, with its stable error code (INVALID_ARGUMENT, ALREADY_EXISTS...). */
export class ColtApiError extends Error {
  override name = 'ColtApiError';
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

export async function putWfSpec(baseUrl: string, spec: PutWfSpecJson, options: RegisterOptions = {}): Promise<WfSpec> {
  const url = new URL('wfSpec', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
  if (options.tenant !== undefined) headers['tenant-id'] = options.tenant;
  const res = await (options.fetch ?? fetch)(url, { method: 'POST', headers, body: JSON.stringify(spec) });
  const body = await readJson(res);
  if (!res.ok) {
    const error = (body ?? {}) as { code?: unknown; message?: unknown; details?: unknown };
    const code = typeof error.code === 'string' ? error.code : `HTTP_${res.status}`;
    const message = typeof error.message === 'string' ? error.message : `POST ${url.pathname} answered ${res.status}`;
    throw new ColtApiError(res.status, code, `${code}: ${message}`, error.details);
  }
  return body as WfSpec;
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}
