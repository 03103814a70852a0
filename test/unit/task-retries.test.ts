// Task retries and timeouts through the pure reducer: exponential backoff between attempts, the
// timeout counted from the claim, stale timers, and which attempt statuses are retried.
import { describe, expect, it } from 'vitest';
import type { Effect, TimerCommand } from '../../src/engine/commands.ts';
import type { ScheduledTask, TaskRun } from '../../src/engine/types.ts';
import { ColtError } from '../../src/errors.ts';
import { Driver } from '../support/engine-driver.ts';
import { entry, exit, task, threadSpec, wfSpec } from '../support/spec-builder.ts';
import { compileSpec, taskDef } from '../support/specs.ts';

const flaky = taskDef('flaky', [], 'STR');

/** ENTRYPOINT -> TASK flaky (with `extra` on the TASK node) -> EXIT. */
const specWith = (extra: object) =>
  compileSpec(wfSpec('retrying', { entrypoint: threadSpec([entry(), task('call', 'flaky', [], extra), exit()]) }), [flaky]);

function started(extra: object): Driver {
  const d = new Driver({ retrying: specWith(extra) }, [flaky]);
  d.start('retrying', 'r');
  return d;
}

const taskRunOf = (d: Driver): TaskRun => Object.values(d.run('r').taskRuns)[0] as TaskRun;
const statuses = (d: Driver) => taskRunOf(d).attempts.map((a) => a.status);
const failed = { status: 'TASK_FAILED', error: { type: 'TASK_FAILED', message: 'flaked' } } as const;
const armedTimers = (d: Driver) => d.otherEffects.filter((e): e is Extract<Effect, { type: 'ArmTimer' }> => e.type === 'ArmTimer');

function claim(d: Driver, t: ScheduledTask, taskWorkerId = 'w1') {
  return d.apply('r', { type: 'TaskClaimed', taskGuid: t.taskRunId.taskGuid, attemptNumber: t.attemptNumber, taskWorkerId });
}

function fire(d: Driver, command: TimerCommand) {
  return d.apply('r', command);
}

describe('PutWfSpec: exponentialBackoff', () => {
  it('accepts the policy, int64 fields given as strings', () => {
    const spec = specWith({ retries: 2, exponentialBackoff: { baseIntervalMs: '250', maxDelayMs: '10000', multiplier: 2 } });
    expect(spec.threadSpecs.entrypoint?.nodes.call?.task?.exponentialBackoff).toEqual({ baseIntervalMs: 250, maxDelayMs: 10_000, multiplier: 2 });
  });

  it.each([
    ['a zero baseIntervalMs', { baseIntervalMs: 0, maxDelayMs: 100, multiplier: 2 }, 'baseIntervalMs'],
    ['a baseIntervalMs that is not an integer', { baseIntervalMs: 'soon', maxDelayMs: 100, multiplier: 2 }, 'baseIntervalMs'],
    ['a multiplier below 1.0', { baseIntervalMs: 10, maxDelayMs: 100, multiplier: 0.5 }, 'multiplier'],
    ['no multiplier', { baseIntervalMs: 10, maxDelayMs: 100 }, 'multiplier'],
    ['no maxDelayMs', { baseIntervalMs: 10, multiplier: 2 }, 'maxDelayMs'],
    ['a maxDelayMs below baseIntervalMs', { baseIntervalMs: 10, maxDelayMs: 5, multiplier: 2 }, 'maxDelayMs'],
    ['a policy that is not an object', 'fast', 'exponentialBackoff'],
  ])('refuses %s with INVALID_ARGUMENT naming the field', (_case, policy, field) => {
    let err: unknown;
    try {
      specWith({ retries: 1, exponentialBackoff: policy });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ColtError);
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const named = ((err as ColtError).details as { field: string }).field;
    expect(named).toBe(`threadSpecs.entrypoint.nodes.call.task.exponentialBackoff${field === 'exponentialBackoff' ? '' : `.${field}`}`);
  });
});

