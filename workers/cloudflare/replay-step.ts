// The `step` object of one execution of run(): steps already recorded return (or throw) their recorded
// result without running again; new ones run and are recorded first. When a step has to wait (a sleep,
// an event, a retry delay) the execution halts: that step's promise never settles, and the executor
// ends the job and queues the next one for when it is due.
import type { FencedResult } from '../../src/store/redis/code-instance-store.ts';
import type { ReceivedEventRecord, StepRecord } from '../../src/store/code-instance-records.ts';
import { durationMs, retryDelayMs, type WorkflowDuration } from './durations.ts';
import { errorData, isNonRetryable, rebuiltError, WorkflowTimeoutError } from './errors.ts';
import {
  DEFAULT_EVENT_TIMEOUT, DEFAULT_STEP_CONFIG, type ReceivedWorkflowEvent, type ResolvedStepConfig, type WorkflowStep,
  type WorkflowStepConfig, type WorkflowStepContext,
} from './workflow-entrypoint.ts';

export interface ReplayIO {
  records: Record<string, StepRecord>;
  events: ReceivedEventRecord[];
  /** Records a step; `boundary` lets a requested pause win. Anything but 'ok' ends the execution. */
  write(key: string, record: StepRecord, boundary: boolean): Promise<FencedResult>;
  now(): number;
  maxSteps: number;
}

type StepRecordOf<T extends StepRecord['type']> = Extract<StepRecord, { type: T }>;
type Callback<T> = (ctx: WorkflowStepContext) => Promise<T> | T;

const MAX_STEP_NAME = 256;
/** What a step's run answers when the execution halted in it. */
const HALTED = Symbol('halted');
const MAX_OUTPUT_BYTES = 1024 * 1024;

export class ReplayStep implements WorkflowStep {
  private readonly counts = new Map<string, number>();
  private readonly inflight = new Set<Promise<unknown>>();
  private wake: number | null = null;
  /** A write was refused (paused, terminated, restarted): nothing more is recorded or queued. */
  private stopped = false;
  private signalHalt: () => void = () => undefined;
  /** Settles when the execution halts. */
  readonly halted = new Promise<void>((resolve) => (this.signalHalt = resolve));

  constructor(private readonly io: ReplayIO) {}

  /** When the instance should run again (Infinity: only when resumed); null while not halted. */
  get wakeAt(): number | null {
    return this.stopped ? Infinity : this.wake;
  }

  /** Waits for the step attempts still running when the execution halted, so none is left half recorded. */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  do<T>(name: string, configOrCallback: WorkflowStepConfig | Callback<T>, maybeCallback?: Callback<T>): Promise<T> {
    const [config, callback] = typeof configOrCallback === 'function' ? [{}, configOrCallback] : [configOrCallback, maybeCallback];
    if (typeof callback !== 'function') return Promise.reject(new TypeError(`step.do ${name}: the last argument must be a function`));
    const { key, count } = this.keyOf('step', name);
    const recorded = this.io.records[key];
    if (recorded?.type === 'step' && recorded.success === true) return Promise.resolve(recorded.output as T);
    if (recorded?.type === 'step' && recorded.success === false) return Promise.reject(rebuiltError(recorded.error ?? { name: 'Error', message: 'failed' }));
    if (this.wake !== null) return this.halt(this.io.now());
    const running = this.runStep(key, name, count, resolveConfig(config), callback, recorded?.type === 'step' ? recorded : undefined);
    this.inflight.add(running);
    void running.finally(() => this.inflight.delete(running)).catch(() => undefined);
    return running.then((r) => (r === HALTED ? new Promise<T>(() => undefined) : r.value));
  }

  async sleep(name: string, duration: WorkflowDuration): Promise<void> {
    const ms = durationMs(duration, `step.sleep ${name}`);
    return this.sleepStep(name, () => this.io.now() + ms);
  }

  async sleepUntil(name: string, timestamp: Date | number): Promise<void> {
    const until = timestamp instanceof Date ? timestamp.getTime() : timestamp;
    return this.sleepStep(name, () => {
      if (until < this.io.now()) throw new RangeError(`step.sleepUntil ${name}: ${new Date(until).toISOString()} is in the past`);
      return until;
    });
  }

