// WorkflowEventDef put/get/list/search/delete, Get/List WorkflowEvent, and AwaitWorkflowEvent: a
// long-poll that answers the first matching event at once if it was already thrown, else the first
// one thrown before the caller's deadline (DEADLINE_EXCEEDED after it).
import { isDeepStrictEqual } from 'node:util';
import { alreadyExists, ColtError, invalidArgument, notFound } from '../errors.ts';
import type { WorkflowEvent, WorkflowEventDef, WorkflowEventId } from '../engine/types.ts';
import { normalizeWorkflowEventDef, type PutWorkflowEventDefRequest } from '../engine/workflow-event-specs.ts';
import { checkName, checkWfRunId } from '../ids.ts';
import type { Bookmarks } from '../store/bookmarks.ts';
import type { RedisWorkflowEventStore } from '../store/redis/workflow-event-store.ts';
import { MASK } from './masking.ts';
import { instantOf, pageInMemory, pageRequest, resultPage, type PageQuery, type ResultPage } from './paging.ts';

export interface AwaitWorkflowEventRequest {
  /** The defs to wait for; none: any. */
  eventDefIds?: Array<{ name: string }>;
  /** Events already seen, skipped. */
  workflowEventsToIgnore?: WorkflowEventId[];
  /** How long the caller waits, in ms (its deadline). */
  timeoutMs?: number;
}

export interface SearchWorkflowEventRequest extends PageQuery { workflowEventDefName: string; earliestStart?: string; latestStart?: string }

export const DEFAULT_AWAIT_MS = 30_000;
export const MAX_AWAIT_MS = 600_000;

export class WorkflowEventService {
  constructor(
    private readonly store: RedisWorkflowEventStore,
    private readonly bookmarks: Bookmarks,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Idempotent; a def of that name with another content type is ALREADY_EXISTS. */
  async putDef(tenant: string, req: PutWorkflowEventDefRequest): Promise<WorkflowEventDef> {
    const def = normalizeWorkflowEventDef(req, this.clock().toISOString());
    const stored = await this.store.putDefIfAbsent(tenant, def);
    if (!isDeepStrictEqual(stored.contentType, def.contentType)) {
      throw alreadyExists(`WorkflowEventDef ${def.id.name} already exists with another contentType`);
    }
    return stored;
  }

  async getDef(tenant: string, name: string): Promise<WorkflowEventDef> {
    const def = await this.store.getDef(tenant, checkName('name', name));
    if (!def) throw notFound(`WorkflowEventDef ${name} does not exist`);
    return def;
  }

  listDefs(tenant: string): Promise<WorkflowEventDef[]> {
    return this.store.listDefs(tenant);
  }

  async searchDefs(tenant: string, req: PageQuery & { prefix?: string }): Promise<ResultPage<{ name: string }>> {
    const names = (await this.store.listDefs(tenant)).map((d) => d.id.name).filter((n) => req.prefix === undefined || n.startsWith(req.prefix));
    const { page, items } = pageInMemory(names, (n) => [n], pageRequest(this.bookmarks, req));
    return resultPage(this.bookmarks, page, items.map((name) => ({ name })));
  }

  async deleteDef(tenant: string, name: string): Promise<void> {
    if (!(await this.store.deleteDef(tenant, checkName('name', name)))) throw notFound(`WorkflowEventDef ${name} does not exist`);
  }

  async getEvent(tenant: string, wfRunId: string, defName: string, number: number): Promise<WorkflowEvent> {
    checkWfRunId('wfRunId', wfRunId);
    checkName('workflowEventDefName', defName);
    if (!Number.isSafeInteger(number) || number < 0) throw invalidArgument('number must be a non-negative integer', { field: 'number' });
    const event = await this.store.getEvent(tenant, wfRunId, defName, number);
    if (!event) throw notFound(`WorkflowEvent ${wfRunId}/${defName}/${number} does not exist`);
    return this.masked(tenant, [event]).then(([e]) => e as WorkflowEvent);
  }

  /** The run's events in the order thrown, paged. */
  async listEvents(tenant: string, wfRunId: string, req: PageQuery = {}): Promise<ResultPage<WorkflowEvent>> {
    const events = await this.store.listEvents(tenant, checkWfRunId('wfRunId', wfRunId));
    if (!events) throw notFound(`WfRun ${wfRunId} does not exist`);
    const order = new Map(events.map((e, i) => [e, i]));
    const { page, items } = pageInMemory(events, (e) => [order.get(e) ?? 0], pageRequest(this.bookmarks, req));
    return resultPage(this.bookmarks, page, await this.masked(tenant, items));
  }

  /** SearchWorkflowEvent: ids of the def's events, oldest first, created within [earliestStart, latestStart]. */
  async searchEvents(tenant: string, req: SearchWorkflowEventRequest): Promise<ResultPage<WorkflowEventId>> {
    const defName = checkName('workflowEventDefName', req.workflowEventDefName);
    const min = instantOf('earliestStart', req.earliestStart);
    const max = instantOf('latestStart', req.latestStart);
    const window = { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
    const page = await this.store.search(tenant, defName, window, pageRequest(this.bookmarks, req));
    return resultPage(this.bookmarks, page, page.members.map((m) => {
      const [wfRunId, name, number] = JSON.parse(m) as [string, string, number];
      return { wfRunId, workflowEventDefId: { name }, number };
    }));
  }

  /**
   * The first event of the run matching the request, as soon as it is thrown (at once if it was);
   * DEADLINE_EXCEEDED when `timeoutMs` pass first. `signal` ends the wait early (the caller left).
   */
  async awaitEvent(tenant: string, wfRunId: string, req: AwaitWorkflowEventRequest, signal?: AbortSignal): Promise<WorkflowEvent> {
    checkWfRunId('wfRunId', wfRunId);
    const timeoutMs = req.timeoutMs ?? DEFAULT_AWAIT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0 || timeoutMs > MAX_AWAIT_MS) {
      throw invalidArgument(`timeoutMs must be between 0 and ${MAX_AWAIT_MS}`, { field: 'timeoutMs' });
    }
    const matches = matcher(req);
    let wake: () => void = () => {};
    const watch = await this.store.watch(tenant, wfRunId, (names) => {
      if (names.some((n) => matches.name(n))) wake();
    });
    try {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // Armed before reading, so that an event announced while the read is under way is not missed.
        const thrown = new Promise<void>((resolve) => (wake = resolve));
        const events = await this.store.listEvents(tenant, wfRunId);
        if (!events) throw notFound(`WfRun ${wfRunId} does not exist`);
        const found = events.find(matches.event);
        if (found) return (await this.masked(tenant, [found]))[0] as WorkflowEvent;
        if ((await waitFor(thrown, deadline - Date.now(), signal)) !== 'thrown') {
          throw new ColtError('DEADLINE_EXCEEDED', `no matching WorkflowEvent was thrown in WfRun ${wfRunId} within ${timeoutMs} ms`);
        }
      }
    } finally {
      await watch.stop();
    }
  }

