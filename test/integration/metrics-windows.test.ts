// Metrics windows through the REST API: a known workload (WfRuns that complete or fail, TaskRuns
// that succeed or fail through the HTTP task protocol) is counted in every window length.
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.ts';
import { type ApiClient, expectError, expectOk, tenantClients } from '../support/api-client.ts';
import { entry, exit, task, threadSpec, wfSpec } from '../support/spec-builder.ts';

const server = startTestServer('metrics-windows', { pollWaitMs: 200 });
afterAll(() => server.close());
const api = tenantClients(server.app, 'metrics')();

async function put(path: string, body: object) {
  const res = await api.post(path, body);
  expectOk(res);
  return res.body;
}

/** The numbers of the current and the previous window added up (the workload may straddle a boundary). */
async function summed(path: string, windowLength: string): Promise<Record<string, number>> {
  const res = await api.get(`${path}/metrics/list?windowLength=${windowLength}&numWindows=2`);
  expectOk(res);
  expect(res.body.results).toHaveLength(2);
  const total: Record<string, number> = {};
  for (const w of res.body.results) for (const [k, v] of Object.entries(w)) if (typeof v === 'number' && k.startsWith('total')) total[k] = (total[k] ?? 0) + v;
  return total;
}

async function finished(wfRunId: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const { status } = (await api.get(`/wfRun/${wfRunId}`)).body;
    if (status !== 'RUNNING') return status;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${wfRunId} did not finish`);
}

describe('metrics windows', () => {
  it('count started, completed and errored WfRuns and TaskRuns, with latencies', async () => {
    await put('/taskDef', { name: 'charge' });
    await put('/wfSpec', wfSpec('quick', { entrypoint: threadSpec([entry(), exit()]) }));
    await put('/wfSpec', wfSpec('billing', { entrypoint: threadSpec([entry(), task('charge', 'charge'), exit()]) }));
    for (let i = 0; i < 4; i++) await put('/wfRun', { wfSpecName: 'quick' });
    for (const id of ['b1', 'b2', 'b3']) await put('/wfRun', { wfSpecName: 'billing', id });
    for (const outcome of ['TASK_SUCCESS', 'TASK_SUCCESS', 'TASK_FAILED']) {
      const polled = await api.post('/pollTask', { taskDefId: { name: 'charge' }, clientId: 'w' });
      const failed = outcome === 'TASK_FAILED' ? { error: { type: 'DECLINED', message: 'card declined' } } : {};
      expectOk(await api.post('/reportTask', { taskRunId: polled.body.result.taskRunId, attemptNumber: 0, status: outcome, ...failed }));
    }
    expect((await Promise.all(['b1', 'b2', 'b3'].map(finished))).sort()).toEqual(['COMPLETED', 'COMPLETED', 'ERROR']);

    for (const length of ['MINUTES_5', 'HOURS_2', 'DAYS_1']) {
      expect(await summed('/wfSpec/quick', length)).toEqual({ totalStarted: 4, totalCompleted: 4, totalErrored: 0 });
      expect(await summed('/wfSpec/billing', length)).toEqual({ totalStarted: 3, totalCompleted: 2, totalErrored: 1 });
      expect(await summed('/taskDef/charge', length)).toEqual({ totalScheduled: 3, totalStarted: 3, totalCompleted: 2, totalErrored: 1 });
    }
    const now = (await api.get('/taskDef/charge/metrics?windowLength=DAYS_1')).body;
    expect(now).toMatchObject({ type: 'DAYS_1', taskDefName: 'charge' });
    expect(now.startToCompleteMax).toBeGreaterThanOrEqual(now.startToCompleteAvg);
    expect(now.scheduleToStartMax).toBeGreaterThanOrEqual(now.scheduleToStartAvg);
    const wf = (await api.get('/wfSpec/billing/metrics?majorVersion=0&revision=0&windowLength=DAYS_1')).body;
    expect(wf).toMatchObject({ wfSpecId: { name: 'billing', majorVersion: 0, revision: 0 }, type: 'DAYS_1' });
    expect(wf.startToCompleteMax).toBeGreaterThanOrEqual(wf.startToCompleteAvg);
    const old = (await api.get('/wfSpec/quick/metrics?windowStart=2020-01-01T00:03:00Z')).body;
    expect(old).toMatchObject({ windowStart: '2020-01-01T00:00:00.000Z', type: 'MINUTES_5', totalStarted: 0 });
  });

  it('GET /metrics serves the same counts to Prometheus, latency histograms, and queue depths', async () => {
    await put('/wfRun', { wfSpecName: 'billing', id: 'waiting-one' }); // its task waits in the queue
    const res = await request(server.app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const samples = parseSamples(res.text);
    const value = (name: string, labels: Record<string, string>) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    const tenant = 'metrics-1';
    expect(value('colt_wf_runs_total', { tenant, wf_spec: 'billing/0/0', event: 'completed' })).toBe(2);
    expect(value('colt_wf_runs_total', { tenant, wf_spec: 'billing/0/0', event: 'errored' })).toBe(1);
    expect(value('colt_wf_runs_total', { tenant, wf_spec: 'quick/0/0', event: 'started' })).toBe(4);
    expect(value('colt_task_runs_total', { tenant, task_def: 'charge', event: 'scheduled' })).toBe(4);
    expect(value('colt_task_run_latency_ms_count', { tenant, task_def: 'charge', phase: 'startToComplete' })).toBe(3);
    expect(value('colt_task_run_latency_ms_bucket', { tenant, task_def: 'charge', phase: 'startToComplete', le: '+Inf' })).toBe(3);
    expect(value('colt_wf_run_duration_ms_count', { tenant, wf_spec: 'quick/0/0' })).toBe(4);
    expect(value('colt_task_queue_jobs', { tenant, task_def: 'charge', state: 'waiting' })).toBe(1);
  });

  it('refuses unknown specs and bad windows, naming the field', async () => {
    expectError(await api.get('/taskDef/nope/metrics'), 404, 'NOT_FOUND');
    expectError(await api.get('/wfSpec/nope/metrics/list'), 404, 'NOT_FOUND');
    expectError(await api.get('/taskDef/charge/metrics?windowLength=WEEKS_1'), 400, 'INVALID_ARGUMENT', 'windowLength');
    expectError(await api.get('/taskDef/charge/metrics/list?numWindows=0'), 400, 'INVALID_ARGUMENT', 'numWindows');
    expectError(await api.get('/taskDef/charge/metrics?windowStart=soon'), 400, 'INVALID_ARGUMENT', 'windowStart');
  });
});

/** Prometheus text format samples: `name{k="v",...} value`. */
function parseSamples(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  return text.split('\n').flatMap((line) => {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) return [];
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]));
    return [{ name: m[1]!, labels, value: Number(m[3]) }];
  });
}
