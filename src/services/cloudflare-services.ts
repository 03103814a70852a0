// Builds the services of the Cloudflare-compatible API over Colt's stores and services.
import type { Redis } from 'ioredis';
import type { Bookmarks } from '../store/bookmarks.ts';
import type { Keys } from '../store/keys.ts';
import { RedisCloudflareStore } from '../store/redis/cloudflare-store.ts';
import type { RedisMetadataStore } from '../store/redis/metadata-store.ts';
import type { RedisRunStore } from '../store/redis/run-store.ts';
import { CloudflareCatalog } from './cloudflare-catalog.ts';
import { CloudflareInstanceStatusService } from './cloudflare-instance-status.ts';
import { CloudflareInstanceService } from './cloudflare-instances.ts';
import { CloudflareWorkflowService } from './cloudflare-workflows.ts';
import type { ExternalEventService } from './external-event-service.ts';
import type { MetadataService } from './metadata-service.ts';
import type { WfRunService } from './wf-run-service.ts';

export interface CloudflareServices {
  workflows: CloudflareWorkflowService;
  instances: CloudflareInstanceService;
  instanceStatus: CloudflareInstanceStatusService;
}

export interface CloudflareDeps {
  redis: Redis;
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
  const workflows = new CloudflareWorkflowService(catalog, store, deps.metadata, deps.wfRuns);
  const instances = new CloudflareInstanceService(catalog, store, deps.runs, deps.wfRuns, deps.bookmarks);
  const instanceStatus = new CloudflareInstanceStatusService(catalog, store, instances, deps.wfRuns, deps.externalEvents);
  return { workflows, instances, instanceStatus };
}
