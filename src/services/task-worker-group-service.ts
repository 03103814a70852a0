// RegisterTaskWorker (a worker's heartbeat, which also tells it which server to poll) and
// GetTaskWorkerGroup (the workers of a TaskDef heard from lately).
import { invalidArgument, notFound } from '../errors.ts';
import { checkName } from '../ids.ts';
import type { RedisMetadataStore } from '../store/redis/metadata-store.ts';
import type { RedisTaskWorkerGroupStore } from '../store/redis/task-worker-group-store.ts';

export interface RegisterTaskWorkerRequest { taskWorkerId: string; taskDefId: { name: string }; listenerName?: string }
export interface HostInfo { host: string; port: number }
export interface RegisterTaskWorkerResponse { yourHosts: HostInfo[]; isClusterHealthy: boolean }

export interface TaskWorkerGroup {
  id: { name: string };
  createdAt: string;
  taskWorkers: Record<string, { taskWorkerId: string; latestHeartbeat: string; hosts: HostInfo[] }>;
}

export class TaskWorkerGroupService {
  constructor(private readonly groups: RedisTaskWorkerGroupStore, private readonly metadata: RedisMetadataStore) {}

  /** Records the heartbeat; the worker should poll the server it reached (every Colt server serves every task). */
  async registerTaskWorker(tenant: string, req: RegisterTaskWorkerRequest, reachedAt: HostInfo): Promise<RegisterTaskWorkerResponse> {
    const name = await this.existingTaskDef(tenant, req.taskDefId.name, 'taskDefId.name');
    await this.groups.heartbeat(tenant, name, checkWorkerId(req.taskWorkerId));
    return { yourHosts: [reachedAt], isClusterHealthy: true };
  }

  /** The TaskDef's workers heard from within the last 90 s (none yet: an empty group). */
  async getTaskWorkerGroup(tenant: string, taskDefName: string): Promise<TaskWorkerGroup> {
    const name = await this.existingTaskDef(tenant, taskDefName, 'name');
    const group = await this.groups.group(tenant, name);
    const taskWorkers: TaskWorkerGroup['taskWorkers'] = {};
    for (const w of group?.workers ?? []) {
      taskWorkers[w.clientId] = { taskWorkerId: w.clientId, latestHeartbeat: new Date(w.latestHeartbeatMs).toISOString(), hosts: [] };
    }
    return { id: { name }, createdAt: new Date(group?.createdAtMs ?? Date.now()).toISOString(), taskWorkers };
  }

  private async existingTaskDef(tenant: string, name: string, field: string): Promise<string> {
    checkName(field, name);
    if (!(await this.metadata.getTaskDef(tenant, name))) throw notFound(`TaskDef ${name} does not exist`);
    return name;
  }
}

/** Any worker-chosen id of 1-256 characters (SDKs make up their own). */
function checkWorkerId(id: string): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 256) throw invalidArgument('taskWorkerId must be 1-256 characters', { field: 'taskWorkerId' });
  return id;
}
