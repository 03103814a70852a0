// GetUserTaskRun, ListUserTaskRuns, SearchUserTaskRun, and the commands people send a UserTaskRun
// (assign, claim, release, save, complete, cancel, comments), each applied through the one commit path.
import type { CommandApplier } from '../apply/apply-command.ts';
import { invalidArgument, notFound } from '../errors.ts';
import type { SaveUserTaskRunPolicy, UserTaskCommand } from '../engine/user-task-commands.ts';
import { resultValue, typedResults } from '../engine/user-task-specs.ts';
import { USER_TASK_RUN_STATUSES, type UserTaskRun, type UserTaskRunId, type UserTaskRunStatus } from '../engine/user-task-types.ts';
import type { RunState, VariableValue } from '../engine/types.ts';
import { checkName, checkWfRunId } from '../ids.ts';
import type { Bookmarks } from '../store/bookmarks.ts';
import type { RedisRunStore } from '../store/redis/run-store.ts';
import type { RedisUserTaskRunSearch } from '../store/redis/user-task-run-search.ts';
import { instantOf, pageRequest, resultPage, type PageQuery, type ResultPage } from './paging.ts';
import type { UserTaskDefService } from './user-task-def-service.ts';

export interface SearchUserTaskRunRequest extends PageQuery {
  userId?: string;
  userGroup?: string;
  status?: string;
  userTaskDefName?: string;
  earliestStart?: string;
  latestStart?: string;
}

export interface AssignRequest { userId?: string; userGroup?: string; overrideClaim?: boolean }
export interface ResultsRequest { userId?: string; results?: unknown; policy?: SaveUserTaskRunPolicy }

type Ref = { tenant: string; wfRunId: string; userTaskGuid: string };

export class UserTaskRunService {
  constructor(
    private readonly runs: RedisRunStore,
    private readonly applier: CommandApplier,
    private readonly defs: UserTaskDefService,
    private readonly index: RedisUserTaskRunSearch,
    private readonly bookmarks: Bookmarks,
  ) {}

  async get(ref: Ref): Promise<UserTaskRun> {
    return userTaskRunIn(await this.load(ref.tenant, ref.wfRunId), ref.userTaskGuid);
  }

  /** The WfRun's UserTaskRuns, oldest first. */
  async list(tenant: string, wfRunId: string): Promise<{ results: UserTaskRun[] }> {
    const state = await this.load(tenant, wfRunId);
    return { results: Object.values(state.userTaskRuns ?? {}).map(served).sort((a, b) => a.scheduledTime.localeCompare(b.scheduledTime)) };
  }

  async assign(ref: Ref, req: AssignRequest): Promise<UserTaskRun> {
    const owners = { ...optional('userId', req.userId), ...optional('userGroup', req.userGroup) };
    if (!owners.userId && !owners.userGroup) throw invalidArgument('userId or userGroup is required', { field: 'userId' });
    return this.send(ref, { type: 'AssignUserTaskRun', userTaskGuid: ref.userTaskGuid, ...owners, overrideClaim: req.overrideClaim === true });
  }

  claim(ref: Ref, userId: unknown): Promise<UserTaskRun> {
    return this.send(ref, { type: 'ClaimUserTaskRun', userTaskGuid: ref.userTaskGuid, userId: required('userId', userId) });
  }

  release(ref: Ref, userId: unknown): Promise<UserTaskRun> {
    return this.send(ref, { type: 'ReleaseUserTaskRun', userTaskGuid: ref.userTaskGuid, ...optional('userId', userId) });
  }

  /** Results are checked against the exact UserTaskDef version of the task; no userId: the owner completes it. */
  async complete(ref: Ref, req: ResultsRequest): Promise<UserTaskRun> {
    const utr = await this.get(ref);
    const userId = req.userId === undefined ? utr.userId : required('userId', req.userId);
    if (!userId) throw invalidArgument('userId is required: the task has no owner', { field: 'userId' });
    const results = typedResults(await this.defs.forRun(ref.tenant, utr.userTaskDefId), req.results);
    return this.send(ref, { type: 'CompleteUserTaskRun', userTaskGuid: ref.userTaskGuid, userId, results });
  }

