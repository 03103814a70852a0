// PATCH .../instances/{id}/status for WfSpec-backed workflows, by the transition table of
// cloudflare-status.ts: pause = StopWfRun, resume = ResumeWfRun, terminate = a terminated marker plus
// StopWfRun, restart = the WfRun deleted and started again under the same id with the same params.
// Also events (ExternalEvents of the def named by the event type); batch terminate and terminate-all
// are jobs (cloudflare-terminations.ts) that terminate through `change`.
import { checkPayloadSize } from './cloudflare-limits.ts';
import { ColtError } from '../errors.ts';
import type { ExternalEventDef, VariableValue, WfRun } from '../engine/types.ts';
import { fromPlain, valueOfJson, ValueError } from '../engine/values.ts';
import type { ExternalEventService } from './external-event-service.ts';
import type { RedisCloudflareStore } from '../store/redis/cloudflare-store.ts';
import type { WfRunService } from './wf-run-service.ts';
import type { CloudflareCode } from './cloudflare-services.ts';
import type { CloudflareCatalog } from './cloudflare-catalog.ts';
import { CF_CODE, CloudflareApiError, instanceNotFound } from './cloudflare-errors.ts';
import type { CloudflareInstanceService, LoadedInstance } from './cloudflare-instances.ts';
import { instanceStatusOf, planAction, type InstanceStatus, type StatusAction } from './cloudflare-status.ts';

export interface StatusChange {
  status: StatusAction;
  rollback?: boolean;
  from?: { name: string; count?: number; type?: string };
}

export interface StatusChanged { status: InstanceStatus; timestamp: string }

