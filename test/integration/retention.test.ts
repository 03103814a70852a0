// WfSpec retention through the REST API: a finished WfRun of a WfSpec with
// retentionPolicy.secondsAfterWfTermination is deleted, with every index entry, by the durable timers.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.ts';
import { testRedisUrl } from '../support/redis.ts';
import { type ApiClient, expectOk, tenantClients } from '../support/api-client.ts';
import { entry, exit, threadSpec, varDef, wfSpec } from '../support/spec-builder.ts';

const server = startTestServer('retention');
const redis = new Redis(testRedisUrl());
afterAll(async () => {
  await redis.quit();
  await server.close();
});
const client = tenantClients(server.app, 'retention');

const RETENTION_SECONDS = 2;

async function put(api: ApiClient, path: string, body: object) {
  const res = await api.post(path, body);
  expectOk(res);
  return res.body;
}

/** Every sorted set of the server's keys that mentions `text` in a member. */
async function indexesMentioning(text: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${server.prefix}*`, 'COUNT', 500, 'TYPE', 'zset');
    cursor = next;
    for (const key of keys) if ((await redis.zrange(key, 0, -1)).some((m) => m.includes(text))) found.push(key);
  } while (cursor !== '0');
  return found;
}

describe('retentionPolicy.secondsAfterWfTermination', () => {
  it('deletes a finished WfRun and all its index entries; runs of WfSpecs without retention stay', async () => {
    const api = client();
    const vars = [varDef('customer', 'STR', { searchable: true })];
    await put(api, '/wfSpec', { ...wfSpec('short-lived', { entrypoint: threadSpec([entry(), exit()], vars) }), retentionPolicy: { secondsAfterWfTermination: RETENTION_SECONDS } });
    await put(api, '/wfSpec', wfSpec('kept', { entrypoint: threadSpec([entry(), exit()], vars) }));
    const gone = await put(api, '/wfRun', { wfSpecName: 'short-lived', id: 'ephemeral-run', variables: { customer: 'ann' } });
    await put(api, '/wfRun', { wfSpecName: 'kept', id: 'kept-run', variables: { customer: 'ann' } });
    expect(gone.status).toBe('COMPLETED');
    expect(await indexesMentioning('ephemeral-run')).not.toEqual([]);

    let status = 200;
    for (let i = 0; i < 200 && status === 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await api.get('/wfRun/ephemeral-run')).status;
    }
    expect(status).toBe(404);
    expect(await indexesMentioning('ephemeral-run')).toEqual([]);
    expect((await api.get('/wfRun/search?wfSpecName=short-lived')).body.results).toEqual([]);
    expect((await api.get('/variable/search?wfSpecName=short-lived&varName=customer&value=ann')).body.results).toEqual([]);
    expectOk(await api.get('/wfRun/kept-run'));
    expect((await api.get('/variable/search?wfSpecName=kept&varName=customer&value=ann')).body.results).toHaveLength(1);
  });

  it('ExternalEventDef retention drops events nobody claimed once secondsAfterPut have passed; claimed ones stay', async () => {
    const api = client();
    await put(api, '/externalEventDef', { name: 'ping', retentionPolicy: { secondsAfterPut: 1 } });
    await put(api, '/externalEventDef', { name: 'approval', retentionPolicy: { secondsAfterPut: 1 } });
    const waitNode = { name: 'wait', body: { externalEvent: { externalEventDefId: { name: 'approval' } } } };
    await put(api, '/wfSpec', wfSpec('waits', { entrypoint: threadSpec([entry(), waitNode, exit()]) }));
    await put(api, '/wfRun', { wfSpecName: 'waits', id: 'listener' });
    await put(api, '/wfRun/listener/externalEvent/ping', { content: { str: 'nobody listens' }, guid: 'lost' });
    await put(api, '/wfRun/listener/externalEvent/approval', { content: { str: 'ok' }, guid: 'taken' });
    expect((await api.get('/wfRun/listener')).body.status).toBe('COMPLETED');

    let status = 200;
    for (let i = 0; i < 200 && status === 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await api.get('/wfRun/listener/externalEvent/ping/lost')).status;
    }
    expect(status).toBe(404);
    expect((await api.get('/externalEvent/search?externalEventDefName=ping')).body.results).toEqual([]);
    expect(await indexesMentioning('"lost"')).toEqual([]);
    expect((await api.get('/wfRun/listener/externalEvent/approval/taken')).body.claimed).toBe(true);
    expect((await api.get('/wfRun/listener/externalEvent')).body.results.map((e: { id: { guid: string } }) => e.id.guid)).toEqual(['taken']);
  });
});
