// The server role: the REST API plus the engine loops, listening on host:port.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { buildServer, type ColtServer } from './colt.ts';

export interface RunningServer {
  colt: ColtServer;
  url: string;
  stop(): Promise<void>;
}

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

export async function startServer(redisUrl: string, config: Config, log: Logger): Promise<RunningServer> {
  const colt = buildServer(redisUrl, config, log);
  const http: Server = colt.app().listen(config.port, config.host);
  try {
    await once(http, 'listening');
  } catch (err) {
    await colt.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(`port ${config.port} is in use: stop what runs there or set PORT to another port`);
    }
    throw err;
  }
  colt.startLoops();
  return {
    colt,
    url: `http://localhost:${config.port}`,
    async stop() {
      const closed = new Promise((resolve) => http.close(resolve));
      http.closeIdleConnections();
      await closed;
      await colt.close();
    },
  };
}
