// Builds the services of the Cloudflare-compatible API over Colt's stores and services.
import type { Redis } from 'ioredis';
import { CodeWorkflowQueues } from '../dispatch/code-workflow-queues.ts';
import type { Bookmarks } from '../store/bookmarks.ts';
import type { Keys } from '../store/keys.ts';
import { RedisCloudflareStore } from '../store/redis/cloudflare-store.ts';
import { RedisCodeInstanceStore } from '../store/redis/code-instance-store.ts';
import { RedisCodeWorkflowStore } from '../store/redis/code-workflow-store.ts';
import type { RedisMetadataStore } from '../store/redis/metadata-store.ts';
import type { RedisRunStore } from '../store/redis/run-store.ts';
import { CloudflareCatalog } from './cloudflare-catalog.ts';
import { CloudflareCodeInstances } from './cloudflare-code-instances.ts';
import { CloudflareCodeWorkflows } from './cloudflare-code-workflows.ts';
import { CloudflareInstanceStatusService } from './cloudflare-instance-status.ts';
import { CloudflareInstanceService } from './cloudflare-instances.ts';
import { CloudflareWorkflowService } from './cloudflare-workflows.ts';
import { CloudflareTerminations } from './cloudflare-terminations.ts';
import { CloudflareDeletions } from './cloudflare-deletions.ts';
import { CloudflareTerminateQueue } from '../dispatch/cloudflare-terminate-queue.ts';
import type { ExternalEventService } from './external-event-service.ts';
import type { MetadataService } from './metadata-service.ts';
import type { WfRunService } from './wf-run-service.ts';

/** Code workflows (WorkflowEntrypoint classes), served beside the WfSpec-backed ones by the same services. */
export interface CloudflareCode { workflows: CloudflareCodeWorkflows; instances: CloudflareCodeInstances }

export interface CloudflareServices {
  workflows: CloudflareWorkflowService;
  instances: CloudflareInstanceService;
  instanceStatus: CloudflareInstanceStatusService;
  /** Batch terminate and terminate-all jobs; `start()` takes this server's share of them. */
  terminations: CloudflareTerminations;
  deletions: CloudflareDeletions;
}

export interface CloudflareDeps {
  redis: Redis;
  /** BullMQ's connection (code workflow executions are queued on it). */
  bull: Redis;
  keys: Keys;
  runs: RedisRunStore;
  metadataStore: RedisMetadataStore;
  metadata: MetadataService;
  wfRuns: WfRunService;
  externalEvents: ExternalEventService;
  bookmarks: Bookmarks;
}

export function buildCloudflareServices(deps: CloudflareDeps): CloudflareServices {
  const store = new RedisCloudflareStore(deps.redis, deps.keys);
  const catalog = new CloudflareCatalog(deps.metadataStore, store);
  const codeInstances = new RedisCodeInstanceStore(deps.redis, deps.keys);
  const code: CloudflareCode = {
    workflows: new CloudflareCodeWorkflows(new RedisCodeWorkflowStore(deps.redis, deps.keys), codeInstances),
    instances: new CloudflareCodeInstances(codeInstances, new CodeWorkflowQueues(deps.bull, deps.keys), deps.bookmarks),
  };
  const workflows = new CloudflareWorkflowService(catalog, store, deps.metadata, deps.wfRuns, code);
  const instances = new CloudflareInstanceService(catalog, store, deps.runs, deps.wfRuns, deps.bookmarks, code);
  const instanceStatus = new CloudflareInstanceStatusService(catalog, store, instances, deps.wfRuns, deps.externalEvents, code);
  const terminations = new CloudflareTerminations(new CloudflareTerminateQueue(deps.bull, deps.keys), instances, instanceStatus);
  const deletions = new CloudflareDeletions(catalog, store, instances, deps.wfRuns, code);
  return { workflows, instances, instanceStatus, terminations, deletions };
}
