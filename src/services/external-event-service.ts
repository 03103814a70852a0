// ExternalEventDef put/get/list/delete, PutExternalEvent / GetExternalEvent / ListExternalEvents,
// and Put/Get/DeleteCorrelatedEvent. An event for an existing WfRun is a command through the one
// commit path (the reducer decides whether a waiting node claims it); one for a WfRun that does
// not exist yet is kept for it; a correlated event goes to the runs waiting with its key.
import { isDeepStrictEqual } from 'node:util';
import type { CommandApplier } from '../apply/apply-command.ts';
import { ColtError, failedPrecondition, invalidArgument, notFound } from '../errors.ts';
import { normalizeExternalEventDef, typedContent, type PutExternalEventDefRequest } from '../engine/external-event-specs.ts';
import { externalEventKey } from '../engine/run-state.ts';
import type { CorrelatedEvent, ExternalEvent, ExternalEventDef, VariableValue } from '../engine/types.ts';
import { normalizeValue, ValueError } from '../engine/values.ts';
import { checkName, checkWfRunId, newGuid } from '../ids.ts';
import type { RedisExternalEventStore } from '../store/redis/external-event-store.ts';
import type { RedisCorrelatedEventStore } from '../store/redis/correlated-event-store.ts';
import { MASK } from './masking.ts';

export interface PutExternalEventRequest {
  /** A LittleHorse VariableValue (`{"bool": true}`); absent: NULL. */
  content?: unknown;
  guid?: string;
  threadRunNumber?: number;
  nodeRunPosition?: number;
}

export interface PutCorrelatedEventRequest { key: string; externalEventDefId: { name: string }; content?: unknown }

/** An ExternalEvent as the API serves it (Colt's arrival number stays inside). */
export type ServedExternalEvent = Omit<ExternalEvent, 'sequence'>;

/** Tries of "post to the run, else keep for the run": each only fails if the other just became right. */
const PUT_TRIES = 3;
const MAX_CORRELATION_KEY_LENGTH = 1024;

