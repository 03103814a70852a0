// RegisterTaskWorker and GetTaskWorkerGroup through the REST API: heartbeats from the HTTP protocol
// (register, poll) and from the TypeScript SDK's workers; workers silent for 90 s leave the group.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startTaskWorkers } from '../../workers/sdk/index.ts';
import { Keys } from '../../src/store/keys.ts';
import { startTestServer } from '../support/server.ts';
import { testRedisUrl } from '../support/redis.ts';
import { expectError, expectOk, tenantClients } from '../support/api-client.ts';

const server = startTestServer('task-worker-groups', { pollWaitMs: 50 });
const redis = new Redis(testRedisUrl());
afterAll(async () => {
  await redis.quit();
  await server.close();
});
let tenants = 0;
/** A client bound to a fresh tenant, and that tenant (tenantClients names its first one `<prefix>-1`). */
function client() {
  const prefix = `groups-${++tenants}`;
  return { tenant: `${prefix}-1`, api: tenantClients(server.app, prefix)() };
}

describe('task worker groups', () => {
  it('lists workers that registered, polled, or run in the SDK; drops those silent for 90 s', async () => {
    const { api, tenant } = client();
    expectOk(await api.post('/taskDef', { name: 'greet' }));
    const registered = await api.post('/registerTaskWorker', { taskWorkerId: 'http-worker', taskDefId: { name: 'greet' } });
    expectOk(registered);
    expect(registered.body).toEqual({ yourHosts: [{ host: expect.any(String), port: expect.any(Number) }], isClusterHealthy: true });
    expectOk(await api.post('/pollTask', { taskDefId: { name: 'greet' }, clientId: 'poller' }));
    const [sdk] = await startTaskWorkers(server.colt.engine, [{ taskDef: { name: 'greet' }, handler: () => 'hi' }], pino({ level: 'silent' }), { tenant, workerId: 'sdk-worker' });
    try {
      // A worker last heard from two minutes ago (by Redis's clock).
      const [seconds] = await redis.time();
      await redis.zadd(new Keys(server.prefix).taskWorkerGroup(tenant, 'greet'), Number(seconds) * 1000 - 120_000, 'gone-quiet');
      let group: Record<string, any> = {};
      for (let i = 0; i < 50; i++) {
        group = (await api.get('/taskDef/greet/taskWorkerGroup')).body;
        if (group.taskWorkers?.['sdk-worker']) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(group.id).toEqual({ name: 'greet' });
      expect(Object.keys(group.taskWorkers).sort()).toEqual(['http-worker', 'poller', 'sdk-worker']);
      expect(group.taskWorkers['poller']).toEqual({ taskWorkerId: 'poller', latestHeartbeat: expect.any(String), hosts: [] });
    } finally {
      await sdk!.close();
    }
  });

  it('an unknown TaskDef is 404; a request without its fields is 400 naming them', async () => {
    const { api } = client();
    expectError(await api.get('/taskDef/nope/taskWorkerGroup'), 404, 'NOT_FOUND');
    expectError(await api.post('/registerTaskWorker', { taskWorkerId: 'w', taskDefId: { name: 'nope' } }), 404, 'NOT_FOUND');
    expectError(await api.post('/registerTaskWorker', { taskDefId: { name: 'nope' } }), 400, 'INVALID_ARGUMENT', 'taskWorkerId');
    expectError(await api.post('/registerTaskWorker', { taskWorkerId: 'w' }), 400, 'INVALID_ARGUMENT', 'taskDefId');
    expectOk(await api.post('/taskDef', { name: 'quiet' }));
    expect((await api.get('/taskDef/quiet/taskWorkerGroup')).body.taskWorkers).toEqual({});
  });
});