describe('exponential backoff', () => {
  it('creates each retry TASK_PENDING behind a timer of min(base × multiplier^(n−1), max) ms', () => {
    const d = started({ retries: 4, exponentialBackoff: { baseIntervalMs: 100, maxDelayMs: 300, multiplier: 1.5 } });
    const delays: number[] = [];
    for (let n = 1; n <= 4; n++) {
      d.workOne('flaky', failed);
      expect(statuses(d).at(-1)).toBe('TASK_PENDING');
      expect(taskRunOf(d).status).toBe('TASK_PENDING');
      expect(taskRunOf(d).attempts.at(-1)?.scheduleTime).toBeUndefined();
      expect(d.queued(), 'nothing is dispatched while the retry waits').toEqual([]);
      const timer = armedTimers(d).at(-1);
      expect(timer?.command).toEqual({ type: 'TaskRetryDue', taskGuid: taskRunOf(d).id.taskGuid, attemptNumber: n });
      delays.push(timer?.delayMs ?? -1);
      d.fireTimers();
      expect(statuses(d).at(-1)).toBe('TASK_SCHEDULED');
      expect(taskRunOf(d).status).toBe('TASK_SCHEDULED');
      expect(d.queued().map((t) => t.attemptNumber)).toEqual([n]);
    }
    expect(delays).toEqual([100, 150, 225, 300]); // 337.5 is capped at maxDelayMs
    d.workOne('flaky', failed);
    expect(statuses(d)).toEqual(['TASK_FAILED', 'TASK_FAILED', 'TASK_FAILED', 'TASK_FAILED', 'TASK_FAILED']);
    expect(d.run('r').wfRun.status).toBe('ERROR');
    expect(d.run('r').nodeRuns['0/1']?.failures[0]?.failureName).toBe('TASK_FAILURE');
  });

  it('records the policy on the TaskRun and completes the node when a backed-off retry succeeds', () => {
    const d = started({ retries: 1, exponentialBackoff: { baseIntervalMs: 1000, maxDelayMs: 60_000, multiplier: 2 } });
    expect(taskRunOf(d).exponentialBackoff).toEqual({ baseIntervalMs: 1000, maxDelayMs: 60_000, multiplier: 2 });
    d.workOne('flaky', failed);
    d.fireTimers();
    d.workOne('flaky', { output: { str: 'ok' } });
    expect(statuses(d)).toEqual(['TASK_FAILED', 'TASK_SUCCESS']);
    expect(d.run('r').wfRun.status).toBe('COMPLETED');
  });

  it('without a policy dispatches the retry at once, arming no timer', () => {
    const d = started({ retries: 1 });
    d.workOne('flaky', failed);
    expect(statuses(d)).toEqual(['TASK_FAILED', 'TASK_SCHEDULED']);
    expect(d.queued().map((t) => t.attemptNumber)).toEqual([1]);
    expect(armedTimers(d)).toEqual([]);
  });

  it('ignores a retry timer that fires again, or for an attempt that is not PENDING', () => {
    const d = started({ retries: 2, exponentialBackoff: { baseIntervalMs: 100, maxDelayMs: 1000, multiplier: 2 } });
    d.workOne('flaky', failed);
    const [due] = d.timers;
    d.fireTimers();
    d.workOne('flaky', { output: { str: 'ok' } });
    const before = structuredClone(d.run('r'));
    fire(d, due!.command);
    fire(d, { type: 'TaskRetryDue', taskGuid: taskRunOf(d).id.taskGuid, attemptNumber: 0 });
    fire(d, { type: 'TaskRetryDue', taskGuid: taskRunOf(d).id.taskGuid, attemptNumber: 7 });
    expect(d.run('r')).toEqual(before);
    expect(d.queued()).toEqual([]);
  });
});