export class ExternalEventService {
  constructor(
    private readonly store: RedisExternalEventStore,
    private readonly correlations: RedisCorrelatedEventStore,
    private readonly applier: CommandApplier,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Creates or replaces a def (LittleHorse overwrites); an identical re-put returns the stored one. */
  async putDef(tenant: string, req: PutExternalEventDefRequest): Promise<ExternalEventDef> {
    const def = normalizeExternalEventDef(req, this.clock().toISOString());
    const stored = await this.store.getDef(tenant, def.id.name);
    if (stored && isDeepStrictEqual({ ...stored, createdAt: '' }, { ...def, createdAt: '' })) return stored;
    await this.store.putDef(tenant, def);
    return def;
  }

  async getDef(tenant: string, name: string): Promise<ExternalEventDef> {
    const def = await this.store.getDef(tenant, checkName('name', name));
    if (!def) throw notFound(`ExternalEventDef ${name} does not exist`);
    return def;
  }

  listDefs(tenant: string): Promise<ExternalEventDef[]> {
    return this.store.listDefs(tenant);
  }

  async deleteDef(tenant: string, name: string): Promise<void> {
    if (!(await this.store.deleteDef(tenant, checkName('name', name)))) throw notFound(`ExternalEventDef ${name} does not exist`);
  }

  /**
   * PutExternalEvent: content typed by the def; a guid the WfRun already has returns the event it
   * names, unchanged. The WfRun need not exist yet.
   */
  async putEvent(tenant: string, wfRunId: string, defName: string, req: PutExternalEventRequest): Promise<ServedExternalEvent> {
    checkWfRunId('wfRunId', wfRunId);
    const def = await this.getDefOf(tenant, defName);
    const guid = req.guid === undefined ? newGuid() : checkName('guid', req.guid);
    const content = contentOf(def, req.content);
    if (req.nodeRunPosition !== undefined && req.threadRunNumber === undefined) {
      throw invalidArgument('nodeRunPosition needs threadRunNumber', { field: 'nodeRunPosition' });
    }
    const target = {
      ...(req.threadRunNumber === undefined ? {} : { threadRunNumber: req.threadRunNumber }),
      ...(req.nodeRunPosition === undefined ? {} : { nodeRunPosition: req.nodeRunPosition }),
    };
    const command = { type: 'ExternalEventArrived' as const, externalEventDefName: defName, guid, content, ...target };
    let missing: unknown;
    for (let attempt = 0; attempt < PUT_TRIES; attempt++) {
      try {
        const state = await this.applier.apply(tenant, wfRunId, command);
        return served(def, state.externalEvents?.[externalEventKey(defName, guid)] as ExternalEvent);
      } catch (err) {
        if (!(err instanceof ColtError && err.code === 'NOT_FOUND')) throw err;
        missing = err;
      }
      const id = { wfRunId, externalEventDefId: { name: defName }, guid };
      const kept = await this.store.keepForRun(tenant, { id, createdAt: this.clock().toISOString(), content, ...target, claimed: false });
      if (kept) return served(def, kept);
    }
    throw missing;
  }

  async getEvent(tenant: string, wfRunId: string, defName: string, guid: string): Promise<ServedExternalEvent> {
    checkWfRunId('wfRunId', wfRunId);
    checkName('externalEventDefName', defName);
    const event = await this.store.getEvent(tenant, wfRunId, defName, checkName('guid', guid));
    if (!event) throw notFound(`ExternalEvent ${wfRunId}/${defName}/${guid} does not exist`);
    return served(await this.store.getDef(tenant, defName), event);
  }

  /** The WfRun's events, oldest first (those posted before it exists too; none: an empty list). */
  async listEvents(tenant: string, wfRunId: string): Promise<ServedExternalEvent[]> {
    const events = await this.store.listEvents(tenant, checkWfRunId('wfRunId', wfRunId));
    const defs = await this.store.getDefs(tenant, [...new Set(events.map((e) => e.id.externalEventDefId.name))]);
    return events.map((e) => served(defs.get(e.id.externalEventDefId.name) ?? null, e));
  }

  /**
   * PutCorrelatedEvent: handed to every WfRun waiting with this key, now or when it starts waiting
   * (only the first, if the def says deleteAfterFirstCorrelation). Refused for a def without
   * correlatedEventConfig.
   */
  async putCorrelatedEvent(tenant: string, req: PutCorrelatedEventRequest): Promise<CorrelatedEvent> {
    const key = correlationKeyOf(req.key);
    const def = await this.getDefOf(tenant, req.externalEventDefId.name);
    const config = def.correlatedEventConfig;
    if (!config) throw failedPrecondition(`ExternalEventDef ${def.id.name} has no correlatedEventConfig, so it takes no correlated events`);
    const event = { id: { key, externalEventDefId: { name: def.id.name } }, createdAt: this.clock().toISOString(), content: contentOf(def, req.content) };
    const ttlMs = config.ttlSeconds === undefined ? null : config.ttlSeconds * 1000;
    return maskedCorrelated(def, await this.applier.correlator.put(tenant, event, ttlMs, config.deleteAfterFirstCorrelation));
  }

  async getCorrelatedEvent(tenant: string, defName: string, key: string): Promise<CorrelatedEvent> {
    checkName('externalEventDefName', defName);
    const event = await this.correlations.get(tenant, defName, correlationKeyOf(key));
    if (!event) throw notFound(`CorrelatedEvent ${defName}/${key} does not exist`);
    return maskedCorrelated(await this.store.getDef(tenant, defName), event);
  }

  async deleteCorrelatedEvent(tenant: string, defName: string, key: string): Promise<void> {
    checkName('externalEventDefName', defName);
    if (!(await this.correlations.delete(tenant, defName, correlationKeyOf(key)))) throw notFound(`CorrelatedEvent ${defName}/${key} does not exist`);
  }

  private async getDefOf(tenant: string, defName: string): Promise<ExternalEventDef> {
    const def = await this.store.getDef(tenant, checkName('externalEventDefName', defName));
    if (!def) throw notFound(`ExternalEventDef ${defName} does not exist`);
    return def;
  }
}

/** The posted content: a VariableValue of the def's type (400 naming `content` otherwise). */
function contentOf(def: ExternalEventDef, raw: unknown): VariableValue {
  try {
    return typedContent(def, raw === undefined ? {} : normalizeValue(raw));
  } catch (err) {
    if (err instanceof ValueError) throw invalidArgument(`content: ${err.message}`, { field: 'content' });
    throw err;
  }
}

function correlationKeyOf(key: unknown): string {
  if (typeof key !== 'string' || key === '' || key.length > MAX_CORRELATION_KEY_LENGTH) {
    throw invalidArgument(`key must be 1-${MAX_CORRELATION_KEY_LENGTH} characters`, { field: 'key' });
  }
  return key;
}

function maskedCorrelated(def: ExternalEventDef | null, event: CorrelatedEvent): CorrelatedEvent {
  return def?.typeInformation?.returnType?.masked ? { ...event, content: { str: MASK } } : event;
}

/** Without Colt's arrival number, and with the content masked if the def's type says so. */
function served(def: ExternalEventDef | null, event: ExternalEvent): ServedExternalEvent {
  const { sequence: _sequence, ...rest } = event;
  return def?.typeInformation?.returnType?.masked ? { ...rest, content: { str: MASK } } : rest;
}
