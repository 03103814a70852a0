// ScheduleWf, GetScheduledWfRun, SearchScheduledWfRun, DeleteScheduledWfRun.
import { Router } from 'express';
import type { ScheduleService } from '../../services/schedule-service.ts';
import { tenantOf } from '../tenant.ts';

export function scheduleRoutes(schedules: ScheduleService): Router {
  const r = Router();
  r.post('/scheduledWfRun', async (req, res) => {
    res.json(await schedules.scheduleWf(tenantOf(req), req.body));
  });
  r.get('/scheduledWfRun/search', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    res.json(await schedules.searchScheduledWfRun(tenantOf(req), {
      wfSpecName: String(q.wfSpecName),
      ...(q.majorVersion === undefined ? {} : { majorVersion: Number(q.majorVersion) }),
      ...(q.revision === undefined ? {} : { revision: Number(q.revision) }),
    }));
  });
  r.get('/scheduledWfRun/:id', async (req, res) => {
    res.json(await schedules.getScheduledWfRun(tenantOf(req), req.params.id));
  });
  r.delete('/scheduledWfRun/:id', async (req, res) => {
    await schedules.deleteScheduledWfRun(tenantOf(req), req.params.id);
    res.status(200).end();
  });
  return r;
}