describe('timeout from the claim', () => {
  it('arms a timer of timeoutSeconds when a worker claims the attempt, and none for a second claim', () => {
    const d = started({ timeoutSeconds: 7 });
    const [t] = d.queued();
    expect(t?.timeoutSeconds).toBe(7);
    expect(armedTimers(d), 'an unclaimed task waits forever').toEqual([]);
    claim(d, t!);
    expect(armedTimers(d)).toEqual([
      { type: 'ArmTimer', timerId: `task.${t!.taskRunId.taskGuid}.0.timeout`, delayMs: 7_000, command: { type: 'TaskAttemptTimedOut', taskGuid: t!.taskRunId.taskGuid, attemptNumber: 0 } },
    ]);
    claim(d, t!, 'w2');
    expect(armedTimers(d)).toHaveLength(1);
    expect(taskRunOf(d).attempts[0]?.taskWorkerId).toBe('w1');
  });

  it('defaults to 60 s when the node says 0', () => {
    const d = started({ timeoutSeconds: 0 });
    const [t] = d.queued();
    expect(t?.timeoutSeconds).toBe(60);
    claim(d, t!);
    expect(armedTimers(d)[0]?.delayMs).toBe(60_000);
  });

  it('a RUNNING attempt whose timer fires is TASK_TIMEOUT and is retried; its late report is ignored', () => {
    const d = started({ timeoutSeconds: 5, retries: 1 });
    const [first] = d.queued();
    claim(d, first!);
    d.fireTimers();
    expect(statuses(d)).toEqual(['TASK_TIMEOUT', 'TASK_SCHEDULED']);
    expect(taskRunOf(d).attempts[0]).toMatchObject({ status: 'TASK_TIMEOUT', endTime: expect.any(String), error: { type: 'TIMEOUT' } });
    expect(d.queued().map((t) => t.attemptNumber)).toEqual([0, 1]);
    const before = structuredClone(d.run('r'));
    d.workOne('flaky', { output: { str: 'too late' } }); // attempt 0, the first queued
    expect(d.run('r')).toEqual(before);
    d.workOne('flaky', { output: { str: 'in time' } });
    expect(statuses(d)).toEqual(['TASK_TIMEOUT', 'TASK_SUCCESS']);
    expect(d.run('r').wfRun.status).toBe('COMPLETED');
  });

  it('the last attempt timing out fails the node with TIMEOUT', () => {
    const d = started({ timeoutSeconds: 5 });
    claim(d, d.queued()[0]!);
    d.fireTimers();
    expect(taskRunOf(d).status).toBe('TASK_TIMEOUT');
    const node = d.run('r').nodeRuns['0/1'];
    expect(node?.status).toBe('ERROR');
    expect(node?.failures).toEqual([{ failureName: 'TIMEOUT', message: 'no result within 5 s of the claim', wasProperlyHandled: false }]);
    expect(d.run('r').wfRun.status).toBe('ERROR');
  });

  it('a timed-out attempt with a backoff policy waits PENDING for its retry timer', () => {
    const d = started({ timeoutSeconds: 5, retries: 1, exponentialBackoff: { baseIntervalMs: 500, maxDelayMs: 5000, multiplier: 2 } });
    claim(d, d.queued()[0]!);
    d.fireTimers();
    expect(statuses(d)).toEqual(['TASK_TIMEOUT', 'TASK_PENDING']);
    expect(armedTimers(d).at(-1)).toMatchObject({ delayMs: 500, command: { type: 'TaskRetryDue', attemptNumber: 1 } });
  });

  it('a timeout timer for an attempt that already reported changes nothing', () => {
    const d = started({ timeoutSeconds: 5, retries: 1 });
    claim(d, d.queued()[0]!);
    d.workOne('flaky', { output: { str: 'ok' } });
    const before = structuredClone(d.run('r'));
    d.fireTimers();
    expect(d.run('r')).toEqual(before);
    expect(d.run('r').wfRun.status).toBe('COMPLETED');
  });

  it('a timeout timer for an attempt never claimed (SCHEDULED) changes nothing', () => {
    const d = started({ timeoutSeconds: 5 });
    const before = structuredClone(d.run('r'));
    fire(d, { type: 'TaskAttemptTimedOut', taskGuid: taskRunOf(d).id.taskGuid, attemptNumber: 0 });
    expect(d.run('r')).toEqual(before);
  });

  it('TASK_TIMEOUT reported by the SDK worker (no claim) is retried, and fails the node with TIMEOUT at the end', () => {
    const d = started({ retries: 1 });
    const error = { type: 'TIMEOUT', message: 'the handler did not finish within 60 s' };
    const taskGuid = taskRunOf(d).id.taskGuid;
    d.apply('r', { type: 'TaskReported', taskGuid, attemptNumber: 0, status: 'TASK_TIMEOUT', error });
    expect(statuses(d)).toEqual(['TASK_TIMEOUT', 'TASK_SCHEDULED']);
    d.apply('r', { type: 'TaskReported', taskGuid, attemptNumber: 1, status: 'TASK_TIMEOUT', error });
    expect(d.run('r').nodeRuns['0/1']?.failures).toEqual([{ failureName: 'TIMEOUT', message: error.message, wasProperlyHandled: false }]);
  });
});

describe('what is retried', () => {
  it('never retries TASK_EXCEPTION, even with retries and a backoff policy', () => {
    const d = started({ retries: 3, exponentialBackoff: { baseIntervalMs: 100, maxDelayMs: 1000, multiplier: 2 } });
    d.workOne('flaky', { status: 'TASK_EXCEPTION', exception: { name: 'card-declined', message: 'no' } });
    expect(statuses(d)).toEqual(['TASK_EXCEPTION']);
    expect(armedTimers(d)).toEqual([]);
    expect(d.run('r').wfRun.status).toBe('EXCEPTION');
  });

  it('never retries an output that does not match the TaskDef (TASK_OUTPUT_SERDE_ERROR)', () => {
    const d = started({ retries: 3 });
    d.workOne('flaky', { output: { int: 1 } });
    expect(statuses(d)).toEqual(['TASK_OUTPUT_SERDE_ERROR']);
    expect(d.run('r').nodeRuns['0/1']?.failures[0]?.failureName).toBe('VAR_MUTATION_ERROR');
  });
});
