// Colt's Cloudflare Workflows SDK: write WorkflowEntrypoint classes as for Cloudflare, run them with
// startWorkflowWorkers against Colt's Redis.
export { WorkflowEntrypoint, DEFAULT_STEP_CONFIG, DEFAULT_EVENT_TIMEOUT } from './workflow-entrypoint.ts';
export type {
  WorkflowEvent, WorkflowStep, WorkflowStepConfig, WorkflowStepContext, ReceivedWorkflowEvent, WorkflowClass,
} from './workflow-entrypoint.ts';
export { NonRetryableError, WorkflowTimeoutError } from './errors.ts';
export type { WorkflowBackoff, WorkflowDuration } from './durations.ts';
export { startWorkflowWorkers, type WorkflowWorkerOptions, type WorkflowWorkers } from './start-workflow-workers.ts';
