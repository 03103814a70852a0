// DeleteWfRun through HTTP against real Redis: a RUNNING run is refused; a stopped one with a queued
// task job, armed timers, thrown WorkflowEvents, ExternalEvents, a wait on a correlation key, the
// Cloudflare API's record and index entries leaves no trace in Redis (key names, sorted-set members,
// hash fields, set and list elements; BullMQ's event log aside).
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { expectError, expectOk } from '../support/api-client.ts';
import { testRedisUrl } from '../support/redis.ts';
import { startTestServer } from '../support/server.ts';
import { entry, exit, literal, task, threadSpec, wfSpec } from '../support/spec-builder.ts';
import request from 'supertest';

const server = startTestServer('delete-wf-run');
const redis = new Redis(testRedisUrl());
const get = (path: string) => request(server.app).get(path);
const post = (path: string, body: object = {}) => request(server.app).post(path).send(body);

afterAll(async () => {
  await redis.quit();
  await server.close();
});

/** Where `needle` still shows under the server's prefix: key names and the elements of every key but streams. */
async function tracesOf(needle: string): Promise<string[]> {
  const found: string[] = [];
  for await (const keys of redis.scanStream({ match: `${server.prefix}*`, count: 500 }) as AsyncIterable<string[]>) {
    for (const key of keys) {
      if (key.includes(needle)) found.push(`key ${key}`);
      const type = await redis.type(key);
      const elements =
        type === 'zset' ? await redis.zrange(key, 0, -1)
        : type === 'hash' ? await redis.hkeys(key)
        : type === 'set' ? await redis.smembers(key)
        : type === 'list' ? await redis.lrange(key, 0, -1)
        : [];
      for (const e of elements) if (e.includes(needle)) found.push(`${type} ${key} holds ${e}`);
    }
  }
  return found;
}

describe('DeleteWfRun', () => {
  it('refuses a RUNNING run; a stopped one goes with every trace: data, queued job, timers, events, index entries', async () => {
    expectOk(await post('/taskDef', { name: 'unserved', inputVars: [] })); // no worker takes it: its job stays queued
    expectOk(await post('/externalEventDef', { name: 'approval', correlatedEventConfig: { deleteAfterFirstCorrelation: false } }));
    expectOk(await post('/externalEventDef', { name: 'note' }));
    expectOk(await post('/workflowEventDef', { name: 'began' }));
    const spec = wfSpec('doomed', {
      entrypoint: threadSpec([
        entry(),
        { name: 'began', body: { throwEvent: { eventDefId: { name: 'began' }, content: literal({ str: 'hello' }) } } },
        { name: 'spawn', body: { startThread: { threadSpecName: 'worker', variables: {} } } },
        { name: 'wait', body: { externalEvent: { externalEventDefId: { name: 'approval' }, correlationKey: literal({ str: 'order-7f3a' }), timeoutSeconds: literal({ int: 600 }) } } },
        exit(),
      ]),
      worker: threadSpec([entry(), task('job', 'unserved'), exit()]),
    });
    expectOk(await post('/wfSpec', spec));
    const id = 'wipe-me-7f3a';
    // Started through the Cloudflare API, which keeps a record of its own beside the run.
    const created = await post('/client/v4/accounts/default/workflows/doomed/instances', { instance_id: id });
    expect(created.status, created.text).toBe(200);
    expectOk(await post(`/wfRun/${id}/externalEvent/note`, { content: { str: 'kept, unclaimed' } }));

    expectError(await request(server.app).delete(`/wfRun/${id}`), 412, 'FAILED_PRECONDITION', id);
    expectOk(await post(`/wfRun/${id}/stop`));
    expect((await get(`/wfRun/${id}`)).body.status).not.toBe('RUNNING');

    const before = await tracesOf(id);
    expect(before.some((t) => t.startsWith('key') && t.includes(':run:'))).toBe(true);
    expect(before.some((t) => t.includes(':timers holds'))).toBe(true);
    expect(before.some((t) => t.includes(':correlation:approval:') && t.includes(`run:${id}`))).toBe(true);
    expect(before.some((t) => t.startsWith('key') && t.includes(':cf-instance:'))).toBe(true);
    expect(before.some((t) => t.includes(':runs:spec:doomed holds'))).toBe(true);
    expect(before.some((t) => t.startsWith('key') && t.includes(':q:task.default.unserved:'))).toBe(true); // the queued job
    expectOk(await request(server.app).delete(`/wfRun/${id}`));
    expect(await tracesOf(id)).toEqual([]);
    expectError(await get(`/wfRun/${id}`), 404, 'NOT_FOUND');
    expectError(await get(`/wfRun/${id}/workflowEvent/began/0`), 404, 'NOT_FOUND');
    expect((await get(`/wfRun/${id}/externalEvent`)).body).toEqual({ results: [] });
  });

  it('deletes a finished run; an unknown one is 404', async () => {
    expectOk(await post('/wfSpec', wfSpec('instant', { entrypoint: threadSpec([entry(), exit()]) })));
    expectOk(await post('/wfRun', { wfSpecName: 'instant', id: 'done-4c1' }));
    expect((await get('/wfRun/done-4c1')).body.status).toBe('COMPLETED');
    expectOk(await request(server.app).delete('/wfRun/done-4c1'));
    expect(await tracesOf('done-4c1')).toEqual([]);
    expectError(await request(server.app).delete('/wfRun/done-4c1'), 404, 'NOT_FOUND');
  });
});
