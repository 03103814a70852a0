// WfRun, NodeRun and TaskRun routes.
import { Router } from 'express';
import type { WfRunService } from '../../services/wf-run-service.ts';
import { tenantOf } from '../tenant.ts';

export function wfRunRoutes(wfRuns: WfRunService): Router {
  const r = Router();
  r.post('/wfRun', async (req, res) => {
    res.json(await wfRuns.runWf(tenantOf(req), req.body));
  });
  r.post('/wfRun/:wfRunId/stop', async (req, res) => {
    await wfRuns.control(tenantOf(req), req.params.wfRunId, { type: 'StopThreadRun', threadRunNumber: req.body?.threadRunNumber ?? 0 });
    res.status(200).end();
  });
  r.post('/wfRun/:wfRunId/resume', async (req, res) => {
    await wfRuns.control(tenantOf(req), req.params.wfRunId, { type: 'ResumeThreadRun', threadRunNumber: req.body?.threadRunNumber ?? 0 });
    res.status(200).end();
  });
  r.post('/wfRun/:wfRunId/rescue', async (req, res) => {
    const { threadRunNumber = 0, skipCurrentNode = false } = req.body ?? {};
    res.json(await wfRuns.control(tenantOf(req), req.params.wfRunId, { type: 'RescueThreadRun', threadRunNumber, skipCurrentNode }));
  });
  r.get('/wfRun/:wfRunId', async (req, res) => {
    res.json(await wfRuns.getWfRun(tenantOf(req), req.params.wfRunId));
  });
  r.delete('/wfRun/:wfRunId', async (req, res) => {
    await wfRuns.deleteWfRun(tenantOf(req), req.params.wfRunId);
    res.status(200).end();
  });
  r.get('/nodeRun/:wfRunId/:threadRunNumber/:position', async (req, res) => {
    const { wfRunId, threadRunNumber, position } = req.params;
    res.json(await wfRuns.getNodeRun(tenantOf(req), wfRunId, Number(threadRunNumber), Number(position)));
  });
  r.get('/taskRun/:wfRunId/:taskGuid', async (req, res) => {
    res.json(await wfRuns.getTaskRun(tenantOf(req), req.params.wfRunId, req.params.taskGuid));
  });
  return r;
}
