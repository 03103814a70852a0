// Code workflows (Cloudflare WorkflowEntrypoint classes) for tests of the code model. Side effects are
// counted in Redis through `env`, so a test can tell how many times a step's callback really ran.
import type { Redis } from 'ioredis';
import { NonRetryableError, WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from '../../workers/cloudflare/index.ts';

export interface ProbeEnv { redis: Redis; prefix: string }

/** The Redis key counting runs of step `name` of instance `id`. */
export function probeKey(prefix: string, id: string, name: string): string {
  return `${prefix}:probe:${id}:${name}`;
}

abstract class Probed<P = unknown> extends WorkflowEntrypoint<ProbeEnv, P> {
  /** Counts one run of a step callback. */
  protected count(event: WorkflowEvent<P>, name: string): Promise<number> {
    return this.env.redis.incr(probeKey(this.env.prefix, event.instanceId, name));
  }
}

/** Two steps; the second's first attempt hangs (the test kills the worker then). */
export class Memo extends Probed {
  async run(event: WorkflowEvent, step: WorkflowStep) {
    const first = await step.do('first', async () => this.count(event, 'first'));
    const slow = await step.do('slow', { retries: { limit: 2, delay: 100, backoff: 'constant' } }, async (ctx) => {
      await this.count(event, 'slow');
      if (ctx.attempt === 1) await new Promise((resolve) => setTimeout(resolve, 60_000));
      return `done on attempt ${ctx.attempt}`;
    });
    return { first, slow };
  }
}

export interface BackoffParams { backoff: 'constant' | 'linear' | 'exponential'; delay: number; limit: number }

/** A step that always fails; run() catches the memoised failure, sleeps, and returns it. */
export class Backoff extends Probed<BackoffParams> {
  async run(event: WorkflowEvent<BackoffParams>, step: WorkflowStep) {
    const { backoff, delay, limit } = event.payload;
    let caught = '';
    try {
      await step.do('flaky', { retries: { limit, delay, backoff } }, async () => {
        await this.count(event, 'flaky');
        throw new Error('boom');
      });
    } catch (err) {
      caught = (err as Error).message;
    }
    await step.sleep('after', 100);
    return { caught };
  }
}

export class Hangs extends WorkflowEntrypoint {
  async run(_event: WorkflowEvent, step: WorkflowStep) {
    return step.do('hang', { retries: { limit: 1, delay: 50 }, timeout: 200 }, () => new Promise((resolve) => setTimeout(resolve, 5_000).unref()));
  }
}

export class Refuses extends Probed {
  async run(event: WorkflowEvent, step: WorkflowStep) {
    return step.do('reject', { retries: { limit: 5, delay: 50 } }, async () => {
      await this.count(event, 'reject');
      throw new NonRetryableError('bad input');
    });
  }
}

/** Holds a moment (so events can arrive first), then takes two approvals and a timed-out wait. */
export class Approvals extends WorkflowEntrypoint {
  async run(_event: WorkflowEvent, step: WorkflowStep) {
    await step.sleep('hold', 300);
    const first = await step.waitForEvent<{ n: number }>('approval', { type: 'approval', timeout: '1 hour' });
    const second = await step.waitForEvent<{ n: number }>('approval', { type: 'approval', timeout: '1 hour' });
    let missing = 'arrived';
    try {
      await step.waitForEvent('never', { type: 'nothing', timeout: 200 });
    } catch (err) {
      missing = (err as Error).name;
    }
    return { first: first.payload.n, second: second.payload.n, missing };
  }
}

export class Sleeper extends WorkflowEntrypoint {
  async run(_event: WorkflowEvent, step: WorkflowStep) {
    await step.sleep('nap', 1_500);
    return step.do('after', async () => 'woke');
  }
}

/** A step busy for a while, then another: pausing mid-step waits for the step to end. */
export class Busy extends WorkflowEntrypoint {
  async run(_event: WorkflowEvent, step: WorkflowStep) {
    const work = await step.do('work', () => new Promise<string>((resolve) => setTimeout(() => resolve('worked'), 1_000)));
    const next = await step.do('next', async () => 'next');
    return [work, next];
  }
}

/** Three counted steps around an event, for restarts. */
export class Restartable extends Probed {
  async run(event: WorkflowEvent, step: WorkflowStep) {
    const one = await step.do('one', async () => this.count(event, 'one'));
    const two = await step.do('two', async () => this.count(event, 'two'));
    await step.waitForEvent('go', { type: 'go', timeout: '1 hour' });
    const three = await step.do('three', async () => this.count(event, 'three'));
    return { one, two, three };
  }
}

export const TEST_WORKFLOWS = { Memo, Backoff, Hangs, Refuses, Approvals, Sleeper, Busy, Restartable };
