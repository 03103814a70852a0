// GET /metrics for Prometheus (prom-client): WfRun and TaskRun counters per WfSpec version and
// TaskDef, latency histograms, and the depth of each TaskDef's queue (what to autoscale workers on).
// Counts are cluster-wide running totals kept in Redis by each commit (whichever process made it,
// server or SDK worker), so every server reports the same numbers: aggregate them with max().
import { Queue } from 'bullmq';
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { Counter, Gauge, Registry, type Metric } from 'prom-client';
import type { Keys } from '../store/keys.ts';
import { LATENCY_BUCKETS_MS, type RedisRunMetrics } from '../store/redis/run-metrics.ts';

type Totals = Awaited<ReturnType<RedisRunMetrics['totals']>>;
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized'] as const;

export class PrometheusEndpoint {
  private readonly registry = new Registry();
  private totals: Totals = [];
  private depths: Array<{ tenant: string; taskDef: string; counts: Record<string, number> }> = [];
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly metrics: RedisRunMetrics, private readonly bull: Redis, private readonly keys: Keys) {
    const totals = () => this.totals;
    new Counter({
      name: 'colt_wf_runs_total', help: 'WfRuns started, completed and errored, per WfSpec version', labelNames: ['tenant', 'wf_spec', 'event'], registers: [this.registry],
      collect() {
        this.reset();
        for (const t of totals()) if (t.type === 'c' && t.kind === 'wf') this.inc({ tenant: t.tenant, wf_spec: t.subject, event: t.name }, t.value);
      },
    });
    new Counter({
      name: 'colt_task_runs_total', help: 'TaskRuns scheduled, started, completed and errored, per TaskDef', labelNames: ['tenant', 'task_def', 'event'], registers: [this.registry],
      collect() {
        this.reset();
        for (const t of totals()) if (t.type === 'c' && t.kind === 'task') this.inc({ tenant: t.tenant, task_def: t.subject, event: t.name }, t.value);
      },
    });
    const depths = () => this.depths;
    new Gauge({
      name: 'colt_task_queue_jobs', help: 'Jobs in each TaskDef queue, by state', labelNames: ['tenant', 'task_def', 'state'], registers: [this.registry],
      collect() {
        this.reset();
        for (const d of depths()) for (const [state, n] of Object.entries(d.counts)) this.set({ tenant: d.tenant, task_def: d.taskDef, state }, n);
      },
    });
    this.registry.registerMetric(histogram('colt_wf_run_duration_ms', 'WfRun start to end, per WfSpec version', 'wf', 'wf_spec', totals));
    this.registry.registerMetric(histogram('colt_task_run_latency_ms', 'TaskRun schedule-to-start and start-to-complete, per TaskDef', 'task', 'task_def', totals));
  }

  readonly handler: RequestHandler = async (_req, res) => {
    [this.totals, this.depths] = await Promise.all([this.metrics.totals(), this.queueDepths()]);
    res.type(this.registry.contentType).send(await this.registry.metrics());
  };

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  /** Every TaskDef queue (`task.<tenant>.<taskDef>`) under Colt's BullMQ prefix. */
  private async queueDepths() {
    const prefix = this.keys.queuePrefix();
    const names = new Set<string>();
    let cursor = '0';
    do {
      const [next, found] = await this.bull.scan(cursor, 'MATCH', `${prefix}:task.*:meta`, 'COUNT', 1000);
      cursor = next;
      for (const key of found) names.add(key.slice(prefix.length + 1, -':meta'.length));
    } while (cursor !== '0');
    return Promise.all([...names].map(async (name) => {
      let queue = this.queues.get(name);
      if (!queue) this.queues.set(name, (queue = new Queue(name, { connection: this.bull, prefix })));
      const [, tenant = '', taskDef = ''] = name.split('.');
      return { tenant, taskDef, counts: await queue.getJobCounts(...QUEUE_STATES) };
    }));
  }
}

/**
 * A histogram whose buckets come from the running totals (prom-client's Histogram only counts
 * observations made in this process). Latencies of tasks carry their phase as a label.
 */
function histogram(name: string, help: string, kind: string, subjectLabel: string, totals: () => Totals): Metric {
  const metric = {
    name, help, type: 'histogram', aggregator: 'max',
    async get() {
      const groups = new Map<string, { labels: Record<string, string>; buckets: Map<string, number>; sum: number }>();
      for (const t of totals()) {
        if (t.kind !== kind || t.type === 'c') continue;
        const labels = { tenant: t.tenant, [subjectLabel]: t.subject, ...(kind === 'task' ? { phase: t.name } : {}) };
        const id = JSON.stringify(labels);
        const group = groups.get(id) ?? { labels, buckets: new Map<string, number>(), sum: 0 };
        groups.set(id, group);
        if (t.type === 's') group.sum = t.value;
        else group.buckets.set(t.le ?? '+Inf', t.value);
      }
      const values = [...groups.values()].flatMap(({ labels, buckets, sum }) => {
        // Buckets are kept cumulative: one with no field had no observation at or under its bound.
        const bucketValues = [...LATENCY_BUCKETS_MS.map(String), '+Inf'].map((le) => ({ labels: { ...labels, le }, value: buckets.get(le) ?? 0, metricName: `${name}_bucket` }));
        const count = buckets.get('+Inf') ?? 0;
        return [...bucketValues, { labels, value: sum, metricName: `${name}_sum` }, { labels, value: count, metricName: `${name}_count` }];
      });
      return { name, help, type: 'histogram', aggregator: 'max', values };
    },
    reset() {},
  };
  return metric as unknown as Metric;
}
