// WorkflowEventDef routes and a WfRun's WorkflowEvent routes, AwaitWorkflowEvent's long-poll among them.
import { Router } from 'express';
import type { WorkflowEventService } from '../../services/workflow-event-service.ts';
import { tenantOf } from '../tenant.ts';

export function workflowEventRoutes(events: WorkflowEventService): Router {
  const r = Router();
  r.get('/workflowEventDef', async (req, res) => {
    res.json({ results: await events.listDefs(tenantOf(req)) });
  });
  r.post('/workflowEventDef', async (req, res) => {
    res.json(await events.putDef(tenantOf(req), req.body));
  });
  r.get('/workflowEventDef/search', async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    res.json(await events.searchDefs(tenantOf(req), {
      ...(q.prefix === undefined ? {} : { prefix: q.prefix }),
      ...(q.limit === undefined ? {} : { limit: Number(q.limit) }),
      ...(q.bookmark === undefined ? {} : { bookmark: q.bookmark }),
    }));
  });
  r.get('/workflowEventDef/:name', async (req, res) => {
    res.json(await events.getDef(tenantOf(req), req.params.name));
  });
  r.delete('/workflowEventDef/:name', async (req, res) => {
    await events.deleteDef(tenantOf(req), req.params.name);
    res.status(200).end();
  });

  r.get('/workflowEvent/search', async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    res.json(await events.searchEvents(tenantOf(req), {
      workflowEventDefName: String(q.workflowEventDefName),
      ...(q.earliestStart === undefined ? {} : { earliestStart: q.earliestStart }),
      ...(q.latestStart === undefined ? {} : { latestStart: q.latestStart }),
      ...(q.limit === undefined ? {} : { limit: Number(q.limit) }),
      ...(q.bookmark === undefined ? {} : { bookmark: q.bookmark }),
    }));
  });
  r.post('/wfRun/:wfRunId/workflowEvent/await', async (req, res) => {
    // The caller leaving ends the wait.
    const left = new AbortController();
    res.on('close', () => left.abort());
    const event = await events.awaitEvent(tenantOf(req), req.params.wfRunId, req.body ?? {}, left.signal);
    if (!left.signal.aborted) res.json(event);
  });
  r.get('/wfRun/:wfRunId/workflowEvent', async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    res.json(await events.listEvents(tenantOf(req), req.params.wfRunId, {
      ...(q.limit === undefined ? {} : { limit: Number(q.limit) }),
      ...(q.bookmark === undefined ? {} : { bookmark: q.bookmark }),
    }));
  });
  r.get('/wfRun/:wfRunId/workflowEvent/:workflowEventDefName/:number', async (req, res) => {
    const { wfRunId, workflowEventDefName, number } = req.params;
    res.json(await events.getEvent(tenantOf(req), wfRunId, workflowEventDefName, Number(number)));
  });
  return r;
}
