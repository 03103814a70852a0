// TASK nodes: a TaskRun per visit, one attempt per try, dispatched to the TaskDef's queue;
// claims, reports and timeouts move attempts; a finished TaskRun completes or fails its node.
import { notFound } from '../errors.ts';
import { resolveAssignment } from './assignments.ts';
import { MissingTaskDefError, type Command, type EngineContext, type Effect } from './commands.ts';
import { failure, NodeFailureError, varSubError } from './failures.ts';
import { nodeRunKey } from './run-state.ts';
import { canRetry, dispatch, newAttempt, retry, timeoutTimer } from './task-attempts.ts';
import { completeNode, failNode } from './threads.ts';
import type { Failure, Node, NodeRun, RunState, TaskAttempt, TaskDef, TaskRun, TaskStatus, VariableValue } from './types.ts';
import { castImplicitly, typeOfValue, ValueError } from './values.ts';

const DEFAULT_TIMEOUT_SECONDS = 60;
const OPEN_ATTEMPT: readonly TaskStatus[] = ['TASK_SCHEDULED', 'TASK_RUNNING'];

export function arriveAtTask(
  state: RunState,
  ctx: EngineContext,
  nodeRun: NodeRun,
  task: NonNullable<Node['task']>,
  effects: Effect[],
): void {
  const name = task.taskDefId?.name ?? resolveAssignment(state, nodeRun.id.threadRunNumber, task.dynamicTask ?? {}).str;
  if (!name) throw varSubError('the dynamic TaskDef name did not resolve to a STR');
  const def = taskDefOf(ctx, name);
  if (!def) throw new NodeFailureError(failure('TASK_ERROR', `TaskDef '${name}' does not exist (deleted?)`));
  const source = { taskNode: { nodeRunId: nodeRun.id }, wfSpecId: ctx.spec.id };
  const taskRun = scheduleTaskRun(state, ctx, { name, task, inputVariables: taskInputs(state, nodeRun, task, def), source }, effects);
  nodeRun.task = { taskRunId: taskRun.id };
}

/** A new TaskRun of `name`, recorded in the run with its first attempt dispatched. */
export function scheduleTaskRun(
  state: RunState,
  ctx: EngineContext,
  run: { name: string; task: NonNullable<Node['task']>; inputVariables: TaskRun['inputVariables']; source: TaskRun['source'] },
  effects: Effect[],
): TaskRun {
  const taskGuid = ctx.newGuid();
  const { task } = run;
  const taskRun: TaskRun = {
    id: { wfRunId: state.wfRun.id, taskGuid },
    taskDefId: { name: run.name },
    attempts: [newAttempt(ctx)],
    inputVariables: run.inputVariables,
    source: run.source,
    scheduledAt: ctx.now,
    status: 'TASK_SCHEDULED',
    timeoutSeconds: task.timeoutSeconds || DEFAULT_TIMEOUT_SECONDS,
    totalAttempts: 1 + task.retries,
    ...(task.exponentialBackoff ? { exponentialBackoff: task.exponentialBackoff } : {}),
  };
  state.taskRuns[taskGuid] = taskRun;
  effects.push(dispatch(taskRun, 0));
  return taskRun;
}

function taskInputs(state: RunState, nodeRun: NodeRun, task: NonNullable<Node['task']>, def: TaskDef) {
  return def.inputVars.map((input, i) => {
    const value = resolveAssignment(state, nodeRun.id.threadRunNumber, task.variables[i] ?? {});
    try {
      return { varName: input.name, value: castImplicitly(value, input.typeDef.primitiveType), masked: input.typeDef.masked };
    } catch (err) {
      if (err instanceof ValueError) throw varSubError(`task input '${input.name}': ${err.message}`);
      throw err;
    }
  });
}

/** A worker took the attempt: it is RUNNING, and its timeout timer starts now. */
export function onTaskClaimed(state: RunState, cmd: Extract<Command, { type: 'TaskClaimed' }>, ctx: EngineContext, effects: Effect[]): void {
  const { taskRun, attempt } = openAttempt(state, cmd.taskGuid, cmd.attemptNumber);
  if (attempt?.status !== 'TASK_SCHEDULED') return;
  attempt.status = 'TASK_RUNNING';
  attempt.startTime = ctx.now;
  attempt.taskWorkerId = cmd.taskWorkerId;
  if (cmd.taskWorkerVersion !== undefined) attempt.taskWorkerVersion = cmd.taskWorkerVersion;
  taskRun.status = 'TASK_RUNNING';
  effects.push(timeoutTimer(taskRun, cmd.attemptNumber));
}

/** A worker's result for one attempt. Results for attempts no longer open change nothing. */
export function onTaskReported(
  state: RunState,
  cmd: Extract<Command, { type: 'TaskReported' }>,
  ctx: EngineContext,
  effects: Effect[],
): void {
  const { taskRun, attempt } = openAttempt(state, cmd.taskGuid, cmd.attemptNumber);
  if (!attempt || !OPEN_ATTEMPT.includes(attempt.status)) return;
  recordReport(attempt, cmd, ctx);
  if (attempt.status === 'TASK_SUCCESS') checkOutput(attempt, taskDefOf(ctx, taskRun.taskDefId.name));
  endAttempt(state, taskRun, attempt, ctx, effects);
}

