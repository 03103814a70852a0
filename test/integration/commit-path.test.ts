// The commit path against real Redis and BullMQ: the fused commit-and-enqueue script, its version
// check, and the outbox with its sweeper for effects a crashed process committed but never sent.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advance } from '../../src/engine/reducer.ts';
import { jobIdOf, TaskQueues, type TaskEffect } from '../../src/dispatch/task-queues.ts';
import { CommandApplier } from '../../src/apply/apply-command.ts';
import { Definitions } from '../../src/apply/definitions.ts';
import { RedisMetadataStore } from '../../src/store/redis/metadata-store.ts';
import { RedisCorrelatedEventStore } from '../../src/store/redis/correlated-event-store.ts';
import { OutboxSweeper } from '../../src/loops/outbox-sweeper.ts';
import { Keys } from '../../src/store/keys.ts';
import { RedisRunStore } from '../../src/store/redis/run-store.ts';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '../support/redis.ts';
import { compileSpec, littlehorseFixture, taskDef } from '../support/specs.ts';

const prefix = uniquePrefix('commit-path');
const keys = new Keys(prefix);
let redis: Redis;
let bull: Redis;
let runs: RedisRunStore;
let queues: TaskQueues;

const greet = taskDef('greet', [['name', 'STR']], 'STR');
const spec = compileSpec(littlehorseFixture('example-basic-wfspec.json'), [greet]);
let guids = 0;
const ctx = () => ({ now: new Date().toISOString(), spec, taskDefs: new Map([['greet', greet]]), newGuid: () => `g${guids++}` });
function start(wfRunId: string) {
  const { state, effects } = advance(null, { type: 'RunWf', wfRunId, variables: { 'input-name': { str: 'Obi' } } }, ctx());
  return { state, effects: effects.filter((e): e is TaskEffect => e.type === 'DispatchTask') };
}

beforeAll(() => {
  redis = new Redis(testRedisUrl());
  bull = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  runs = new RedisRunStore(redis, keys);
  queues = new TaskQueues(bull, keys);
});

afterAll(async () => {
  await queues.close();
  await deleteKeysWithPrefix(redis, prefix);
  await Promise.all([redis.quit(), bull.quit()]);
});

describe('the fused commit-and-enqueue script', () => {
  it('stores the run and enqueues exactly the job BullMQ itself would add', async () => {
    const { state, effects } = start('fused-1');
    const effect = effects[0]!;
    expect(await runs.commit('default', null, state, { add: await queues.captureSend('default', effect) })).not.toBeNull();
    const job = await queues.queue('default', 'greet').getJob(jobIdOf(effect));
    expect(job?.data).toEqual({ tenant: 'default', task: effect.task });
    expect(job?.opts).toMatchObject({ attempts: 1, removeOnComplete: { age: 3600, count: 10_000 } });
    expect(await job?.getState()).toBe('waiting');
    expect((await runs.load('default', 'fused-1'))?.state).toEqual(state);
  });

  it('writes nothing and enqueues nothing when the version check fails', async () => {
    const first = start('fused-2');
    expect(await runs.commit('default', null, first.state, { add: await queues.captureSend('default', first.effects[0]!) })).not.toBeNull();
    const loaded = (await runs.load('default', 'fused-2'))!;
    const report = { type: 'TaskReported', taskGuid: first.effects[0]!.task.taskRunId.taskGuid, attemptNumber: 0, status: 'TASK_FAILED' } as const;
    const failed = advance(loaded.state, report, ctx());
    // Another writer commits a success first...
    expect(await runs.commit('default', loaded, advance(loaded.state, { ...report, status: 'TASK_SUCCESS' }, ctx()).state)).not.toBeNull();
    // ...so the stale transition, with a task job riding its commit, must neither write nor enqueue.
    const job = { type: 'DispatchTask' as const, task: { ...first.effects[0]!.task, attemptNumber: 1 } };
    expect(await runs.commit('default', loaded, failed.state, { add: await queues.captureSend('default', job) })).toBeNull();
    expect(await queues.queue('default', 'greet').getJob(jobIdOf(job))).toBeUndefined();
    expect((await runs.load('default', 'fused-2'))?.state.wfRun.status).toBe('COMPLETED');
  });

  it('refuses a second RunWf of the same id', async () => {
    const { state } = start('fused-3');
    expect(await runs.commit('default', null, state)).not.toBeNull();
    expect(await runs.commit('default', null, state)).toBeNull();
  });
});

describe('the run a transition starts from', () => {
  it('is the one this process committed last while the hash is at its version; after another writer, the hash', async () => {
    const { state, effects } = start('recent-1');
    const committed = await runs.commit('default', null, state);
    const again = await runs.loadForChange('default', 'recent-1');
    expect(again).toBe(committed); // no read of the hash: the very object kept by the commit
    // Another process (its own store) commits a result meanwhile...
    const other = new RedisRunStore(redis, keys);
    const theirs = (await other.load('default', 'recent-1'))!;
    const report = { type: 'TaskReported', taskGuid: effects[0]!.task.taskRunId.taskGuid, attemptNumber: 0, status: 'TASK_SUCCESS', output: { str: 'hi' } } as const;
    expect(await other.commit('default', theirs, advance(theirs.state, report, ctx()).state)).not.toBeNull();
    // ...so this process's copy is stale: the next transition starts from the hash.
    await runs.commit('default', again, again!.state); // unchanged: kept as it is
    const fresh = await runs.loadForChange('default', 'recent-1');
    expect(fresh).not.toBe(again);
    expect(fresh).toMatchObject({ version: 2, status: 'COMPLETED' });
    expect(await runs.loadForChange('default', 'no-such-run')).toBeNull();
  });
});

describe('the outbox', () => {
  it('keeps committed effects until sent, and the sweeper sends what a crashed process left', async () => {
    const { state, effects } = start('outboxed');
    const outbox = effects.map((effect) => ({ jobId: jobIdOf(effect), effect }));
    // Commit with the effects in the outbox, then "crash" before sending them.
    expect(await runs.commit('default', null, state, { outbox })).not.toBeNull();
    expect(await queues.queue('default', 'greet').getJob(outbox[0]!.jobId)).toBeUndefined();
    expect(await redis.zscore(keys.outboxIndex(), 'default/outboxed')).not.toBeNull();

    const log = pino({ level: 'silent' });
    const correlations = new RedisCorrelatedEventStore(redis, keys);
    const applier = new CommandApplier({ runs, definitions: new Definitions(new RedisMetadataStore(redis, keys)), taskQueues: queues, correlations, log });
    await new OutboxSweeper(runs, applier, log, 1_000, 0).sweepOnce();

    const job = await queues.queue('default', 'greet').getJob(outbox[0]!.jobId);
    expect(job?.data.task).toEqual(effects[0]!.task);
    expect(await redis.hlen(keys.outbox('default', 'outboxed'))).toBe(0);
    expect(await redis.zscore(keys.outboxIndex(), 'default/outboxed')).toBeNull();
  });
});
