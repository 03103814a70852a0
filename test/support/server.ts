// A Colt server for integration tests: real Redis (the suite's own), a key prefix per test file,
// the Express app with response validation on.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { pino } from 'pino';
import { buildServer, type ColtConfig, type ColtServer } from '../../src/main/colt.ts';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from './redis.ts';

export interface TestServer {
  colt: ColtServer;
  app: ReturnType<ColtServer['app']>;
  prefix: string;
  close(): Promise<void>;
}

/** Settings for test servers: short waits, a small body limit. */
export function testConfig(keyPrefix: string, overrides: Partial<ColtConfig> = {}): ColtConfig {
  return { keyPrefix, bookmarkSecret: 'test', pollWaitMs: 1_000, taskLockMs: 5_000, outboxSweepMs: 500, timerPollMs: 50, bodyLimit: '64kb', rateLimitPerMinute: 0, ...overrides };
}

/** A server with its engine loops (timers, outbox) running; the app validates responses. */
export function startTestServer(name: string, overrides: Partial<ColtConfig> = {}): TestServer {
  const prefix = uniquePrefix(name);
  const colt = buildServer(testRedisUrl(), testConfig(prefix, overrides), pino({ level: process.env.LOG_LEVEL ?? 'silent' }));
  colt.startLoops();
  return {
    colt,
    app: colt.app({ validateResponses: true }),
    prefix,
    async close() {
      await colt.close();
      const redis = new Redis(testRedisUrl());
      await deleteKeysWithPrefix(redis, prefix);
      await redis.quit();
    },
  };
}

/** A test server also served over real HTTP to the whole test file (which closes it): `url` is known once its tests run. */
export interface HttpTestServer extends Omit<TestServer, 'close'> {
  readonly url: string;
}

/** Starts a test server, listens on a loopback port before the file's tests, and closes both after them. */
export function startHttpTestServer(name: string, overrides: Partial<ColtConfig> = {}): HttpTestServer {
  const server = startTestServer(name, overrides);
  let http: HttpListener | undefined;
  beforeAll(async () => {
    http = await serveOverHttp(server.app);
  });
  afterAll(async () => {
    await http?.close();
    await server.close();
  });
  return {
    colt: server.colt,
    app: server.app,
    prefix: server.prefix,
    get url() {
      if (!http) throw new Error('the HTTP listener starts before the tests run');
      return http.url;
    },
  };
}

export interface HttpListener {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

/** Serves `app` over real HTTP on a loopback port the OS picks. */
export async function serveOverHttp(app: TestServer['app']): Promise<HttpListener> {
  const http = app.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve, reject) => http.close((err) => (err ? reject(err) : resolve()))),
  };
}
