// RunWf, Get/Delete WfRun, GetNodeRun, GetTaskRun, SearchWfRun.
import type { CommandApplier } from '../apply/apply-command.ts';
import type { TaskQueues } from '../dispatch/task-queues.ts';
import type { Command } from '../engine/commands.ts';
import { failedPrecondition, invalidArgument, notFound } from '../errors.ts';
import { nodeRunKey } from '../engine/run-state.ts';
import type { NodeRun, RunState, TaskRun, WfRun, WfSpec } from '../engine/types.ts';
import { checkName, checkWfRunId, newGuid } from '../ids.ts';
import type { RedisRunStore } from '../store/redis/run-store.ts';
import { maskNodeRun, maskTaskRun } from './masking.ts';
import type { MetadataService } from './metadata-service.ts';
import { threadSpecOf } from '../engine/spec.ts';
import { checkParentWfRun } from '../engine/parent-wf-specs.ts';
import { InputError, inputsFromPlain } from '../engine/thread-variables.ts';
import type { ThreadVarDef, VariableValue } from '../engine/types.ts';

export interface RunWfRequest {
  wfSpecName: string;
  majorVersion?: number;
  revision?: number;
  id?: string;
  variables?: Record<string, unknown>;
  parentWfRunId?: string;
}

export type ThreadCommand = Extract<Command, { type: 'StopThreadRun' | 'ResumeThreadRun' | 'RescueThreadRun' }>;

export class WfRunService {
  constructor(
    private readonly runs: RedisRunStore,
    private readonly applier: CommandApplier,
    private readonly metadata: MetadataService,
    private readonly taskQueues: TaskQueues,
  ) {}

  async runWf(tenant: string, req: RunWfRequest): Promise<WfRun> {
    checkName('wfSpecName', req.wfSpecName);
    const ownId = req.id === undefined ? newGuid() : checkName('id', req.id);
    const spec = await this.metadata.getWfSpec(tenant, req.wfSpecName, req);
    const parentWfRunId = await this.checkParent(tenant, spec, req.parentWfRunId);
    // A child's id is `<parent>_<id>`: its keys share the root's hash tag, so it is stored with the root.
    const wfRunId = parentWfRunId === undefined ? ownId : `${parentWfRunId}_${ownId}`;
    const variables = typedInputs(threadSpecOf(spec, spec.entrypointThreadName).variableDefs, req.variables ?? {});
    const state = await this.applier.runWf(tenant, spec, { type: 'RunWf', wfRunId, variables, ...(parentWfRunId ? { parentWfRunId } : {}) });
    return state.wfRun;
  }

  /** RunWf's parent rules (see checkParentWfRun) for a run of `spec`; returns the parent's id. */
  async checkParent(tenant: string, spec: WfSpec, parentWfRunId: string | undefined): Promise<string | undefined> {
    if (parentWfRunId !== undefined) checkWfRunId('parentWfRunId', parentWfRunId);
    checkParentWfRun(spec, parentWfRunId, parentWfRunId === undefined ? undefined : await this.runs.wfRunOf(tenant, parentWfRunId));
    return parentWfRunId;
  }

  /** StopWfRun / ResumeWfRun / RescueThreadRun on one thread (0: the whole WfRun). */
  async control(tenant: string, wfRunId: string, command: ThreadCommand): Promise<WfRun> {
    return (await this.applier.apply(tenant, checkWfRunId('wfRunId', wfRunId), command)).wfRun;
  }

  async getWfRun(tenant: string, wfRunId: string): Promise<WfRun> {
    return (await this.load(tenant, wfRunId)).wfRun;
  }

  /**
   * DeleteWfRun: refused (FAILED_PRECONDITION) while the run is RUNNING, unless `evenIfRunning`;
   * otherwise every trace goes: run data, timers, index entries, events, and its task jobs.
   */
  async deleteWfRun(tenant: string, wfRunId: string, { evenIfRunning = false } = {}): Promise<void> {
    const { wfRun } = await this.load(tenant, wfRunId);
    const deleted = await this.runs.delete(tenant, wfRun, (state) => {
      if (state.wfRun.status === 'RUNNING' && !evenIfRunning) {
        throw failedPrecondition(`WfRun ${wfRunId} is RUNNING; stop it (or let it end) before deleting it`);
      }
    });
    if (deleted) await this.taskQueues.removeAttempts(tenant, Object.values(deleted.taskRuns));
  }

  async getNodeRun(tenant: string, wfRunId: string, threadRunNumber: number, position: number): Promise<NodeRun> {
    const nodeRun = (await this.load(tenant, wfRunId)).nodeRuns[nodeRunKey(threadRunNumber, position)];
    if (!nodeRun) throw notFound(`NodeRun ${wfRunId}/${threadRunNumber}/${position} does not exist`);
    return maskNodeRun(nodeRun);
  }

  async getTaskRun(tenant: string, wfRunId: string, taskGuid: string): Promise<TaskRun> {
    const taskRun = (await this.load(tenant, wfRunId)).taskRuns[taskGuid];
    if (!taskRun) throw notFound(`TaskRun ${wfRunId}/${taskGuid} does not exist`);
    return maskTaskRun(taskRun);
  }

  private async load(tenant: string, wfRunId: string): Promise<RunState> {
    const loaded = await this.runs.load(tenant, checkWfRunId('wfRunId', wfRunId));
    if (!loaded) throw notFound(`WfRun ${wfRunId} does not exist`);
    return loaded.state;
  }
}

/** Plain-JSON inputs typed by the WfSpec's declarations; a value of the wrong type is a 400 naming it. */
function typedInputs(defs: ThreadVarDef[], plain: Record<string, unknown>): Record<string, VariableValue> {
  try {
    return inputsFromPlain(defs, plain);
  } catch (err) {
    if (err instanceof InputError) throw invalidArgument(err.message, { field: err.field });
    throw err;
  }
}
