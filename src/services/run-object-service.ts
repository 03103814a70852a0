// ListNodeRuns, ListTaskRuns, ListVariables, ListExternalEvents and GetVariable: the objects of one
// WfRun, read from its run hash, paged with LittleHorse's bookmark and limit. Masked values never leave.
import { notFound } from '../errors.ts';
import { variableKey } from '../engine/run-state.ts';
import type { NodeRun, RunState, TaskRun, Variable } from '../engine/types.ts';
import { checkName, checkWfRunId } from '../ids.ts';
import type { Bookmarks } from '../store/bookmarks.ts';
import type { RedisRunStore } from '../store/redis/run-store.ts';
import { MASK, maskNodeRun, maskTaskRun } from './masking.ts';
import type { ExternalEventService, ServedExternalEvent } from './external-event-service.ts';
import { pageInMemory, pageRequest, resultPage, type PageQuery, type ResultPage } from './paging.ts';

export class RunObjectService {
  constructor(
    private readonly runs: RedisRunStore,
    private readonly externalEvents: ExternalEventService,
    private readonly bookmarks: Bookmarks,
  ) {}

  /** ExternalEvents oldest first (also those posted before the WfRun started; none: an empty list). */
  async listExternalEvents(tenant: string, wfRunId: string, req: PageQuery): Promise<ResultPage<ServedExternalEvent>> {
    // Events only ever join the end of this list, so a position is a stable place to resume after.
    const events = (await this.externalEvents.listEvents(tenant, wfRunId)).map((event, position) => ({ event, position }));
    const { page, items } = pageInMemory(events, (e) => [e.position], pageRequest(this.bookmarks, req));
    return resultPage(this.bookmarks, page, items.map((e) => e.event));
  }

  /** NodeRuns by thread, then position; only one thread's with `threadRunNumber`. */
  async listNodeRuns(tenant: string, wfRunId: string, req: PageQuery & { threadRunNumber?: number }): Promise<ResultPage<NodeRun>> {
    const state = await this.load(tenant, wfRunId);
    const all = Object.values(state.nodeRuns).filter((n) => req.threadRunNumber === undefined || n.id.threadRunNumber === req.threadRunNumber);
    return this.page(all, (n) => [n.id.threadRunNumber, n.id.position], req, maskNodeRun);
  }

  /** TaskRuns oldest first. */
  async listTaskRuns(tenant: string, wfRunId: string, req: PageQuery): Promise<ResultPage<TaskRun>> {
    const state = await this.load(tenant, wfRunId);
    return this.page(Object.values(state.taskRuns), (t) => [t.scheduledAt, t.id.taskGuid], req, maskTaskRun);
  }

  /** Variables by thread, then name. */
  async listVariables(tenant: string, wfRunId: string, req: PageQuery): Promise<ResultPage<Variable>> {
    const state = await this.load(tenant, wfRunId);
    return this.page(Object.values(state.variables), (v) => [v.id.threadRunNumber, v.id.name], req, maskVariable);
  }

  async getVariable(tenant: string, wfRunId: string, threadRunNumber: number, name: string): Promise<Variable> {
    const variable = (await this.load(tenant, wfRunId)).variables[variableKey(threadRunNumber, checkName('name', name))];
    if (!variable) throw notFound(`Variable ${name} of thread ${threadRunNumber} of WfRun ${wfRunId} does not exist`);
    return maskVariable(variable);
  }

  private page<T>(items: T[], key: (item: T) => Array<string | number>, req: PageQuery, mask: (item: T) => T): ResultPage<T> {
    const { page, items: taken } = pageInMemory(items, key, pageRequest(this.bookmarks, req));
    return resultPage(this.bookmarks, page, taken.map(mask));
  }

  private async load(tenant: string, wfRunId: string): Promise<RunState> {
    const loaded = await this.runs.load(tenant, checkWfRunId('wfRunId', wfRunId));
    if (!loaded) throw notFound(`WfRun ${wfRunId} does not exist`);
    return loaded.state;
  }
}

function maskVariable(variable: Variable): Variable {
  return variable.masked ? { ...variable, value: { str: MASK } } : variable;
}