/** The timeout timer of a claimed attempt: no report came in time. A stale timer (attempt already ended) changes nothing. */
export function onTaskAttemptTimedOut(
  state: RunState,
  cmd: Extract<Command, { type: 'TaskAttemptTimedOut' }>,
  ctx: EngineContext,
  effects: Effect[],
): void {
  const taskRun = state.taskRuns[cmd.taskGuid];
  const attempt = taskRun?.attempts[cmd.attemptNumber];
  if (!taskRun || attempt?.status !== 'TASK_RUNNING') return;
  attempt.status = 'TASK_TIMEOUT';
  attempt.endTime = ctx.now;
  attempt.error = { type: 'TIMEOUT', message: `no result within ${taskRun.timeoutSeconds} s of the claim` };
  endAttempt(state, taskRun, attempt, ctx, effects);
}

/** An attempt has ended: retry it, or end the TaskRun with it and complete or fail the node. */
function endAttempt(state: RunState, taskRun: TaskRun, attempt: TaskAttempt, ctx: EngineContext, effects: Effect[]): void {
  if (canRetry(taskRun, attempt)) return retry(taskRun, ctx, effects);
  taskRun.status = attempt.status;
  const source = taskRun.source.taskNode;
  if (!source) return; // a user task's reminder ends on its own: it never fails the run
  const nodeRun = state.nodeRuns[nodeRunKey(source.nodeRunId.threadRunNumber, source.nodeRunId.position)] as NodeRun;
  if (attempt.status === 'TASK_SUCCESS') completeNode(nodeRun, ctx);
  else failNode(ctx, nodeRun, failureOfAttempt(attempt));
}

/** The TaskDef the caller looked up (null: it does not exist); not looked up yet: ask the caller. */
function taskDefOf(ctx: EngineContext, name: string): TaskDef | null {
  const def = ctx.taskDefs.get(name);
  if (def === undefined) throw new MissingTaskDefError(name);
  return def;
}

function openAttempt(state: RunState, taskGuid: string, attemptNumber: number) {
  const taskRun = state.taskRuns[taskGuid];
  if (!taskRun) throw notFound(`TaskRun ${state.wfRun.id}/${taskGuid} does not exist`);
  return { taskRun, attempt: taskRun.attempts[attemptNumber] };
}

function recordReport(attempt: TaskAttempt, cmd: Extract<Command, { type: 'TaskReported' }>, ctx: EngineContext): void {
  attempt.status = cmd.status;
  attempt.endTime = cmd.time ?? ctx.now;
  attempt.startTime ??= cmd.startTime ?? attempt.endTime;
  if (cmd.taskWorkerId !== undefined) attempt.taskWorkerId ??= cmd.taskWorkerId;
  if (cmd.output !== undefined) attempt.output = cmd.output;
  if (cmd.error !== undefined) attempt.error = cmd.error;
  if (cmd.exception !== undefined) attempt.exception = cmd.exception;
  if (cmd.logOutput !== undefined) attempt.logOutput = cmd.logOutput;
}

/** A TaskDef with a declared return type gets outputs of that type, or the attempt is a serde error. */
function checkOutput(attempt: TaskAttempt, def: TaskDef | null): void {
  const declared = def?.returnType;
  if (!declared) return;
  const type = declared.returnType?.primitiveType;
  const output: VariableValue = attempt.output ?? {};
  if (type === undefined) return void delete attempt.output;
  const actual = typeOfValue(output);
  if (actual === 'INT' && type === 'DOUBLE') attempt.output = { double: output.int as number };
  else if (actual !== null && actual !== type) {
    attempt.status = 'TASK_OUTPUT_SERDE_ERROR';
    attempt.error = { type: 'VAR_MUTATION_ERROR', message: `output is a ${typeOfValue(output)}, the TaskDef returns ${type}` };
  }
  if (declared.returnType?.masked) attempt.maskedValue = true;
}

function failureOfAttempt(attempt: TaskAttempt): Failure {
  switch (attempt.status) {
    case 'TASK_EXCEPTION': {
      const e = attempt.exception ?? { name: 'task-exception', message: '' };
      return failure(e.name, e.message, e.content);
    }
    case 'TASK_TIMEOUT': return failure('TIMEOUT', attempt.error?.message ?? 'task attempt timed out');
    case 'TASK_OUTPUT_SERDE_ERROR': return failure('VAR_MUTATION_ERROR', attempt.error?.message ?? 'task output did not match the TaskDef');
    case 'TASK_INPUT_VAR_SUB_ERROR': return failure('VAR_SUB_ERROR', attempt.error?.message ?? 'task input could not be computed');
    default: return failure('TASK_FAILURE', attempt.error?.message ?? 'task failed');
  }
}
