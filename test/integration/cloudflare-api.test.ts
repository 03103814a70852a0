// The Cloudflare-compatible API over WfSpecs, through HTTP against real Redis and real task workers:
// the envelope on every answer, workflows and versions from WfSpecs, instances as WfRuns (create,
// batch, list, get), status changes (pause, resume, terminate, restart), events as ExternalEvents.
// Last, the official `cloudflare` client (v7) against a listening server.
import { readFileSync } from 'node:fs';
import Cloudflare from 'cloudflare';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startTaskWorkers, type TaskWorker } from '../../workers/sdk/index.ts';
import { eventually } from '../support/processes.ts';
import { startTestServer, serveOverHttp, type HttpListener } from '../support/server.ts';
import { CLOUDFLARE_TASKS, deployCloudflareSpecs, napSpec, cloudflareRoutes, recordingCloudflareClient, cloudflareResult } from '../support/cloudflare-specs.ts';

const server = startTestServer('cloudflare-api');
/** The account the task workers serve (Colt's tenant). */
const ACCOUNT = 'cf-shop';
let workers: TaskWorker[] = [];
let accounts = 0;

beforeAll(async () => {
  workers = await startTaskWorkers(server.colt.engine, CLOUDFLARE_TASKS, pino({ level: 'silent' }), { tenant: ACCOUNT, concurrency: 5, lockMs: 5_000 });
  await deployCloudflareSpecs(server.app, ACCOUNT);
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await server.close();
});

/** An account of its own (no task workers) with the `nap` WfSpec, for tests that count or list. */
async function freshAccount(): Promise<string> {
  const account = `cf-acct-${++accounts}`;
  expect((await request(server.app).post('/wfSpec').set('Tenant-Id', account).send(napSpec('nap'))).status).toBe(200);
  return account;
}

const api = (account: string = ACCOUNT, prefix = '/client/v4') => cloudflareRoutes(server.app, account, prefix);

/** A success envelope; returns its `result`. */
const ok = cloudflareResult;

/** Cloudflare's error envelope, never Colt's `{code, message}`; `message` matched when given. */
function expectFailure(res: request.Response, status: number, code: number, message?: RegExp): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toEqual({ success: false, errors: [{ code, message: expect.any(String) }], messages: [], result: null });
  if (message) expect(res.body.errors[0].message).toMatch(message);
  expect(res.text).not.toMatch(/\bat\s+\S+\s+\(?\S+:\d+:\d+\)?/);
  if (status < 500 && status !== 429) expect(res.headers['x-should-retry']).toBe('false');
}

async function settled(account: string, workflow: string, id: string): Promise<any> {
  return eventually(async () => {
    const details = ok(await api(account).get(`/${workflow}/instances/${id}`));
    return ['queued', 'running'].includes(details.status) ? undefined : details;
  }, 15_000, `instance ${id} to settle`);
}

