// ExternalEventDef routes, a WfRun's ExternalEvent routes, and CorrelatedEvent routes (ListExternalEvents,
// paged, is with the other lists in search-routes.ts).
import { Router } from 'express';
import type { ExternalEventService } from '../../services/external-event-service.ts';
import { tenantOf } from '../tenant.ts';

export function externalEventRoutes(events: ExternalEventService): Router {
  const r = Router();
  r.get('/externalEventDef', async (req, res) => {
    res.json({ results: await events.listDefs(tenantOf(req)) });
  });
  r.post('/externalEventDef', async (req, res) => {
    res.json(await events.putDef(tenantOf(req), req.body));
  });
  r.get('/externalEventDef/:name', async (req, res) => {
    res.json(await events.getDef(tenantOf(req), req.params.name));
  });
  r.delete('/externalEventDef/:name', async (req, res) => {
    await events.deleteDef(tenantOf(req), req.params.name);
    res.status(200).end();
  });

  r.post('/wfRun/:wfRunId/externalEvent/:externalEventDefName', async (req, res) => {
    res.json(await events.putEvent(tenantOf(req), req.params.wfRunId, req.params.externalEventDefName, req.body ?? {}));
  });
  r.get('/wfRun/:wfRunId/externalEvent/:externalEventDefName/:guid', async (req, res) => {
    const { wfRunId, externalEventDefName, guid } = req.params;
    res.json(await events.getEvent(tenantOf(req), wfRunId, externalEventDefName, guid));
  });

  r.post('/correlatedEvent', async (req, res) => {
    res.json(await events.putCorrelatedEvent(tenantOf(req), req.body));
  });
  r.get('/correlatedEvent/:externalEventDefName/:key', async (req, res) => {
    res.json(await events.getCorrelatedEvent(tenantOf(req), req.params.externalEventDefName, req.params.key));
  });
  r.delete('/correlatedEvent/:externalEventDefName/:key', async (req, res) => {
    await events.deleteCorrelatedEvent(tenantOf(req), req.params.externalEventDefName, req.params.key);
    res.status(200).end();
  });
  return r;
}
