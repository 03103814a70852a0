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
  const authEnabled = config.authEnabled ?? true; // production: API keys unless COLT_AUTH=off
  if (authEnabled && !config.adminApiKey) log.warn('COLT_ADMIN_API_KEY is not set: only API keys issued earlier can call the API');
  if (!authEnabled) log.warn('COLT_AUTH=off: the API is open to anyone who can reach it');
  const server = await startServer(config.redisUrl, { ...config, authEnabled }, log);
  log.info({ api: server.url, docs: `${server.url}/docs`, queues: `${server.url}/admin/queues` }, 'Colt server listening');
  onShutdown(log, config.shutdownGraceMs, () => server.stop());
} catch (err) {
  log.error((err as Error).message);
  process.exit(1);
}