export class CloudflareInstanceStatusService {
  constructor(
    private readonly catalog: CloudflareCatalog,
    private readonly store: RedisCloudflareStore,
    private readonly instances: CloudflareInstanceService,
    private readonly wfRuns: WfRunService,
    private readonly externalEvents: ExternalEventService,
    private readonly code: CloudflareCode,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async change(tenant: string, name: string, id: string, change: StatusChange): Promise<StatusChanged> {
    const code = await this.code.workflows.find(tenant, name);
    if (code) return this.code.instances.changeStatus(tenant, code, id, change);
    await this.catalog.versions(tenant, name);
    const instance = await this.instances.load(tenant, name, id);
    if (change.status === 'restart' && change.from !== undefined) {
      throw new CloudflareApiError('INVALID_ARGUMENT', CF_CODE.INSTANCE_CANNOT_RESTART,
        '(instance.cannot_restart) restart from a step is for code workflows; a WfSpec-backed instance restarts from the beginning (leave out `from`)');
    }
    const status = await this.apply(tenant, name, id, instance, change.status);
    return { status, timestamp: this.clock().toISOString() };
  }

  /**
   * An event for a WfSpec-backed instance is an ExternalEvent of the def named `eventType`, its content
   * the payload typed by the def. Refused once the instance has finished, as Cloudflare refuses it.
   */
  async sendEvent(tenant: string, name: string, id: string, eventType: string, payload: unknown): Promise<{ instanceId: string; timestamp: string }> {
    checkPayloadSize('event payload', JSON.stringify(payload ?? null));
    const code = await this.code.workflows.find(tenant, name);
    if (code) return this.code.instances.sendEvent(tenant, code, id, eventType, payload);
    await this.catalog.versions(tenant, name);
    const { status } = await this.instances.load(tenant, name, id);
    if (status === 'complete' || status === 'errored' || status === 'terminated') {
      throw new CloudflareApiError('FAILED_PRECONDITION', CF_CODE.FAILED_PRECONDITION, `instance ${id} has finished (${status}); it takes no events`);
    }
    const def = await this.externalEvents.getDef(tenant, eventType).catch((err: unknown) => {
      if (!(err instanceof ColtError) || (err.code !== 'NOT_FOUND' && err.code !== 'INVALID_ARGUMENT')) throw err;
      throw new CloudflareApiError('NOT_FOUND', CF_CODE.EVENT_TYPE_NOT_FOUND,
        `event type ${eventType}: WfSpec-backed workflows take events as ExternalEvents, and there is no ExternalEventDef of that name`, { cause: err });
    });
    const event = await this.externalEvents.putEvent(tenant, id, eventType, { content: contentOf(def, payload) });
    return { instanceId: id, timestamp: event.createdAt };
  }

  private async apply(tenant: string, name: string, id: string, instance: LoadedInstance, action: StatusAction): Promise<InstanceStatus> {
    const plan = planAction(action, instance.status);
    const marked = instance.status === 'terminated';
    switch (plan) {
      case 'nothing':
        return instance.status;
      case 'refuse':
        throw new CloudflareApiError('FAILED_PRECONDITION', CF_CODE.INSTANCE_CANNOT_TERMINATE,
          `(instance.cannot_terminate) instance ${id} has already finished (${instance.status})`);
      case 'stop':
        return this.thread0(tenant, id, 'StopThreadRun', marked);
      case 'resume':
        return this.thread0(tenant, id, 'ResumeThreadRun', marked);
      case 'terminate':
        return this.terminate(tenant, id, instance);
      case 'restart':
        return this.restart(tenant, name, id, instance);
    }
  }

  /** StopWfRun / ResumeWfRun; a run that ended meanwhile is answered with its status. */
  private async thread0(tenant: string, id: string, type: 'StopThreadRun' | 'ResumeThreadRun', terminated: boolean): Promise<InstanceStatus> {
    let wfRun: WfRun;
    try {
      wfRun = await this.wfRuns.control(tenant, id, { type, threadRunNumber: 0 });
    } catch (err) {
      if (err instanceof ColtError && err.code === 'NOT_FOUND') throw instanceNotFound(id, err);
      if (!(err instanceof ColtError && err.code === 'FAILED_PRECONDITION')) throw err;
      wfRun = await this.wfRuns.getWfRun(tenant, id);
    }
    return instanceStatusOf(wfRun.status, terminated);
  }

  /** The marker first: a crash before the stop leaves a running WfRun, which the marker does not affect. */
  private async terminate(tenant: string, id: string, { state }: LoadedInstance): Promise<InstanceStatus> {
    await this.store.update(tenant, id, state.wfRun.startTime, { terminatedAt: this.clock().toISOString() });
    const status = await this.thread0(tenant, id, 'StopThreadRun', true);
    if (status !== 'terminated') {
      throw new CloudflareApiError('FAILED_PRECONDITION', CF_CODE.INSTANCE_CANNOT_TERMINATE,
        `(instance.cannot_terminate) instance ${id} finished before it could be terminated (${status})`);
    }
    return status;
  }

  /**
   * Deletes the WfRun and starts it again under the same id, with the params it was created with, on the
   * latest version of the WfSpec. Not atomic: a crash in between loses the instance (its record stays).
   */
  private async restart(tenant: string, name: string, id: string, { record }: LoadedInstance): Promise<InstanceStatus> {
    if (record?.params === undefined) {
      throw new CloudflareApiError('FAILED_PRECONDITION', CF_CODE.INSTANCE_CANNOT_RESTART,
        `(instance.cannot_restart) instance ${id} was not created through this API, so its original params are not known`);
    }
    const params = JSON.parse(record.params) as unknown;
    // Checked against the latest version before anything is deleted.
    const check = () => this.instances.checkCreate(tenant, name, { params });
    await check().catch((err: unknown) => {
      if (!(err instanceof ColtError)) throw err;
      throw new CloudflareApiError('FAILED_PRECONDITION', CF_CODE.INSTANCE_CANNOT_RESTART,
        `(instance.cannot_restart) the original params do not fit the latest version of ${name}: ${err.message}`, { cause: err });
    });
    await this.wfRuns.deleteWfRun(tenant, id, { evenIfRunning: true }).catch((err: unknown) => {
      if (!(err instanceof ColtError && err.code === 'NOT_FOUND')) throw err;
    });
    return (await this.instances.create(tenant, name, { instance_id: id, params })).status;
  }
}

/** The payload as the def's type (any JSON shape when the def names no type); 400 when it does not fit. */
function contentOf(def: ExternalEventDef, payload: unknown): VariableValue {
  const type = def.typeInformation?.returnType?.primitiveType;
  try {
    return type === undefined ? valueOfJson(payload) : fromPlain(type, payload);
  } catch (err) {
    if (!(err instanceof ValueError)) throw err;
    throw new CloudflareApiError('INVALID_ARGUMENT', CF_CODE.INVALID_INPUT, `event payload: ${err.message}`, { cause: err });
  }
}
