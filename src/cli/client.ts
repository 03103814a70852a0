// The CLI's HTTP client for Colt's LittleHorse-style REST API. Every refusal becomes a CliError
// carrying the server's `{code, message}`, so the CLI can print it as one line.
import type { CliSettings } from './settings.ts';

/** An error the CLI prints as one line (no stack) before exiting non-zero. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(message: string, readonly status?: number, readonly code?: string) {
    super(message);
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
}

export class ColtClient {
  constructor(private readonly settings: CliSettings) {}

  get(path: string, query?: Query): Promise<unknown> {
    return this.request('GET', path, query === undefined ? {} : { query });
  }

  post(path: string, body?: unknown): Promise<unknown> {
    return this.request('POST', path, { body: body ?? {} });
  }

  delete(path: string, query?: Query): Promise<unknown> {
    return this.request('DELETE', path, query === undefined ? {} : { query });
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    const url = this.urlOf(path, options.query);
    const headers: Record<string, string> = { accept: 'application/json', 'tenant-id': this.settings.tenant };
    if (this.settings.apiKey) headers.authorization = `Bearer ${this.settings.apiKey}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`cannot reach Colt at ${this.settings.apiUrl}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) throw errorOf(method, url, res.status, text);
    return parseBody(text);
  }

  private urlOf(path: string, query: Query = {}): URL {
    const base = this.settings.apiUrl.endsWith('/') ? this.settings.apiUrl : `${this.settings.apiUrl}/`;
    const url = new URL(path.replace(/^\//, ''), base);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }
}

/** A path segment, escaped (ids and names may hold characters a URL cannot). */
export const seg = (value: string | number): string => encodeURIComponent(String(value));

function errorOf(method: string, url: URL, status: number, text: string): CliError {
  const body = parseBody(text) as { code?: unknown; message?: unknown } | undefined;
  const code = typeof body?.code === 'string' ? body.code : `HTTP_${status}`;
  const message = typeof body?.message === 'string' ? body.message : `${method} ${url.pathname} answered ${status}`;
  return new CliError(`${code} (${status}): ${message}`, status, code);
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
