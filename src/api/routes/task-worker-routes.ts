// LittleHorse's task protocol for workers in any language: long-poll for a task, report its result.
import { Router } from 'express';
import type { TaskWorkerService } from '../../services/task-worker-service.ts';
import { tenantOf } from '../tenant.ts';

export function taskWorkerRoutes(tasks: TaskWorkerService): Router {
  const r = Router();
  r.post('/pollTask', async (req, res) => {
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    res.json(await tasks.pollTask(tenantOf(req), req.body, gone.signal));
  });
  r.post('/reportTask', async (req, res) => {
    await tasks.reportTask(tenantOf(req), req.body);
    res.json({});
  });
  return r;
}