  private async masked(tenant: string, events: WorkflowEvent[]): Promise<WorkflowEvent[]> {
    const names = [...new Set(events.map((e) => e.id.workflowEventDefId.name))];
    const defs = new Map(await Promise.all(names.map(async (n) => [n, await this.store.getDef(tenant, n)] as const)));
    return events.map((e) => (defs.get(e.id.workflowEventDefId.name)?.contentType.returnType?.masked ? { ...e, content: { str: MASK } } : e));
  }
}

function matcher(req: AwaitWorkflowEventRequest) {
  const defs = new Set((req.eventDefIds ?? []).map((d) => checkName('eventDefIds.name', d.name)));
  const ignored = new Set((req.workflowEventsToIgnore ?? []).map((id) => `${id.workflowEventDefId.name}/${id.number}`));
  const name = (key: string) => !ignored.has(key) && (defs.size === 0 || defs.has(key.slice(0, key.lastIndexOf('/'))));
  return { name, event: (e: WorkflowEvent) => name(`${e.id.workflowEventDefId.name}/${e.id.number}`) };
}

/** 'thrown' once `thrown` settles, 'deadline' after `ms`, 'aborted' when the caller goes away. */
function waitFor(thrown: Promise<void>, ms: number, signal?: AbortSignal): Promise<'thrown' | 'deadline' | 'aborted'> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve('deadline');
  return new Promise((resolve) => {
    const settle = (outcome: 'thrown' | 'deadline' | 'aborted') => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const timer = setTimeout(() => settle('deadline'), ms);
    const onAbort = () => settle('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    void thrown.then(() => settle('thrown'));
  });
}
