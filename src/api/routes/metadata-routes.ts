// TaskDef and WfSpec routes of the seed contract.
import { Router } from 'express';
import type { MetadataService } from '../../services/metadata-service.ts';
import { tenantOf } from '../tenant.ts';

export function metadataRoutes(metadata: MetadataService): Router {
  const r = Router();
  r.get('/taskDef', async (req, res) => {
    res.json({ results: await metadata.listTaskDefs(tenantOf(req)) });
  });
  r.post('/taskDef', async (req, res) => {
    res.json(await metadata.putTaskDef(tenantOf(req), req.body));
  });
  r.get('/taskDef/:name', async (req, res) => {
    res.json(await metadata.getTaskDef(tenantOf(req), req.params.name));
  });
  r.delete('/taskDef/:name', async (req, res) => {
    await metadata.deleteTaskDef(tenantOf(req), req.params.name);
    res.status(200).end();
  });

  r.get('/wfSpec', async (req, res) => {
    res.json({ results: await metadata.listWfSpecs(tenantOf(req)) });
  });
  r.post('/wfSpec', async (req, res) => {
    res.json(await metadata.putWfSpec(tenantOf(req), req.body));
  });
  r.get('/wfSpec/:name', async (req, res) => {
    res.json(await metadata.getWfSpec(tenantOf(req), req.params.name, versionQuery(req.query)));
  });
  r.get('/wfSpec/:name/latest', async (req, res) => {
    const { majorVersion } = versionQuery(req.query);
    res.json(await metadata.getWfSpec(tenantOf(req), req.params.name, majorVersion === undefined ? {} : { majorVersion }));
  });
  r.delete('/wfSpec/:name', async (req, res) => {
    const { majorVersion = 0, revision = 0 } = versionQuery(req.query);
    await metadata.deleteWfSpec(tenantOf(req), { name: req.params.name, majorVersion, revision });
    res.status(200).end();
  });
  return r;
}

/** Query integers arrive coerced by the OpenAPI validator. */
function versionQuery(query: Record<string, unknown>): { majorVersion?: number; revision?: number } {
  return {
    ...(query.majorVersion === undefined ? {} : { majorVersion: Number(query.majorVersion) }),
    ...(query.revision === undefined ? {} : { revision: Number(query.revision) }),
  };
}
