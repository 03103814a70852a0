// `npm run server`: the API and engine loops against REDIS_URL; scale by running more of them.
import { pino } from 'pino';
import { loadConfig } from '../config.ts';
import { startServer } from './server-role.ts';
import { onShutdown } from './shutdown.ts';

const config = loadConfig();
const log = pino({ level: config.logLevel });
if (!config.redisUrl) {
  log.error('REDIS_URL is not set: `npm run server` needs a Redis (use `npm start` for a local all-in-one Colt)');
  process.exit(1);
}
try {
  const server = await startServer(config.redisUrl, config, log);
  log.info({ api: server.url, docs: `${server.url}/docs`, queues: `${server.url}/admin/queues` }, 'Colt server listening');
  onShutdown(log, config.shutdownGraceMs, () => server.stop());
} catch (err) {
  log.error((err as Error).message);
  process.exit(1);
}
