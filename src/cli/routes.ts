// Every REST path the CLI uses, in one place, named after the LittleHorse object it reaches.
import { seg } from './client.ts';

/** What `deploy <kind> <file>` puts, at `POST /{kind}`. */
export const DEPLOYABLE_KINDS = ['wfSpec', 'taskDef', 'externalEventDef', 'userTaskDef', 'workflowEventDef', 'tenant', 'principal'] as const;

/** Objects of one WfRun that `list <object> <wfRunId>` reaches at `GET /wfRun/{id}/{object}`. */
export const WF_RUN_CHILDREN = ['nodeRun', 'taskRun', 'variable', 'externalEvent', 'workflowEvent', 'userTaskRun'] as const;

export interface ObjectRoute {
  /** The ids the object is addressed by, in order; `?` marks an optional one. */
  ids: string[];
  path(ids: string[]): string;
  /** Query parameters built from the ids (versions go in the query string). */
  query?(ids: string[]): Record<string, string | undefined>;
}

const byName = (kind: string): ObjectRoute => ({ ids: ['name'], path: ([name]) => `/${kind}/${seg(name!)}` });

/** `get <object> <id...>`. */
export const GET_ROUTES: Record<string, ObjectRoute> = {
  wfRun: { ids: ['wfRunId'], path: ([id]) => `/wfRun/${seg(id!)}` },
  wfSpec: { ids: ['name', 'majorVersion?', 'revision?'], path: ([name]) => `/wfSpec/${seg(name!)}`, query: ([, majorVersion, revision]) => ({ majorVersion, revision }) },
  taskDef: byName('taskDef'),
  externalEventDef: byName('externalEventDef'),
  workflowEventDef: byName('workflowEventDef'),
  userTaskDef: { ids: ['name', 'version?'], path: ([name, version]) => `/userTaskDef/${seg(name!)}/${version === undefined ? 'latest' : seg(version)}` },
  nodeRun: { ids: ['wfRunId', 'threadRunNumber', 'position'], path: ([w, t, p]) => `/nodeRun/${seg(w!)}/${seg(t!)}/${seg(p!)}` },
  taskRun: { ids: ['wfRunId', 'taskGuid'], path: ([w, g]) => `/taskRun/${seg(w!)}/${seg(g!)}` },
  userTaskRun: { ids: ['wfRunId', 'userTaskGuid'], path: ([w, g]) => `/wfRun/${seg(w!)}/userTaskRun/${seg(g!)}` },
  externalEvent: { ids: ['wfRunId', 'externalEventDefName', 'guid'], path: ([w, d, g]) => `/wfRun/${seg(w!)}/externalEvent/${seg(d!)}/${seg(g!)}` },
  correlatedEvent: { ids: ['externalEventDefName', 'key'], path: ([d, k]) => `/correlatedEvent/${seg(d!)}/${seg(k!)}` },
  variable: { ids: ['wfRunId', 'threadRunNumber', 'name'], path: ([w, t, n]) => `/variable/${seg(w!)}/${seg(t!)}/${seg(n!)}` },
  workflowEvent: { ids: ['wfRunId', 'workflowEventDefName', 'number'], path: ([w, d, n]) => `/wfRun/${seg(w!)}/workflowEvent/${seg(d!)}/${seg(n!)}` },
  taskWorkerGroup: { ids: ['taskDefName'], path: ([name]) => `/taskDef/${seg(name!)}/taskWorkerGroup` },
  tenant: { ids: ['id'], path: ([id]) => `/tenant/${seg(id!)}` },
  principal: { ids: ['id'], path: ([id]) => `/principal/${seg(id!)}` },
  scheduledWfRun: { ids: ['id'], path: ([id]) => `/scheduledWfRun/${seg(id!)}` },
};

/** `delete <object> <id...>`. */
export const DELETE_ROUTES: Record<string, ObjectRoute> = {
  wfRun: GET_ROUTES.wfRun!,
  wfSpec: { ids: ['name', 'majorVersion', 'revision'], path: ([name]) => `/wfSpec/${seg(name!)}`, query: ([, majorVersion, revision]) => ({ majorVersion, revision }) },
  taskDef: byName('taskDef'),
  externalEventDef: byName('externalEventDef'),
  workflowEventDef: byName('workflowEventDef'),
  userTaskDef: { ids: ['name', 'version'], path: ([name, version]) => `/userTaskDef/${seg(name!)}/${seg(version!)}` },
  correlatedEvent: GET_ROUTES.correlatedEvent!,
  principal: GET_ROUTES.principal!,
  scheduledWfRun: GET_ROUTES.scheduledWfRun!,
};

/** `search <object>`: every kind has `GET /{object}/search` (the seed's `/wfRun/search` among them). */
export const searchPath = (object: string): string => `/${seg(object)}/search`;

export const userTaskRunPath = (wfRunId: string, guid: string, action: 'assign' | 'complete' | 'cancel' | 'claim' | 'release' | 'save' | 'comment') =>
  `/wfRun/${seg(wfRunId)}/userTaskRun/${seg(guid)}/${action}`;

export const SCHEDULE_PATH = '/scheduledWfRun';
export const WHOAMI_PATH = '/whoami';
/** Metrics windows of one WfSpec or TaskDef; without an object, the Prometheus text at /metrics. */
export const metricsPath = (object: 'wfSpec' | 'taskDef', name: string) => `/${object}/${seg(name)}/metrics`;
