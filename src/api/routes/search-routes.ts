// Search routes (WfRuns, Variables, NodeRuns, TaskRuns, ExternalEvents, metadata) and the list/get
// routes of one WfRun's objects, and MigrateWfSpec. Mounted before the routes whose `/{name}` would
// catch `/search`.
import { Router, type Request } from 'express';
import type { LHStatus } from '../../engine/types.ts';
import type { MetadataSearchService } from '../../services/metadata-search-service.ts';
import type { RunObjectService } from '../../services/run-object-service.ts';
import type { SearchService } from '../../services/search-service.ts';
import type { MigrationService } from '../../services/migration-service.ts';
import { tenantOf } from '../tenant.ts';

export interface SearchDeps { search: SearchService; metadataSearch: MetadataSearchService; runObjects: RunObjectService; migration: MigrationService }

export function searchRoutes({ search, metadataSearch, runObjects, migration }: SearchDeps): Router {
  const r = Router();
  r.post('/wfSpec/migrate', async (req, res) => {
    res.json(await migration.migrateWfSpec(tenantOf(req), req.body));
  });
  r.get('/wfRun/search', async (req, res) => {
    const q = query(req);
    res.json(await search.searchWfRun(tenantOf(req), {
      ...q.page(), ...q.window(), ...q.str('wfSpecName'), ...q.int('majorVersion'), ...q.int('revision'),
      ...q.str('parentWfRunId'), ...(q.str('status') as { status?: LHStatus }), variables: q.list('variable'),
    }));
  });
  r.get('/variable/search', async (req, res) => {
    const q = query(req);
    const required = { wfSpecName: String(req.query.wfSpecName), varName: String(req.query.varName), value: String(req.query.value) };
    res.json(await search.searchVariable(tenantOf(req), { ...required, ...q.page(), ...q.int('majorVersion'), ...q.int('revision') }));
  });
  r.get('/nodeRun/search', async (req, res) => {
    const q = query(req);
    const status = q.str('status') as { status?: LHStatus };
    res.json(await search.searchNodeRun(tenantOf(req), { ...q.str('nodeType'), ...q.str('externalEventDefName'), ...status, ...q.page(), ...q.window() }));
  });
  r.get('/taskRun/search', async (req, res) => {
    const q = query(req);
    res.json(await search.searchTaskRun(tenantOf(req), { taskDefName: String(req.query.taskDefName), ...q.str('status'), ...q.page(), ...q.window() }));
  });
  r.get('/externalEvent/search', async (req, res) => {
    const q = query(req);
    const name = String(req.query.externalEventDefName);
    res.json(await search.searchExternalEvent(tenantOf(req), { externalEventDefName: name, ...q.bool('isClaimed'), ...q.page(), ...q.window() }));
  });

  r.get('/taskDef/search', async (req, res) => {
    const q = query(req);
    res.json(await metadataSearch.searchTaskDef(tenantOf(req), { ...q.str('prefix'), ...q.page() }));
  });
  r.get('/externalEventDef/search', async (req, res) => {
    const q = query(req);
    res.json(await metadataSearch.searchExternalEventDef(tenantOf(req), { ...q.str('prefix'), ...q.page() }));
  });
  r.get('/wfSpec/search', async (req, res) => {
    const q = query(req);
    res.json(await metadataSearch.searchWfSpec(tenantOf(req), { ...q.str('name'), ...q.str('prefix'), ...q.str('taskDefName'), ...q.page() }));
  });

  r.get('/wfRun/:wfRunId/nodeRun', async (req, res) => {
    const q = query(req);
    res.json(await runObjects.listNodeRuns(tenantOf(req), req.params.wfRunId, { ...q.page(), ...q.int('threadRunNumber') }));
  });
  r.get('/wfRun/:wfRunId/taskRun', async (req, res) => {
    res.json(await runObjects.listTaskRuns(tenantOf(req), req.params.wfRunId, query(req).page()));
  });
  r.get('/wfRun/:wfRunId/externalEvent', async (req, res) => {
    res.json(await runObjects.listExternalEvents(tenantOf(req), req.params.wfRunId, query(req).page()));
  });
  r.get('/wfRun/:wfRunId/variable', async (req, res) => {
    res.json(await runObjects.listVariables(tenantOf(req), req.params.wfRunId, query(req).page()));
  });
  r.get('/variable/:wfRunId/:threadRunNumber/:name', async (req, res) => {
    const { wfRunId, threadRunNumber, name } = req.params;
    res.json(await runObjects.getVariable(tenantOf(req), wfRunId, Number(threadRunNumber), name));
  });
  return r;
}

/** Optional query parameters, already checked against the contract (so types are right), as spreadable objects. */
function query(req: Request) {
  const raw = req.query as Record<string, unknown>;
  const has = (name: string) => raw[name] !== undefined;
  return {
    str: (name: string): Record<string, string> => (has(name) ? { [name]: String(raw[name]) } : {}),
    int: (name: string): Record<string, number> => (has(name) ? { [name]: Number(raw[name]) } : {}),
    bool: (name: string): Record<string, boolean> => (has(name) ? { [name]: raw[name] === true || raw[name] === 'true' } : {}),
    list: (name: string): string[] => (has(name) ? [raw[name]].flat().map(String) : []),
    page: () => ({ ...(has('limit') ? { limit: Number(raw.limit) } : {}), ...(has('bookmark') ? { bookmark: String(raw.bookmark) } : {}) }),
    window: () => ({ ...(has('earliestStart') ? { earliestStart: String(raw.earliestStart) } : {}), ...(has('latestStart') ? { latestStart: String(raw.latestStart) } : {}) }),
  };
}