describe('the envelope and the routes', () => {
  it('every error is in the envelope, with Cloudflare\'s codes, under both prefixes', async () => {
    for (const prefix of ['/client/v4', '']) {
      const a = api(ACCOUNT, prefix);
      expectFailure(await a.get('/no-such-workflow'), 404, 10200, /no-such-workflow/);
      expectFailure(await a.get('/no_such_workflow'), 404, 10200);
      expectFailure(await a.get('/greeting/instances/no-such-instance'), 404, 10400, /instance\.not_found/);
      expectFailure(await a.get('/greeting/versions/00000000-0000-4000-8000-000000000000'), 404, 10202);
      expectFailure(await a.get('/greeting/versions/not-a-uuid'), 400, 10002, /version_id/);
      expectFailure(await a.get('/greeting/nope/more'), 404, 10003);
      expectFailure(await a.get('?per_page=101'), 400, 10002, /per_page/);
      expectFailure(await a.get('?verbose=true'), 400, 10002, /verbose/);
      expectFailure(await a.post('/greeting/instances', { instance_id: 5 }), 400, 10002, /instance_id/);
      expectFailure(await a.patch('/greeting/instances/x/status', { status: 'explode' }), 400, 10002, /status/);
    }
    expectFailure(await request(server.app).get('/accounts/bad_account/workflows'), 400, 10002, /account_id/);
    expectFailure(await request(server.app).get('/client/v4/zones'), 404, 10003);
    const malformed = await request(server.app).post(`/accounts/${ACCOUNT}/workflows/greeting/instances`).set('Content-Type', 'application/json').send('{"params":');
    expectFailure(malformed, 400, 10002, /not valid JSON/);
  });

  it('serves its own contract at /client/v4/openapi.json, with the seed\'s paths and batch delete', async () => {
    const res = await request(server.app).get('/client/v4/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(parseYaml(readFileSync(new URL('../../openapi/cloudflare.yaml', import.meta.url), 'utf8')));
    const base = '/accounts/{account_id}/workflows';
    expect(Object.keys(res.body.paths).sort()).toEqual(
      ['', '/{workflow_name}', '/{workflow_name}/instances', '/{workflow_name}/instances/batch', '/{workflow_name}/instances/batch/terminate',
        '/{workflow_name}/instances/batch/delete', '/{workflow_name}/instances/terminate', '/{workflow_name}/instances/{instance_id}',
        '/{workflow_name}/instances/{instance_id}/events/{event_type}', '/{workflow_name}/instances/{instance_id}/status',
        '/{workflow_name}/instances/{instance_id}/step',
        '/{workflow_name}/versions', '/{workflow_name}/versions/{version_id}', '/{workflow_name}/versions/{version_id}/dag',
        '/{workflow_name}/versions/{version_id}/graph'].map((p) => base + p).sort(),
    );
    // The LittleHorse surface is untouched.
    expect((await request(server.app).get('/openapi.json')).body.info.title).toBe('LittleHorse REST API');
  });

  it('PUT of a code workflow is refused clearly for a WfSpec\'s name (409), schedules (501) and bad bodies (400)', async () => {
    const body = { class_name: 'OrderWorkflow', script_name: 'orders' };
    expectFailure(await api().put('/orders', { ...body, schedules: [{ cron: '* * * * *' }] }), 501, 10005, /schedules/);
    expectFailure(await api().put('/greeting', body), 409, 10203, /WfSpec/);
    expectFailure(await api().put('/orders', { class_name: 'Order-Workflow', script_name: 'orders' }), 400, 10002, /class_name/);
    expectFailure(await api().put('/orders', { class_name: 'OrderWorkflow' }), 400, 10002, /script_name/);
  });
});

describe('workflows and versions from WfSpecs', () => {
  it('lists every WfSpec as a workflow, page by page, with an empty page past the end, and by search', async () => {
    const account = await freshAccount();
    for (const name of ['nap-b', 'other']) {
      expect((await request(server.app).post('/wfSpec').set('Tenant-Id', account).send(napSpec(name))).status).toBe(200);
    }
    const all = await api(account).get('');
    expect(ok(all).map((w: { name: string }) => w.name)).toEqual(['nap', 'nap-b', 'other']);
    expect(all.body.result_info).toEqual({ page: 1, per_page: 10, count: 3, total_count: 3, total_pages: 1 });
    const page2 = await api(account).get('?page=2&per_page=2');
    expect(ok(page2).map((w: { name: string }) => w.name)).toEqual(['other']);
    expect(page2.body.result_info).toEqual({ page: 2, per_page: 2, count: 1, total_count: 3, total_pages: 2 });
    expect(ok(await api(account).get('?page=3&per_page=2'))).toEqual([]);
    expect(ok(await api(account).get('?search=NAP')).map((w: { name: string }) => w.name)).toEqual(['nap', 'nap-b']);
  });

  it('gets a workflow with its instance counts per status and when it was last triggered', async () => {
    const account = await freshAccount();
    const empty = ok(await api(account).get('/nap'));
    expect(empty).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      name: 'nap', class_name: 'WfSpec', script_name: 'wfspec',
      created_on: expect.any(String), modified_on: expect.any(String), triggered_on: null,
      instances: { queued: 0, running: 0, paused: 0, errored: 0, terminated: 0, complete: 0, waitingForPause: 0, waiting: 0, rollingBack: 0 },
    });
    for (const id of ['a', 'b', 'c']) ok(await api(account).post('/nap/instances', { instance_id: id }));
    ok(await api(account).patch('/nap/instances/b/status', { status: 'pause' }));
    ok(await api(account).patch('/nap/instances/c/status', { status: 'terminate' }));
    const wf = ok(await api(account).get('/nap'));
    expect(wf.instances).toMatchObject({ running: 1, paused: 1, terminated: 1, complete: 0 });
    expect(wf.id).toBe(empty.id);
    expect(Date.parse(wf.triggered_on)).toBeGreaterThanOrEqual(Date.parse(wf.created_on));
  });

  it('versions are the WfSpec\'s versions, newest first, each with a stable UUID, a DAG and no graph', async () => {
    const account = await freshAccount();
    const revised = napSpec('nap', 1);
    expect((await request(server.app).post('/wfSpec').set('Tenant-Id', account).send(revised)).body.id).toEqual({ name: 'nap', majorVersion: 0, revision: 1 });
    const versions = ok(await api(account).get('/nap/versions'));
    expect(versions.map((v: { wf_spec_id: object }) => v.wf_spec_id)).toEqual([
      { name: 'nap', majorVersion: 0, revision: 1 }, { name: 'nap', majorVersion: 0, revision: 0 },
    ]);
    const workflow = ok(await api(account).get('/nap'));
    for (const v of versions) {
      expect(v).toMatchObject({ workflow_id: workflow.id, class_name: 'WfSpec', has_dag: true });
      expect(ok(await api(account).get(`/nap/versions/${v.id}`))).toEqual(v);
    }
    expect(ok(await api(account).get('/nap/versions?per_page=1&page=2'))).toEqual([versions[1]]);
    const dag = ok(await api(account).get(`/nap/versions/${versions[0].id}/dag`));
    expect(dag.dag).toEqual({
      entrypoint: 'entrypoint',
      threads: { entrypoint: { nodes: [
        { name: 'entry', type: 'entrypoint', next: ['nap'] }, { name: 'nap', type: 'sleep', next: ['exit'] }, { name: 'exit', type: 'exit', next: [] },
      ] } },
    });
    const graph = ok(await api(account).get(`/nap/versions/${versions[0].id}/graph`));
    expect(graph).toEqual({ ...dag, graph: null });
    // A new instance runs the latest version.
    const created = ok(await api(account).post('/nap/instances', {}));
    expect(created.version_id).toBe(versions[0].id);
  });

  it('delete is refused while instances have not finished, then removes the WfSpec and its WfRuns', async () => {
    const account = await freshAccount();
    ok(await api(account).post('/nap/instances', { instance_id: 'sleepy' }));
    expectFailure(await api(account).delete('/nap'), 409, 10201, /terminate them first/);
    ok(await api(account).patch('/nap/instances/sleepy/status', { status: 'terminate' }));
    expect(ok(await api(account).delete('/nap'))).toEqual({ status: 'ok', success: true });
    expectFailure(await api(account).get('/nap'), 404, 10200);
    expect(ok(await api(account).get(''))).toEqual([]);
    expect((await request(server.app).get('/wfSpec/nap').set('Tenant-Id', account)).status).toBe(404);
    expect((await request(server.app).get('/wfRun/sleepy').set('Tenant-Id', account)).status).toBe(404);
    expectFailure(await api(account).delete('/nap'), 404, 10200);
  });
});

