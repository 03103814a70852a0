// Put/Get/List/Delete of TaskDefs and WfSpecs, with LittleHorse's idempotency and versioning rules.
import { isDeepStrictEqual } from 'node:util';
import { alreadyExists, ColtError, failedPrecondition, invalidArgument, notFound } from '../errors.ts';
import { normalizeVariableDef, normalizeWfSpec, type PutWfSpecRequest } from '../engine/spec-validation.ts';
import { decideVersion } from '../engine/spec-versioning.ts';
import { checkInheritedVariables, unknownParentWfSpec } from '../engine/parent-wf-specs.ts';
import type { ParentWfSpecReference, TaskDef, WfSpec, WfSpecId } from '../engine/types.ts';
import { checkName } from '../ids.ts';
import type { Definitions, WfSpecVersionQuery } from '../apply/definitions.ts';
import type { RedisMetadataStore } from '../store/redis/metadata-store.ts';
import type { RedisRunStore } from '../store/redis/run-store.ts';
import type { RedisExternalEventStore } from '../store/redis/external-event-store.ts';
import { checkExternalEventDefs, externalEventDefNames } from '../engine/external-event-specs.ts';
import { checkWorkflowEventDefs, workflowEventDefNames } from '../engine/workflow-event-specs.ts';
import type { RedisWorkflowEventStore } from '../store/redis/workflow-event-store.ts';
import { isPlainObject } from '../engine/values.ts';
import { refuseWhileTaskDefInUse } from './task-def-usage.ts';
import { pinUserTaskDefs, userTaskDefNames } from '../engine/user-task-specs.ts';

export interface PutTaskDefRequest { name: string; inputVars?: unknown[]; returnType?: unknown; description?: string }

export class MetadataService {
  constructor(
    private readonly metadata: RedisMetadataStore,
    private readonly runs: RedisRunStore,
    private readonly definitions: Definitions,
    private readonly externalEvents: RedisExternalEventStore,
    private readonly workflowEvents: RedisWorkflowEventStore,
    private readonly clock: () => Date = () => new Date(),
    /** Where USER_TASK nodes find the UserTaskDef versions to pin (none: such WfSpecs are refused). */
    private readonly userTaskDefs?: { versionNumbers(tenant: string, names: string[]): Promise<Map<string, number[]>> },
  ) {}

  /** Idempotent for an identical TaskDef; a different one under a taken name is ALREADY_EXISTS. */
  async putTaskDef(tenant: string, req: PutTaskDefRequest): Promise<TaskDef> {
    const def = taskDefOf(req, this.clock());
    const stored = await this.metadata.putTaskDefIfAbsent(tenant, def);
    this.definitions.forgetTaskDef(tenant, def.id.name);
    if (stored !== def && !isDeepStrictEqual({ ...stored, createdAt: '' }, { ...def, createdAt: '' })) {
      throw alreadyExists(`TaskDef ${def.id.name} already exists with a different definition (TaskDefs are immutable)`);
    }
    return stored;
  }

  async getTaskDef(tenant: string, name: string): Promise<TaskDef> {
    const def = await this.metadata.getTaskDef(tenant, checkName('name', name));
    if (!def) throw notFound(`TaskDef ${name} does not exist`);
    return def;
  }

  listTaskDefs(tenant: string): Promise<TaskDef[]> {
    return this.metadata.listTaskDefs(tenant);
  }

  /** Refused (FAILED_PRECONDITION) while WfRuns that have not terminated use it. */
  async deleteTaskDef(tenant: string, name: string): Promise<void> {
    await refuseWhileTaskDefInUse(this.metadata, this.runs, tenant, checkName('name', name));
    if (!(await this.metadata.deleteTaskDef(tenant, name))) throw notFound(`TaskDef ${name} does not exist`);
    this.definitions.forgetTaskDef(tenant, name);
  }