  async waitForEvent<T = unknown>(name: string, options: { type: string; timeout?: WorkflowDuration }): Promise<ReceivedWorkflowEvent<T>> {
    const { key } = this.keyOf('waitForEvent', name);
    let record = this.io.records[key] as StepRecordOf<'waitForEvent'> | undefined;
    if (!record?.finished && this.wake !== null) return this.halt(this.io.now());
    if (!record) {
      const timeoutMs = durationMs(options.timeout ?? DEFAULT_EVENT_TIMEOUT, `step.waitForEvent ${name}: timeout`);
      record = { type: 'waitForEvent', seq: this.nextSeq(), name, start: this.iso(), event_type: options.type, deadline: this.io.now() + timeoutMs, finished: false, end: null };
      if (!(await this.save(key, record, true))) return this.halt(Infinity);
    }
    if (!record.finished) {
      const index = this.unclaimedEvent(options.type);
      if (index !== null) record = { ...record, finished: true, end: this.iso(), eventIndex: index, output: this.eventsOf(options.type)[index] };
      else if (this.io.now() >= record.deadline) {
        const error = { name: 'WorkflowTimeoutError', message: `no ${options.type} event arrived in time` };
        record = { ...record, finished: true, end: this.iso(), error };
      } else return this.halt(record.deadline);
      if (!(await this.save(key, record, false))) return this.halt(Infinity);
    }
    if (!record.output) throw rebuiltError(record.error ?? { name: 'WorkflowTimeoutError', message: 'timed out' });
    return { payload: record.output.payload as T, timestamp: new Date(record.output.timestamp), type: record.output.type };
  }

  private async sleepStep(name: string, until: () => number): Promise<void> {
    const { key } = this.keyOf('sleep', name);
    let record = this.io.records[key] as StepRecordOf<'sleep'> | undefined;
    if (record?.finished) return;
    if (this.wake !== null) return this.halt(this.io.now());
    if (!record) {
      record = { type: 'sleep', seq: this.nextSeq(), name, start: this.iso(), until: until(), finished: false };
      if (!(await this.save(key, record, true))) return this.halt(Infinity);
    }
    if (this.io.now() < record.until) return this.halt(record.until);
    if (!(await this.save(key, { ...record, finished: true }, false))) return this.halt(Infinity);
  }

  /** Runs the attempts a step still has, recording each before it runs and when it ends. */
  private async runStep<T>(
    key: string, name: string, count: number, config: ResolvedStepConfig, callback: Callback<T>, recorded?: StepRecordOf<'step'>,
  ): Promise<{ value: T } | typeof HALTED> {
    let record: StepRecordOf<'step'> = recorded ?? this.newStepRecord(name, config);
    for (;;) {
      if (record.nextAttemptAt !== undefined && this.io.now() < record.nextAttemptAt) return this.markHalted(record.nextAttemptAt);
      const lost = record.attempts.at(-1);
      if (lost && lost.end === null) {
        // The executor running this attempt stopped before it ended: it counts as a failed attempt.
        record = this.attemptFailed(record, config, { name: 'WorkerLost', message: 'the worker running this attempt stopped' }, false);
        if (!(await this.save(key, record, false))) return this.markHalted(Infinity);
        continue;
      }
      const { nextAttemptAt: _, ...rest } = record;
      record = { ...rest, attempts: [...record.attempts, { start: this.iso(), end: null, success: null, error: null }] };
      if (!(await this.save(key, record, true))) return this.markHalted(Infinity);
      const ctx: WorkflowStepContext = { step: { name, count }, attempt: record.attempts.length, config };
      let output: T;
      try {
        output = checkedOutput(await withTimeout(Promise.resolve().then(() => callback(ctx)), durationMs(config.timeout, `step.do ${name}: timeout`)));
      } catch (err) {
        record = this.attemptFailed(record, config, errorData(err), isNonRetryable(err));
        if (!(await this.save(key, record, false))) return this.markHalted(Infinity);
        if (record.success === false) throw rebuiltError(record.error ?? errorData(err));
        continue;
      }
      record = { ...record, end: this.iso(), success: true, output, attempts: ended(record.attempts, { end: this.iso(), success: true, error: null }) };
      if (!(await this.save(key, record, false))) return this.markHalted(Infinity);
      return { value: output };
    }
  }

  /** The record after its last attempt failed: retried after the backoff, or failed for good. */
  private attemptFailed(record: StepRecordOf<'step'>, config: ResolvedStepConfig, error: { name: string; message: string }, final: boolean): StepRecordOf<'step'> {
    const attempt = record.attempts.length;
    const { limit, backoff } = config.retries;
    if (final || attempt > limit) {
      return { ...record, end: this.iso(), success: false, error, attempts: ended(record.attempts, { end: this.iso(), success: false, error }) };
    }
    const delay = retryDelayMs(backoff, durationMs(config.retries.delay, `${record.name}: retries.delay`), attempt);
    const attempts = ended(record.attempts, { end: this.iso(), success: false, error, delay_ms: delay });
    return { ...record, attempts, nextAttemptAt: this.io.now() + delay };
  }