describe('instances are WfRuns', () => {
  it('creates an instance with params (an object or a JSON string) that runs to completion with real workers', async () => {
    const created = ok(await api().post('/greeting/instances', { instance_id: 'greet-ada', params: { name: 'Ada' } }));
    const workflow = ok(await api().get('/greeting'));
    expect(created).toEqual({ id: 'greet-ada', status: expect.stringMatching(/^(queued|running)$/), version_id: expect.any(String), workflow_id: workflow.id, trigger_source: 'api' });
    const fromString = ok(await api().post('/greeting/instances', { params: JSON.stringify({ name: 'Grace' }) }));
    expect(fromString.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const done = await settled(ACCOUNT, 'greeting', 'greet-ada');
    expect(done).toMatchObject({
      status: 'complete', success: true, error: null, output: 'hello, Ada', params: { name: 'Ada' }, trigger: { source: 'api' },
      versionId: created.version_id, rollback: null, step_count: 1,
    });
    expect(Date.parse(done.end)).toBeGreaterThanOrEqual(Date.parse(done.start));
    expect(done.steps).toEqual([{
      type: 'step', name: 'greet-1', start: expect.any(String), end: expect.any(String), success: true, output: 'hello, Ada',
      config: { retries: { limit: 0, delay: 0, backoff: 'constant' }, timeout: expect.any(Number) },
      attempts: [{ start: expect.any(String), end: expect.any(String), success: true, error: null }],
    }]);
    expect((await settled(ACCOUNT, 'greeting', fromString.id)).output).toBe('hello, Grace');
    const simple = ok(await api().get('/greeting/instances/greet-ada?simple=true'));
    expect(simple.steps).toBeUndefined();
    expect(ok(await api().get('/greeting/instances/greet-ada/step?name=greet-1&type=step'))).toEqual({ status: 'complete', error: null, output: 'hello, Ada' });
    expectFailure(await api().get('/greeting/instances/greet-ada/step?name=greet-2&type=step'), 404, 10405, /greet-2/);
    expect(simple.step_count).toBe(1);
    // The same run through the LittleHorse API.
    const wfRun = await request(server.app).get('/wfRun/greet-ada').set('Tenant-Id', ACCOUNT);
    expect(wfRun.body).toMatchObject({ id: 'greet-ada', status: 'COMPLETED', wfSpecId: { name: 'greeting' } });
  });

  it('a used id is 409 (instance.already_exists) with x-should-retry: false; bad ids and params are 400', async () => {
    ok(await api().post('/greeting/instances', { instance_id: 'once', params: { name: 'x' } }));
    expectFailure(await api().post('/greeting/instances', { instance_id: 'once', params: { name: 'y' } }), 409, 10401, /instance\.already_exists/);
    expectFailure(await api().post('/greeting/instances', { instance_id: 'with_underscore', params: { name: 'x' } }), 400, 10402, /instance\.invalid_id/);
    expectFailure(await api().post('/greeting/instances', { instance_id: 'batch', params: { name: 'x' } }), 400, 10402);
    expectFailure(await api().post('/greeting/instances', { instance_id: 'x'.repeat(101) }), 400, 10002, /instance_id/);
    expectFailure(await api().post('/greeting/instances', { params: {} }), 400, 10002, /params\.name is required/);
    expectFailure(await api().post('/greeting/instances', { params: { name: 5 } }), 400, 10002, /params\.name/);
    expectFailure(await api().post('/greeting/instances', { params: { name: 'x', age: 3 } }), 400, 10002, /params\.age is not an input variable/);
    expectFailure(await api().post('/greeting/instances', { params: '{"name":' }), 400, 10002, /params: a string must hold JSON/);
    expectFailure(await api().post('/greeting/instances', { params: [1, 2] }), 400, 10002, /params must be an object/);
    expectFailure(await api().post('/no-such/instances', {}), 404, 10200);
  });

  it('batch create makes 1-100 instances, and refuses the whole batch if one item is wrong', async () => {
    const account = await freshAccount();
    const created = ok(await api(account).post('/nap/instances/batch', [{ instance_id: 'b1', params: '{"who":"x"}' }, { instance_id: 'b2' }, {}]));
    expect(created.map((c: { id: string }) => c.id).slice(0, 2)).toEqual(['b1', 'b2']);
    expect(created).toHaveLength(3);
    expectFailure(await api(account).post('/nap/instances/batch', []), 400, 10002);
    expectFailure(await api(account).post('/nap/instances/batch', Array.from({ length: 101 }, () => ({}))), 400, 10002);
    expectFailure(await api(account).post('/nap/instances/batch', [{ instance_id: 'b3' }, { instance_id: 'b3' }]), 400, 10402, /twice/);
    expectFailure(await api(account).post('/nap/instances/batch', [{ instance_id: 'b4' }, { instance_id: 'b1' }]), 409, 10401, /b1/);
    expectFailure(await api(account).post('/nap/instances/batch', [{ instance_id: 'b5' }, { params: { who: 7 } }]), 400, 10002, /\[1\]: params\.who/);
    const all = await api(account).get('/nap/instances');
    expect(all.body.result_info.total_count).toBe(3);
  });

  it('lists instances page by page (newest first), by status, by creation time, and by cursor', async () => {
    const account = await freshAccount();
    const ids = ['i1', 'i2', 'i3', 'i4', 'i5'];
    for (const id of ids) {
      ok(await api(account).post('/nap/instances', { instance_id: id }));
      await new Promise((r) => setTimeout(r, 5));
    }
    const page1 = await api(account).get('/nap/instances?per_page=2');
    expect(ok(page1).map((i: { id: string }) => i.id)).toEqual(['i5', 'i4']);
    expect(page1.body.result_info).toEqual({ page: 1, per_page: 2, count: 2, total_count: 5, total_pages: 3, cursor: expect.any(String) });
    expect(ok(await api(account).get('/nap/instances?per_page=2&page=3')).map((i: { id: string }) => i.id)).toEqual(['i1']);
    const past = await api(account).get('/nap/instances?per_page=2&page=4');
    expect(ok(past)).toEqual([]);
    expect(past.body.result_info).toMatchObject({ count: 0, total_count: 5 });
    expect(ok(await api(account).get('/nap/instances?direction=asc&per_page=2')).map((i: { id: string }) => i.id)).toEqual(['i1', 'i2']);

    const item = ok(page1)[0];
    expect(item).toEqual({
      id: 'i5', status: 'running', created_on: expect.any(String), modified_on: expect.any(String), started_on: item.created_on, ended_on: null,
      version_id: expect.any(String), workflow_id: expect.any(String), trigger_source: 'api',
    });

    // Following result_info.cursor walks the whole list, then stops.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await api(account).get(`/nap/instances?per_page=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...ok(res).map((i: { id: string }) => i.id));
      cursor = res.body.result_info.cursor;
    } while (cursor);
    expect(seen).toEqual(['i5', 'i4', 'i3', 'i2', 'i1']);
    expectFailure(await api(account).get('/nap/instances?cursor=forged'), 400, 10002, /cursor/);

    ok(await api(account).patch('/nap/instances/i2/status', { status: 'pause' }));
    ok(await api(account).patch('/nap/instances/i4/status', { status: 'terminate' }));
    const byStatus = async (status: string) => ok(await api(account).get(`/nap/instances?status=${status}`)).map((i: { id: string }) => i.id);
    expect(await byStatus('running')).toEqual(['i5', 'i3', 'i1']);
    expect(await byStatus('paused')).toEqual(['i2']);
    expect(await byStatus('terminated')).toEqual(['i4']);
    expect(await byStatus('complete')).toEqual([]);
    expect((await api(account).get('/nap/instances?status=running&per_page=1&page=2')).body.result_info).toMatchObject({ count: 1, total_count: 3 });

    const created = Object.fromEntries(ok(await api(account).get('/nap/instances')).map((i: { id: string; created_on: string }) => [i.id, i.created_on]));
    const window = `date_start=${encodeURIComponent(created.i2)}&date_end=${encodeURIComponent(created.i4)}`;
    expect(ok(await api(account).get(`/nap/instances?${window}`)).map((i: { id: string }) => i.id)).toEqual(['i4', 'i3', 'i2']);
    expect(ok(await api(account).get(`/nap/instances?${window}&status=running`)).map((i: { id: string }) => i.id)).toEqual(['i3']);
    expectFailure(await api(account).get('/nap/instances?status=sleeping'), 400, 10002, /status/);
  });

  it('an instance whose task fails is errored, with the failure as its error', async () => {
    ok(await api().post('/refusal/instances', { instance_id: 'refused' }));
    const done = await settled(ACCOUNT, 'refusal', 'refused');
    expect(done).toMatchObject({ status: 'errored', success: false, output: null, error: { name: 'not-allowed', message: expect.stringMatching(/not allowed/) } });
    expect(done.steps[0]).toMatchObject({ type: 'step', name: 'refuse-1', success: false, attempts: [{ success: false, error: { name: 'not-allowed' } }] });
    expect(ok(await api().get('/refusal/instances?status=errored')).map((i: { id: string }) => i.id)).toContain('refused');
  });

  it('an instance is only found under its own workflow', async () => {
    expectFailure(await api().get('/refusal/instances/greet-ada'), 404, 10400);
    expectFailure(await api().patch('/refusal/instances/greet-ada/status', { status: 'pause' }), 404, 10400);
  });
});

