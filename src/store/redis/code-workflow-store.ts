// Code workflows (Cloudflare WorkflowEntrypoint classes registered by PUT) in one hash per tenant:
// name -> the workflow with every version it has had.
import type { Redis } from 'ioredis';
import type { Keys } from '../keys.ts';

export interface CodeWorkflowVersion {
  id: string;
  class_name: string;
  script_name: string;
  created_on: string;
  limits?: { steps?: number };
}

export interface CodeWorkflow {
  id: string;
  name: string;
  class_name: string;
  script_name: string;
  created_on: string;
  modified_on: string;
  /** Oldest first; the last one is current. */
  versions: CodeWorkflowVersion[];
}

export class RedisCodeWorkflowStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  async get(tenant: string, name: string): Promise<CodeWorkflow | null> {
    const raw = await this.redis.hget(this.keys.codeWorkflows(tenant), name);
    return raw === null ? null : (JSON.parse(raw) as CodeWorkflow);
  }

  /** Every code workflow of the tenant, oldest first. */
  async list(tenant: string): Promise<CodeWorkflow[]> {
    const all = Object.values(await this.redis.hgetall(this.keys.codeWorkflows(tenant))).map((raw) => JSON.parse(raw) as CodeWorkflow);
    return all.sort((a, b) => a.created_on.localeCompare(b.created_on) || a.name.localeCompare(b.name));
  }

  async put(tenant: string, workflow: CodeWorkflow): Promise<void> {
    await this.redis.hset(this.keys.codeWorkflows(tenant), workflow.name, JSON.stringify(workflow));
  }

  async delete(tenant: string, name: string): Promise<void> {
    await this.redis.hdel(this.keys.codeWorkflows(tenant), name);
  }
}