  private newStepRecord(name: string, config: ResolvedStepConfig): StepRecordOf<'step'> {
    const steps = Object.values(this.io.records).filter((r) => r.type === 'step').length;
    if (steps >= this.io.maxSteps) throw new Error(`The limit of ${this.io.maxSteps} steps has been reached`);
    const retries = { ...config.retries, limit: Number.isFinite(config.retries.limit) ? config.retries.limit : -1 };
    return { type: 'step', seq: this.nextSeq(), name, start: this.iso(), end: null, success: null, config: { ...config, retries }, attempts: [] };
  }

  /** Keeps the record for later steps of this execution and writes it; false when the execution must end. */
  private async save(key: string, record: StepRecord, boundary: boolean): Promise<boolean> {
    this.io.records[key] = record;
    const written = (await this.io.write(key, record, boundary)) === 'ok';
    if (!written) this.stopped = true;
    return written;
  }

  /** Halts the execution; the returned promise never settles (this run() is abandoned). */
  private halt<T>(wakeAt: number): Promise<T> {
    this.markHalted(wakeAt);
    return new Promise<T>(() => undefined);
  }

  private markHalted(wakeAt: number): typeof HALTED {
    this.wake = Math.min(this.wake ?? Infinity, wakeAt);
    this.signalHalt();
    return HALTED;
  }

  /** Storage key `<kind>:<name>-<count>`: names are counted per kind, as the log shows `<name>-<count>`. */
  private keyOf(kind: StepRecord['type'], name: string): { key: string; count: number } {
    if (name.length === 0 || name.length > MAX_STEP_NAME || /[\u0000-\u001f\u007f]/.test(name)) {
      throw new TypeError(`step name ${JSON.stringify(name.slice(0, 40))}: must be 1-${MAX_STEP_NAME} characters without control characters`);
    }
    const count = (this.counts.get(`${kind}:${name}`) ?? 0) + 1;
    this.counts.set(`${kind}:${name}`, count);
    return { key: stepKey(kind, name, count), count };
  }

  private nextSeq(): number {
    return Math.max(0, ...Object.values(this.io.records).map((r) => r.seq)) + 1;
  }

  private eventsOf(type: string): ReceivedEventRecord[] {
    return this.io.events.filter((e) => e.type === type);
  }

  /** The first received event of `type` that no recorded wait took, as its index among events of that type. */
  private unclaimedEvent(type: string): number | null {
    const taken = new Set<number>();
    for (const r of Object.values(this.io.records)) {
      if (r.type === 'waitForEvent' && r.event_type === type && r.eventIndex !== undefined) taken.add(r.eventIndex);
    }
    const all = this.eventsOf(type);
    for (let i = 0; i < all.length; i++) if (!taken.has(i)) return i;
    return null;
  }

  private iso(): string {
    return new Date(this.io.now()).toISOString();
  }
}

export function stepKey(kind: StepRecord['type'], name: string, count: number): string {
  return `${kind}:${name}-${count}`;
}

function resolveConfig(config: WorkflowStepConfig): ResolvedStepConfig {
  const known = new Set(['retries', 'timeout', 'sensitive']);
  const unknown = Object.keys(config).find((k) => !known.has(k));
  if (unknown !== undefined) throw new TypeError(`step config: unknown key ${unknown}`);
  return {
    retries: { ...DEFAULT_STEP_CONFIG.retries, ...config.retries },
    timeout: config.timeout ?? DEFAULT_STEP_CONFIG.timeout,
    ...(config.sensitive ? { sensitive: config.sensitive } : {}),
  };
}

function ended(attempts: StepRecordOf<'step'>['attempts'], end: Partial<StepRecordOf<'step'>['attempts'][number]>): StepRecordOf<'step'>['attempts'] {
  const last = attempts.at(-1);
  return last ? [...attempts.slice(0, -1), { ...last, ...end }] : attempts;
}

/**
 * A step's output as a replay will see it (it is kept as JSON), so the first run and every replay get
 * the same value; at most 1 MiB.
 */
function checkedOutput<T>(output: T): T {
  if (output === undefined) return output;
  structuredClone(output);
  const json = JSON.stringify(output);
  if (json === undefined) return undefined as T;
  if (Buffer.byteLength(json) > MAX_OUTPUT_BYTES) throw new RangeError('step output is larger than 1 MiB');
  return JSON.parse(json) as T;
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WorkflowTimeoutError(`Execution timed out after ${ms}ms`)), Math.min(ms, 2 ** 31 - 1));
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