describe('status changes', () => {
  it('pause, resume, terminate and restart follow Cloudflare\'s transitions', async () => {
    const account = await freshAccount();
    const nap = api(account);
    ok(await nap.post('/nap/instances', { instance_id: 'n1', params: { who: 'me' } }));
    const change = async (status: string, extra: object = {}) => ok(await nap.patch('/nap/instances/n1/status', { status, ...extra }));
    expect(await change('pause')).toEqual({ status: 'paused', timestamp: expect.any(String) });
    expect((await change('pause')).status).toBe('paused'); // nothing changes
    expect((await request(server.app).get('/wfRun/n1').set('Tenant-Id', account)).body.status).toBe('HALTED');
    expect((await change('resume')).status).toBe('running');
    expect((await change('resume')).status).toBe('running'); // nothing changes
    expect((await change('terminate', { rollback: true })).status).toBe('terminated');
    const terminated = ok(await nap.get('/nap/instances/n1'));
    expect(terminated).toMatchObject({ status: 'terminated', success: false, end: expect.any(String) });
    expect(terminated.steps.at(-1)).toEqual({ type: 'termination', trigger: { source: 'api' } });
    expect((await change('resume')).status).toBe('terminated'); // final
    expect((await change('pause')).status).toBe('terminated');
    expectFailure(await nap.patch('/nap/instances/n1/status', { status: 'terminate' }), 409, 10403, /instance\.cannot_terminate/);

    expectFailure(await nap.patch('/nap/instances/n1/status', { status: 'restart', from: { name: 'nap' } }), 400, 10404, /instance\.cannot_restart/);
    const before = ok(await nap.get('/nap/instances/n1'));
    expect((await change('restart')).status).toBe('running');
    const after = ok(await nap.get('/nap/instances/n1'));
    expect(after).toMatchObject({ status: 'running', params: { who: 'me' }, end: null, trigger: { source: 'api' } });
    expect(after.steps.map((s: { type: string }) => s.type)).toEqual(['sleep']);
    expect(Date.parse(after.queued)).toBeGreaterThan(Date.parse(before.queued));
    expect(ok(await nap.get('/nap')).instances).toMatchObject({ running: 1, terminated: 0 });
    expectFailure(await nap.patch('/nap/instances/nope/status', { status: 'pause' }), 404, 10400);
  });

  it('a finished instance cannot be terminated but can be restarted', async () => {
    ok(await api().post('/greeting/instances', { instance_id: 'greet-twice', params: { name: 'Twice' } }));
    const first = await settled(ACCOUNT, 'greeting', 'greet-twice');
    expect(first.status).toBe('complete');
    expectFailure(await api().patch('/greeting/instances/greet-twice/status', { status: 'terminate' }), 409, 10403, /complete/);
    ok(await api().patch('/greeting/instances/greet-twice/status', { status: 'restart' }));
    const second = await settled(ACCOUNT, 'greeting', 'greet-twice');
    expect(second).toMatchObject({ status: 'complete', output: 'hello, Twice' });
    expect(Date.parse(second.queued)).toBeGreaterThan(Date.parse(first.queued));
  });

  it('batch terminate (a job) terminates the unfinished instances it names and skips the rest', async () => {
    const account = await freshAccount();
    for (const id of ['t1', 't2', 't3']) ok(await api(account).post('/nap/instances', { instance_id: id }));
    ok(await api(account).patch('/nap/instances/t3/status', { status: 'terminate' }));
    expect(ok(await api(account).post('/nap/instances/batch/terminate', ['t1', 't2', 't3', 'nope']))).toEqual({ instancesTerminated: 2, status: 'ok' });
    // A job terminates them shortly after the answer.
    await eventually(async () => {
      const counts = ok(await api(account).get('/nap')).instances;
      return counts.running === 0 && counts.terminated === 3 ? counts : undefined;
    }, 10_000, 'the batch terminate job to end');
    expect(ok(await api(account).get('/nap/instances/terminate'))).toEqual({ status: 'not_running' });
    expectFailure(await api(account).post('/nap/instances/batch/terminate', []), 400, 10002);
  });
});

