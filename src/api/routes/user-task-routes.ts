// UserTaskDef and UserTaskRun routes (the seed's get/assign/complete, and the rest of LittleHorse's
// user task RPCs). Mounted before routes whose `/{name}` could catch `/search`.
import { Router, type Request } from 'express';
import type { SearchUserTaskDefRequest, UserTaskDefService } from '../../services/user-task-def-service.ts';
import type { SearchUserTaskRunRequest, UserTaskRunService } from '../../services/user-task-run-service.ts';
import { tenantOf } from '../tenant.ts';

export interface UserTaskDeps { userTaskDefs: UserTaskDefService; userTaskRuns: UserTaskRunService }

const RUN = '/wfRun/:wfRunId/userTaskRun/:userTaskRunId';

export function userTaskRoutes({ userTaskDefs, userTaskRuns }: UserTaskDeps): Router {
  const r = Router();
  r.post('/userTaskDef', async (req, res) => {
    res.json(await userTaskDefs.put(tenantOf(req), req.body));
  });
  r.get('/userTaskDef/search', async (req, res) => {
    res.json(await userTaskDefs.search(tenantOf(req), strings<SearchUserTaskDefRequest>(req, ['prefix', 'name', 'bookmark'], ['limit'])));
  });
  r.get('/userTaskDef/:name/latest', async (req, res) => {
    res.json(await userTaskDefs.latest(tenantOf(req), req.params.name));
  });
  r.get('/userTaskDef/:name/:version', async (req, res) => {
    res.json(await userTaskDefs.get(tenantOf(req), req.params.name, Number(req.params.version)));
  });
  r.delete('/userTaskDef/:name/:version', async (req, res) => {
    await userTaskDefs.delete(tenantOf(req), req.params.name, Number(req.params.version));
    res.status(200).end();
  });

  r.get('/userTaskRun/search', async (req, res) => {
    const fields = ['userId', 'userGroup', 'status', 'userTaskDefName', 'earliestStart', 'latestStart', 'bookmark'] as const;
    res.json(await userTaskRuns.search(tenantOf(req), strings<SearchUserTaskRunRequest>(req, [...fields], ['limit'])));
  });
  r.get('/wfRun/:wfRunId/userTaskRun', async (req, res) => {
    res.json(await userTaskRuns.list(tenantOf(req), req.params.wfRunId));
  });
  r.get(RUN, async (req, res) => {
    res.json(await userTaskRuns.get(ref(req)));
  });
  r.post(`${RUN}/assign`, async (req, res) => {
    await userTaskRuns.assign(ref(req), req.body);
    res.status(200).end();
  });
  r.post(`${RUN}/complete`, async (req, res) => {
    await userTaskRuns.complete(ref(req), req.body);
    res.status(200).end();
  });
  r.post(`${RUN}/cancel`, async (req, res) => {
    await userTaskRuns.cancel(ref(req));
    res.status(200).end();
  });
  r.post(`${RUN}/save`, async (req, res) => {
    res.json(await userTaskRuns.save(ref(req), req.body));
  });
  r.post(`${RUN}/claim`, async (req, res) => {
    res.json(await userTaskRuns.claim(ref(req), req.body?.userId));
  });
  r.post(`${RUN}/release`, async (req, res) => {
    res.json(await userTaskRuns.release(ref(req), req.body?.userId));
  });
  r.post(`${RUN}/comment`, async (req, res) => {
    res.json(await userTaskRuns.putComment(ref(req), req.body?.userId, req.body?.comment));
  });
  r.put(`${RUN}/comment/:userCommentId`, async (req, res) => {
    res.json(await userTaskRuns.editComment(ref(req), Number(req.params.userCommentId), req.body?.userId, req.body?.comment));
  });
  r.delete(`${RUN}/comment/:userCommentId`, async (req, res) => {
    res.json(await userTaskRuns.deleteComment(ref(req), Number(req.params.userCommentId), req.query.userId));
  });
  return r;
}

function ref(req: Request<{ wfRunId: string; userTaskRunId: string }>) {
  return { tenant: tenantOf(req), wfRunId: req.params.wfRunId, userTaskGuid: req.params.userTaskRunId };
}

/** Query parameters (already checked against the contract) as an object of the ones given. */
function strings<T>(req: Request, names: Array<keyof T & string>, numbers: Array<keyof T & string> = []): T {
  const q = req.query as Record<string, unknown>;
  const picked: Record<string, string | number> = {};
  for (const n of names) if (q[n] !== undefined) picked[n] = String(q[n]);
  for (const n of numbers) if (q[n] !== undefined) picked[n] = Number(q[n]);
  return picked as T;
}
