// The Cloudflare Workflows programming model: a class extending WorkflowEntrypoint whose `run(event,
// step)` builds its state only from step results, so that it can be replayed after any crash or wait.
import type { WorkflowBackoff, WorkflowDuration } from './durations.ts';

export interface WorkflowEvent<T = unknown> {
  readonly payload: Readonly<T>;
  /** When the instance was created. */
  readonly timestamp: Date;
  readonly instanceId: string;
  readonly workflowName: string;
}

export interface WorkflowStepConfig {
  retries?: { limit?: number; delay?: WorkflowDuration; backoff?: WorkflowBackoff };
  timeout?: WorkflowDuration;
  sensitive?: 'output';
}

export interface WorkflowStepContext {
  step: { name: string; count: number };
  /** 1-based. */
  attempt: number;
  config: ResolvedStepConfig;
}

export interface ResolvedStepConfig {
  retries: { limit: number; delay: WorkflowDuration; backoff: WorkflowBackoff };
  timeout: WorkflowDuration;
  sensitive?: 'output';
}

export interface ReceivedWorkflowEvent<T = unknown> { payload: T; timestamp: Date; type: string }

export interface WorkflowStep {
  do<T>(name: string, callback: (ctx: WorkflowStepContext) => Promise<T> | T): Promise<T>;
  do<T>(name: string, config: WorkflowStepConfig, callback: (ctx: WorkflowStepContext) => Promise<T> | T): Promise<T>;
  sleep(name: string, duration: WorkflowDuration): Promise<void>;
  sleepUntil(name: string, timestamp: Date | number): Promise<void>;
  waitForEvent<T = unknown>(name: string, options: { type: string; timeout?: WorkflowDuration }): Promise<ReceivedWorkflowEvent<T>>;
}

/** Cloudflare's documented defaults: 5 retries, 10 s apart, doubling; 10 minutes per attempt. */
export const DEFAULT_STEP_CONFIG: ResolvedStepConfig = {
  retries: { limit: 5, delay: 10_000, backoff: 'exponential' },
  timeout: '10 minutes',
};

/** Cloudflare's default waitForEvent timeout. */
export const DEFAULT_EVENT_TIMEOUT = '24 hours';

export abstract class WorkflowEntrypoint<Env = unknown, Params = unknown> {
  constructor(protected readonly ctx: unknown = undefined, protected readonly env: Env = undefined as Env) {}

  abstract run(event: WorkflowEvent<Params>, step: WorkflowStep): Promise<unknown>;
}

export type WorkflowClass<Env = unknown> = new (ctx: unknown, env: Env) => WorkflowEntrypoint<Env, any>;