  /** Replaces the saved results (not checked against the def, as a draft may be incomplete). */
  save(ref: Ref, req: ResultsRequest): Promise<UserTaskRun> {
    const policy = req.policy ?? 'FAIL_IF_CLAIMED_BY_OTHER';
    const results = draftResults(req.results);
    return this.send(ref, { type: 'SaveUserTaskRunProgress', userTaskGuid: ref.userTaskGuid, userId: required('userId', req.userId), results, policy });
  }

  cancel(ref: Ref): Promise<UserTaskRun> {
    return this.send(ref, { type: 'CancelUserTaskRun', userTaskGuid: ref.userTaskGuid });
  }

  putComment(ref: Ref, userId: unknown, comment: unknown): Promise<UserTaskRun> {
    return this.send(ref, { type: 'PutUserTaskRunComment', userTaskGuid: ref.userTaskGuid, userId: required('userId', userId), comment: required('comment', comment) });
  }

  editComment(ref: Ref, userCommentId: number, userId: unknown, comment: unknown): Promise<UserTaskRun> {
    const cmd = { type: 'EditUserTaskRunComment' as const, userTaskGuid: ref.userTaskGuid, userCommentId, userId: required('userId', userId), comment: required('comment', comment) };
    return this.send(ref, cmd);
  }

  deleteComment(ref: Ref, userCommentId: number, userId: unknown): Promise<UserTaskRun> {
    return this.send(ref, { type: 'DeleteUserTaskRunComment', userTaskGuid: ref.userTaskGuid, userCommentId, userId: required('userId', userId) });
  }

  /** Ids of the tasks matching every given filter, oldest first, within the scheduled-time window. */
  async search(tenant: string, req: SearchUserTaskRunRequest): Promise<ResultPage<UserTaskRunId>> {
    if (req.status !== undefined && !USER_TASK_RUN_STATUSES.includes(req.status as UserTaskRunStatus)) {
      throw invalidArgument(`status must be one of ${USER_TASK_RUN_STATUSES.join(', ')}`, { field: 'status' });
    }
    if (req.userTaskDefName !== undefined) checkName('userTaskDefName', req.userTaskDefName);
    const filter = {
      ...optional('userTaskDefName', req.userTaskDefName), ...optional('status', req.status),
      ...optional('userId', req.userId), ...optional('userGroup', req.userGroup),
    };
    const min = instantOf('earliestStart', req.earliestStart);
    const max = instantOf('latestStart', req.latestStart);
    const window = { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
    const page = await this.index.search(tenant, filter, window, pageRequest(this.bookmarks, req));
    return resultPage(this.bookmarks, page, page.ids);
  }

  private async send(ref: Ref, command: UserTaskCommand): Promise<UserTaskRun> {
    checkWfRunId('wfRunId', ref.wfRunId);
    checkName('userTaskRunId', ref.userTaskGuid);
    return userTaskRunIn(await this.applier.apply(ref.tenant, ref.wfRunId, command), ref.userTaskGuid);
  }

  private async load(tenant: string, wfRunId: string): Promise<RunState> {
    const loaded = await this.runs.load(tenant, checkWfRunId('wfRunId', wfRunId));
    if (!loaded) throw notFound(`WfRun ${wfRunId} does not exist`);
    return loaded.state;
  }
}

function userTaskRunIn(state: RunState, userTaskGuid: string): UserTaskRun {
  const utr = state.userTaskRuns?.[userTaskGuid];
  if (!utr) throw notFound(`UserTaskRun ${state.wfRun.id}/${userTaskGuid} does not exist`);
  return served(utr);
}

/** As served: with the contract's `userTaskDefName` beside LittleHorse's `userTaskDefId`. */
function served(utr: UserTaskRun): UserTaskRun & { userTaskDefName: string } {
  return { ...utr, userTaskDefName: utr.userTaskDefId.name };
}

/** A non-blank string, or a 400 naming the field. */
function required(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalidArgument(`${field} is required (a non-blank string)`, { field });
  return value;
}

function optional<K extends string>(field: K, value: unknown): Partial<Record<K, string>> {
  if (value === undefined || value === '') return {};
  return { [field]: required(field, value) } as Record<K, string>;
}

/** Saved results: any field names, each value plain JSON or a VariableValue. */
function draftResults(raw: unknown): Record<string, VariableValue> {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidArgument('results: must be an object', { field: 'results' });
  return Object.fromEntries(Object.entries(raw).map(([name, value]) => [name, resultValue(`results.${name}`, value)]));
}