  /** Identical re-put returns the latest version; otherwise a new revision, or a new major on a breaking change. */
  async putWfSpec(tenant: string, req: PutWfSpecRequest): Promise<WfSpec> {
    checkName('name', req.name);
    const taskDefs = await this.metadata.getTaskDefs(tenant, referencedTaskDefs(req.threadSpecs));
    const body = normalizeWfSpec(req, taskDefs);
    checkInheritedVariables(body, body.parentWfSpec && (await this.parentWfSpecOf(tenant, body.parentWfSpec)));
    const eventDefs = await this.externalEvents.getDefs(tenant, externalEventDefNames(body.threadSpecs));
    checkExternalEventDefs(body.threadSpecs, new Set(eventDefs.keys()));
    checkWorkflowEventDefs(body.threadSpecs, await this.workflowEvents.existingDefs(tenant, workflowEventDefNames(body.threadSpecs)));
    const userTaskDefs = userTaskDefNames(body.threadSpecs);
    if (userTaskDefs.length > 0) pinUserTaskDefs(body.threadSpecs, (await this.userTaskDefs?.versionNumbers(tenant, userTaskDefs)) ?? new Map(), taskDefs);
    for (let attempt = 0; attempt < 5; attempt++) {
      const latest = (await this.metadata.wfSpecVersions(tenant, req.name)).at(-1);
      const latestTaskDefs = latest ? await this.metadata.getTaskDefs(tenant, referencedTaskDefs(latest.threadSpecs)) : new Map();
      const decision = decideVersion(req.name, latest, body, new Map([...latestTaskDefs, ...taskDefs]));
      if (decision.kind === 'identical') return decision.spec;
      const { id, frozenVariables } = decision;
      const spec: WfSpec = { id, createdAt: this.clock().toISOString(), status: 'ACTIVE', ...body, frozenVariables };
      if (await this.metadata.addWfSpecVersion(tenant, spec)) return spec;
    }
    throw new ColtError('UNAVAILABLE', `WfSpec ${req.name} is being changed concurrently; try again`);
  }

  /** The latest revision of the referenced parent's major version; a 400 naming the field if there is none. */
  private async parentWfSpecOf(tenant: string, ref: ParentWfSpecReference): Promise<WfSpec> {
    try {
      return await this.definitions.resolveWfSpec(tenant, ref.wfSpecName, { majorVersion: ref.wfSpecMajorVersion });
    } catch (err) {
      if (err instanceof ColtError && err.code === 'NOT_FOUND') throw unknownParentWfSpec(ref);
      throw err;
    }
  }

  /** The exact version, the latest revision of a major, or the latest of all. */
  getWfSpec(tenant: string, name: string, query: WfSpecVersionQuery = {}): Promise<WfSpec> {
    return this.definitions.resolveWfSpec(tenant, checkName('name', name), query);
  }

  async listWfSpecs(tenant: string): Promise<WfSpec[]> {
    const names = await this.metadata.wfSpecNames(tenant);
    return (await Promise.all(names.map((n) => this.metadata.wfSpecVersions(tenant, n)))).flat();
  }

  /** Deletes one version; refused while WfRuns of that version have not terminated. */
  async deleteWfSpec(tenant: string, id: WfSpecId): Promise<void> {
    const spec = await this.getWfSpec(tenant, id.name, id);
    const active = await this.runs.countActiveRuns(tenant, spec.id);
    if (active > 0) throw failedPrecondition(`WfSpec ${id.name} ${id.majorVersion}.${id.revision} has ${active} WfRuns that have not terminated`);
    await this.metadata.deleteWfSpec(tenant, spec.id);
  }
}

function taskDefOf(req: PutTaskDefRequest, now: Date): TaskDef {
  const name = checkName('name', req.name);
  const inputVars = (req.inputVars ?? []).map((v, i) => normalizeVariableDef(`inputVars[${i}]`, v));
  const seen = new Set<string>();
  for (const v of inputVars) {
    if (seen.has(v.name)) throw invalidArgument(`inputVars: '${v.name}' appears twice`, { field: 'inputVars' });
    seen.add(v.name);
  }
  const def: TaskDef = { id: { name }, inputVars, createdAt: now.toISOString() };
  if (req.returnType !== undefined) def.returnType = returnTypeOf(req.returnType);
  if (req.description !== undefined) def.description = req.description;
  return def;
}

function returnTypeOf(raw: unknown): NonNullable<TaskDef['returnType']> {
  if (!isPlainObject(raw)) throw invalidArgument('returnType must be an object', { field: 'returnType' });
  if (raw.returnType === undefined) return {};
  return { returnType: normalizeVariableDef('returnType', { name: 'returnType', typeDef: raw.returnType }).typeDef };
}

/** The TaskDef names a raw WfSpec request's TASK nodes use. */
function referencedTaskDefs(threadSpecs: unknown): string[] {
  const names = new Set<string>();
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(visit);
    if (!isPlainObject(x)) return;
    if (isPlainObject(x.task) && isPlainObject(x.task.taskDefId) && typeof x.task.taskDefId.name === 'string') {
      names.add(x.task.taskDefId.name);
    }
    Object.values(x).forEach(visit);
  };
  visit(threadSpecs);
  return [...names];
}
