// Durable timers against real Redis: a SLEEP wakes on time by Redis's clock, never early; an armed
// timer survives every server process going away; a timer whose firing server died fires again.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, expect, it } from 'vitest';
import { buildServer } from '../../src/main/colt.ts';
import { timerMember } from '../../src/store/redis/run-store.ts';
import { expectOk } from '../support/api-client.ts';
import { eventually } from '../support/processes.ts';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '../support/redis.ts';
import { testConfig } from '../support/server.ts';
import { entry, exit, literal, threadSpec, wfSpec } from '../support/spec-builder.ts';

const prefix = uniquePrefix('timers');
const quiet = pino({ level: 'silent' });
const servers: Array<ReturnType<typeof buildServer>> = [];

function server(withLoops = true, keyPrefix = prefix) {
  const colt = buildServer(testRedisUrl(), testConfig(keyPrefix), quiet);
  if (withLoops) colt.startLoops();
  servers.push(colt);
  return colt;
}

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  const redis = new Redis(testRedisUrl());
  await deleteKeysWithPrefix(redis, prefix);
  await deleteKeysWithPrefix(redis, `${prefix}-lease`);
  await redis.quit();
});

const nap = (seconds: number) =>
  wfSpec(`nap-${seconds}`, { entrypoint: threadSpec([entry(), { name: 'nap', body: { sleep: { rawSeconds: literal({ int: seconds }) } } }, exit()]) });

async function status(app: ReturnType<ReturnType<typeof buildServer>['app']>, id: string) {
  return (await request(app).get(`/wfRun/${id}`)).body;
}

it('a SLEEP of 1 s wakes after its due time by Redis’s clock, not before', async () => {
  const colt = server();
  const app = colt.app();
  expectOk(await request(app).post('/wfSpec').send(nap(1)));
  const before = await colt.engine.runs.redisTimeMs();
  expectOk(await request(app).post('/wfRun').send({ wfSpecName: 'nap-1', id: 'nap-once' }));
  const due = await colt.engine.timers.dueAt(timerMember('default', 'nap-once', 'sleep.0.1'));
  expect(due).toBeGreaterThanOrEqual(before + 1_000);
  const run = await eventually(async () => ((await status(app, 'nap-once')).status === 'COMPLETED' ? status(app, 'nap-once') : undefined), 10_000, 'the nap to end');
  const node = (await request(app).get('/nodeRun/nap-once/0/1')).body;
  expect(node).toMatchObject({ status: 'COMPLETED', sleep: { matured: true } });
  expect(Date.parse(node.endTime)).toBeGreaterThanOrEqual(due as number);
  expect(run.status).toBe('COMPLETED');
  expect(await colt.engine.timers.dueAt(timerMember('default', 'nap-once', 'sleep.0.1'))).toBeNull();
});

it('an armed timer survives every server going away, and the next server fires it', async () => {
  const first = server(false); // no loops: it only arms the timer
  expectOk(await request(first.app()).post('/wfSpec').send(nap(1)));
  expectOk(await request(first.app()).post('/wfRun').send({ wfSpecName: 'nap-1', id: 'nap-restart' }));
  const due = await first.engine.timers.dueAt(timerMember('default', 'nap-restart', 'sleep.0.1'));
  await first.close();
  servers.splice(servers.indexOf(first), 1);

  const second = server();
  const run = await eventually(async () => {
    const s = await status(second.app(), 'nap-restart');
    return s.status === 'COMPLETED' ? s : undefined;
  }, 10_000, 'the nap to end on the second server');
  expect(run.status).toBe('COMPLETED');
  const node = (await request(second.app()).get('/nodeRun/nap-restart/0/1')).body;
  expect(node).toMatchObject({ status: 'COMPLETED', sleep: { matured: true } });
  expect(Date.parse(node.endTime)).toBeGreaterThanOrEqual(due as number); // not before its due time
  expect(run.threadRuns[0].currentNodePosition).toBe(2); // the sleep ran once: one node run, then the exit
  expect(await second.engine.timers.dueAt(timerMember('default', 'nap-restart', 'sleep.0.1'))).toBeNull();
});

it('a timer claimed by a server that died fires again once its lease lapses', async () => {
  const colt = server(false, `${prefix}-lease`); // alone on its keys, and no loop of its own running
  expectOk(await request(colt.app()).post('/wfSpec').send(nap(0)));
  expectOk(await request(colt.app()).post('/wfRun').send({ wfSpecName: 'nap-0', id: 'nap-lease' }));
  const member = timerMember('default', 'nap-lease', 'sleep.0.1');
  // A server claims it with a lease that lapses at once, then dies without applying it.
  const claimed = await colt.engine.timers.claimDue(0, 100);
  expect(claimed.map((t) => t.member)).toEqual([member]);
  expect((await status(colt.app(), 'nap-lease')).status).toBe('RUNNING');
  // The next pass of a timer loop claims it again and applies it.
  expect(await colt.timerLoop.fireDue()).toBe(1);
  expect((await status(colt.app(), 'nap-lease')).status).toBe('COMPLETED');
  expect(await colt.timerLoop.fireDue()).toBe(0);
});
