// RegisterTaskWorker and GetTaskWorkerGroup.
import { Router, type Request } from 'express';
import type { HostInfo, TaskWorkerGroupService } from '../../services/task-worker-group-service.ts';
import { tenantOf } from '../tenant.ts';

export function taskWorkerGroupRoutes(groups: TaskWorkerGroupService): Router {
  const r = Router();
  r.post('/registerTaskWorker', async (req, res) => {
    res.json(await groups.registerTaskWorker(tenantOf(req), req.body, reachedAt(req)));
  });
  r.get('/taskDef/:name/taskWorkerGroup', async (req, res) => {
    res.json(await groups.getTaskWorkerGroup(tenantOf(req), req.params.name));
  });
  return r;
}

/** The host and port the worker reached this server at (its Host header). */
function reachedAt(req: Request): HostInfo {
  const port = Number(/:(\d+)$/.exec(req.get('host') ?? '')?.[1] ?? req.socket.localPort ?? 0);
  return { host: req.hostname, port };
}