describe('events', () => {
  it('an event is an ExternalEvent of the def its type names; the payload becomes the content', async () => {
    ok(await api().post('/approve/instances', { instance_id: 'approve-1' }));
    const sent = ok(await api().post('/approve/instances/approve-1/events/approval', 'yes'));
    expect(sent).toEqual({ instanceId: 'approve-1', timestamp: expect.any(String) });
    const done = await settled(ACCOUNT, 'approve', 'approve-1');
    expect(done).toMatchObject({ status: 'complete', output: 'yes' });
    expect(done.steps).toEqual([expect.objectContaining({ type: 'waitForEvent', name: 'wait-1', finished: true, event_type: 'approval', output: 'yes', error: null })]);
    expectFailure(await api().post('/approve/instances/approve-1/events/approval', 'again'), 409, 10006, /finished/);

    ok(await api().post('/approve/instances', { instance_id: 'approve-2' }));
    expectFailure(await api().post('/approve/instances/approve-2/events/no-such-type', {}), 404, 10007, /ExternalEventDef/);
    expectFailure(await api().post('/approve/instances/nope/events/approval', {}), 404, 10400);
    expectFailure(await api().post('/approve/instances/approve-2/events/bad type', {}), 400, 10002, /event_type/);
  });
});

describe('the official cloudflare client (v7)', () => {
  let listener: HttpListener;
  let cf: Cloudflare;
  /** `METHOD path?query` of every request the client sent, retries included. */
  const sent: string[] = [];
  const account_id = ACCOUNT;

  beforeAll(async () => {
    listener = await serveOverHttp(server.app);
    cf = recordingCloudflareClient(listener.url, sent);
  });

  afterAll(() => listener.close());

  async function complete(workflow_name: string, id: string) {
    return eventually(async () => {
      const got = await cf.workflows.instances.get(id, { account_id, workflow_name });
      return ['queued', 'running'].includes(got.status) ? undefined : got;
    }, 15_000, `instance ${id} to finish`);
  }

  it('workflows.list (auto-paging), get and delete', async () => {
    expect((await request(server.app).post('/wfSpec').set('Tenant-Id', ACCOUNT).send(napSpec('sdk-temp'))).status).toBe(200);
    sent.length = 0;
    const names: string[] = [];
    for await (const w of cf.workflows.list({ account_id, per_page: 2 })) names.push(w.name);
    expect(names).toEqual(expect.arrayContaining(['greeting', 'refusal', 'approve', 'nap', 'sdk-temp']));
    expect(sent.filter((r) => r.startsWith('GET ?')).length).toBeGreaterThanOrEqual(4); // 3 pages and an empty one

    const greeting = await cf.workflows.get('greeting', { account_id });
    expect(greeting).toMatchObject({ name: 'greeting', class_name: 'WfSpec', script_name: 'wfspec', instances: expect.any(Object) });

    expect(await cf.workflows.delete('sdk-temp', { account_id })).toEqual({ status: 'ok', success: true });
    const missing = await cf.workflows.get('sdk-temp', { account_id }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Cloudflare.NotFoundError);
    expect((missing as InstanceType<typeof Cloudflare.NotFoundError>).errors).toEqual([{ code: 10200, message: expect.any(String) }]);
  });

  it('instances.create, bulk, list (auto-paging past one page) and get, with real task workers', async () => {
    const created = await cf.workflows.instances.create('greeting', { account_id, instance_id: 'sdk-1', params: JSON.stringify({ name: 'SDK' }) });
    expect(created).toMatchObject({ id: 'sdk-1', workflow_id: (await cf.workflows.get('greeting', { account_id })).id });

    sent.length = 0;
    const duplicate = await cf.workflows.instances.create('greeting', { account_id, instance_id: 'sdk-1' }).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(Cloudflare.ConflictError);
    expect(sent).toEqual(['POST /greeting/instances']); // x-should-retry: false, so sent once

    const bulk: string[] = [];
    const body = ['b', 'c', 'd'].map((n) => ({ instance_id: `sdk-bulk-${n}`, params: JSON.stringify({ name: n }) }));
    for await (const i of cf.workflows.instances.bulk('greeting', { account_id, body })) bulk.push(i.id);
    expect(bulk).toEqual(['sdk-bulk-b', 'sdk-bulk-c', 'sdk-bulk-d']);

    sent.length = 0;
    const listed: string[] = [];
    for await (const i of cf.workflows.instances.list('greeting', { account_id, per_page: 2 })) listed.push(i.id);
    expect(listed).toEqual(expect.arrayContaining(['sdk-1', ...bulk]));
    expect(new Set(listed).size).toBe(listed.length);
    expect(sent.length).toBeGreaterThanOrEqual(3);

    const done = await complete('greeting', 'sdk-1');
    expect(done).toMatchObject({ status: 'complete', output: 'hello, SDK', success: true, params: { name: 'SDK' }, versionId: created.version_id });
    expect((await complete('greeting', 'sdk-bulk-c')).output).toBe('hello, c');
  });

  it('instances.status.edit: pause, resume, terminate, restart', async () => {
    await cf.workflows.instances.create('nap', { account_id, instance_id: 'sdk-nap', params: JSON.stringify({ who: 'sdk' }) });
    const edit = (status: 'pause' | 'resume' | 'terminate' | 'restart') =>
      cf.workflows.instances.status.edit('sdk-nap', { account_id, workflow_name: 'nap', status });
    expect(await edit('pause')).toEqual({ status: 'paused', timestamp: expect.any(String) });
    expect((await cf.workflows.instances.get('sdk-nap', { account_id, workflow_name: 'nap' })).status).toBe('paused');
    expect((await edit('resume')).status).toBe('running');
    expect((await edit('terminate')).status).toBe('terminated');
    sent.length = 0;
    expect(await edit('terminate').catch((e: unknown) => e)).toBeInstanceOf(Cloudflare.ConflictError);
    expect(sent).toHaveLength(1);
    expect((await edit('restart')).status).toBe('running');
    expect(await cf.workflows.instances.get('sdk-nap', { account_id, workflow_name: 'nap' })).toMatchObject({ status: 'running', params: { who: 'sdk' } });
  });

  it('instances.events.create delivers the payload', async () => {
    await cf.workflows.instances.create('approve', { account_id, instance_id: 'sdk-approve' });
    const sentEvent = await cf.workflows.instances.events.create('approval', { account_id, workflow_name: 'approve', instance_id: 'sdk-approve', body: 'approved' });
    expect(sentEvent).toEqual({ instanceId: 'sdk-approve', timestamp: expect.any(String) });
    expect(await complete('approve', 'sdk-approve')).toMatchObject({ status: 'complete', output: 'approved' });
  });

  it('versions.list and versions.get', async () => {
    const versions = [];
    for await (const v of cf.workflows.versions.list('greeting', { account_id })) versions.push(v);
    expect(versions).toHaveLength(1);
    expect(await cf.workflows.versions.get(versions[0]!.id, { account_id, workflow_name: 'greeting' })).toEqual(versions[0]);
  });
});
