// SearchWfRun, SearchVariable, SearchNodeRun, SearchTaskRun, SearchExternalEvent: ids from the
// search indexes, oldest first, paged with LittleHorse's bookmark and limit.
import { invalidArgument } from '../errors.ts';
import type { LHStatus, NodeRunId, TaskRunId, ExternalEventId } from '../engine/types.ts';
import { checkName, checkWfRunId } from '../ids.ts';
import type { Bookmarks } from '../store/bookmarks.ts';
import type { Keys } from '../store/keys.ts';
import type { RedisMetadataStore } from '../store/redis/metadata-store.ts';
import type { RedisSearchStore, TimeWindow } from '../store/redis/search-store.ts';
import { instantOf, pageRequest, resultPage, type PageQuery, type ResultPage } from './paging.ts';

export interface TimeQuery { earliestStart?: string; latestStart?: string }

export interface SearchWfRunRequest extends PageQuery, TimeQuery {
  wfSpecName?: string;
  majorVersion?: number;
  revision?: number;
  status?: LHStatus;
  parentWfRunId?: string;
  /** `name:value` filters on thread-0 searchable Variables. */
  variables?: string[];
}

export interface SearchVariableRequest extends PageQuery { wfSpecName: string; varName: string; value: string; majorVersion?: number; revision?: number }
/** By node type, or (EXTERNAL_EVENT nodes) by the ExternalEventDef they wait on; either with a status. */
export interface SearchNodeRunRequest extends PageQuery, TimeQuery { nodeType?: string; externalEventDefName?: string; status?: LHStatus }
export interface SearchTaskRunRequest extends PageQuery, TimeQuery { taskDefName: string; status?: string }
export interface SearchExternalEventRequest extends PageQuery, TimeQuery { externalEventDefName: string; isClaimed?: boolean }

export interface VariableId { wfRunId: string; threadRunNumber: number; name: string }

export class SearchService {
  constructor(
    private readonly search: RedisSearchStore,
    private readonly metadata: RedisMetadataStore,
    private readonly keys: Keys,
    private readonly bookmarks: Bookmarks,
  ) {}

  async searchWfRun(tenant: string, req: SearchWfRunRequest): Promise<ResultPage<{ id: string }>> {
    if (req.wfSpecName !== undefined) checkName('wfSpecName', req.wfSpecName);
    if (req.parentWfRunId !== undefined) checkWfRunId('parentWfRunId', req.parentWfRunId);
    checkVersion(req);
    const variables = (req.variables ?? []).map(variableFilter);
    if (req.wfSpecName === undefined) {
      if (variables.length > 0) throw invalidArgument('wfSpecName is required to filter by variable', { field: 'wfSpecName' });
      if (req.majorVersion !== undefined) throw invalidArgument('wfSpecName is required with majorVersion', { field: 'wfSpecName' });
    }
    const query = { ...req, ...windowOf(req), variables };
    const page = await this.search.wfRuns(tenant, query, pageRequest(this.bookmarks, req));
    return resultPage(this.bookmarks, page, page.ids.map((id) => ({ id })));
  }

  async searchVariable(tenant: string, req: SearchVariableRequest): Promise<ResultPage<VariableId>> {
    checkName('wfSpecName', req.wfSpecName);
    checkName('varName', req.varName);
    checkVersion(req);
    const specs = await this.metadata.wfSpecVersions(tenant, req.wfSpecName);
    const searchable = specs.some((s) => Object.values(s.threadSpecs).some((t) => t.variableDefs.some((d) => d.searchable && d.varDef.name === req.varName)));
    if (!searchable) throw invalidArgument(`varName: no version of WfSpec ${req.wfSpecName} declares a searchable variable ${req.varName}`, { field: 'varName' });
    const page = await this.search.variables(tenant, { ...req, valueText: req.value }, pageRequest(this.bookmarks, req));
    return resultPage(this.bookmarks, page, page.members.map((m) => {
      const [wfRunId, threadRunNumber, name] = JSON.parse(m) as [string, number, string];
      return { wfRunId, threadRunNumber, name };
    }));
  }

  async searchNodeRun(tenant: string, req: SearchNodeRunRequest): Promise<ResultPage<NodeRunId>> {
    const key = nodeRunIndexOf(this.keys, tenant, req);
    const page = await this.search.objects(key, windowOf(req), pageRequest(this.bookmarks, req));
    return resultPage(this.bookmarks, page, page.members.map((m) => {
      const [wfRunId, threadRunNumber, position] = JSON.parse(m) as [string, number, number];
      return { wfRunId, threadRunNumber, position };
    }));
  }

  async searchTaskRun(tenant: string, req: SearchTaskRunRequest): Promise<ResultPage<TaskRunId>> {
    const key = this.keys.taskRunIndex(tenant, checkName('taskDefName', req.taskDefName), req.status);
    const page = await this.search.objects(key, windowOf(req), pageRequest(this.bookmarks, req));
    return resultPage(this.bookmarks, page, page.members.map((m) => {
      const [wfRunId, taskGuid] = JSON.parse(m) as [string, string];
      return { wfRunId, taskGuid };
    }));
  }

  async searchExternalEvent(tenant: string, req: SearchExternalEventRequest): Promise<ResultPage<ExternalEventId>> {
    const key = this.keys.externalEventIndex(tenant, checkName('externalEventDefName', req.externalEventDefName), req.isClaimed);
    const page = await this.search.objects(key, windowOf(req), pageRequest(this.bookmarks, req));
    return resultPage(this.bookmarks, page, page.members.map((m) => {
      const [wfRunId, name, guid] = JSON.parse(m) as [string, string, string];
      return { wfRunId, externalEventDefId: { name }, guid };
    }));
  }
}

function windowOf(req: TimeQuery): TimeWindow {
  const min = instantOf('earliestStart', req.earliestStart);
  const max = instantOf('latestStart', req.latestStart);
  if (min !== undefined && max !== undefined && min > max) throw invalidArgument('earliestStart is after latestStart', { field: 'earliestStart' });
  return { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
}

function checkVersion(req: { majorVersion?: number; revision?: number }): void {
  if (req.revision !== undefined && req.majorVersion === undefined) throw invalidArgument('revision needs majorVersion', { field: 'revision' });
}

/** `name:value` (the value may hold ':' too). */
function variableFilter(text: string): { name: string; valueText: string } {
  const at = text.indexOf(':');
  if (at < 1) throw invalidArgument(`variable must be name:value, not '${text}'`, { field: 'variable' });
  return { name: checkName('variable', text.slice(0, at)), valueText: text.slice(at + 1) };
}

function nodeRunIndexOf(keys: Keys, tenant: string, req: SearchNodeRunRequest): string {
  const def = req.externalEventDefName;
  if (def === undefined) {
    if (req.nodeType === undefined) throw invalidArgument('nodeType: give a node type, or externalEventDefName', { field: 'nodeType' });
    return keys.nodeRunIndex(tenant, req.nodeType, req.status);
  }
  if (req.nodeType !== undefined && req.nodeType !== 'EXTERNAL_EVENT') {
    throw invalidArgument('nodeType: only EXTERNAL_EVENT NodeRuns wait on an ExternalEventDef', { field: 'nodeType' });
  }
  return keys.externalEventNodeRunIndex(tenant, checkName('externalEventDefName', def), req.status);
}
