// Drives the pure reducer the way the commit path does: starts a WfRun, answers every task it
// dispatches with a test-supplied worker, and delivers child-WfRun effects between runs.
import type { Command, Effect, EngineContext, ReportedTaskStatus, TimerCommand } from '../../src/engine/commands.ts';
import { advance } from '../../src/engine/reducer.ts';
import type { RunState, ScheduledTask, TaskDef, VariableValue, WfSpec } from '../../src/engine/types.ts';

export type TaskOutcome = { status?: ReportedTaskStatus; output?: VariableValue; exception?: { name: string; message: string; content?: VariableValue }; error?: { type: string; message: string } };
export type Worker = (task: ScheduledTask) => TaskOutcome;

export function context(spec: WfSpec, taskDefs: TaskDef[], now = '2026-01-01T00:00:00.000Z'): EngineContext {
  let n = 0;
  return { now, spec, taskDefs: new Map(taskDefs.map((d) => [d.id.name, d])), newGuid: () => `g${n++}` };
}

/** The first input's value, for workers that compute from it. */
export const firstInput = (task: ScheduledTask) => task.variables[0]?.value ?? {};

export class Driver {
  readonly runs = new Map<string, RunState>();
  /** Effects other than task dispatches, in the order they were produced. */
  readonly otherEffects: Effect[] = [];
  private readonly queue: Array<{ wfRunId: string; task: ScheduledTask }> = [];
  private guids = 0;
  /** Armed timers, in arming order; `fireTimers` applies them. */
  readonly timers: Array<{ wfRunId: string; command: TimerCommand }> = [];

  constructor(private readonly specs: Record<string, WfSpec>, private readonly taskDefs: TaskDef[]) {}

  start(wfSpecName: string, wfRunId: string, variables: Record<string, VariableValue> = {}, parentWfRunId?: string): RunState {
    const cmd: Command = { type: 'RunWf', wfRunId, variables, ...(parentWfRunId ? { parentWfRunId } : {}) };
    return this.step(wfRunId, null, this.spec(wfSpecName), cmd);
  }

  /** Applies a command to an existing run. */
  apply(wfRunId: string, cmd: Exclude<Command, { type: 'RunWf' }>): RunState {
    const state = this.runs.get(wfRunId);
    if (!state) throw new Error(`no run ${wfRunId}`);
    return this.step(wfRunId, state, this.spec(state.wfRun.wfSpecId.name), cmd);
  }

  /** Answers queued tasks in order (each answer may queue more) until none is left. */
  work(worker: Worker, limit = 1000): void {
    for (let i = 0; i < limit; i++) {
      const next = this.queue.shift();
      if (!next) return;
      this.answer(next.wfRunId, next.task, worker(next.task));
    }
    throw new Error('tasks kept coming');
  }

  /** Answers one queued task of `taskDefName` (the first one queued). */
  workOne(taskDefName: string, outcome: TaskOutcome): ScheduledTask {
    const i = this.queue.findIndex((q) => q.task.taskDefId.name === taskDefName);
    const [next] = this.queue.splice(i, 1);
    if (i < 0 || !next) throw new Error(`no queued ${taskDefName} task`);
    this.answer(next.wfRunId, next.task, outcome);
    return next.task;
  }

  /** Fires every armed timer (as if each were due), in arming order. */
  fireTimers(): void {
    for (const { wfRunId, command } of this.timers.splice(0)) this.apply(wfRunId, command);
  }

  queued(): ScheduledTask[] {
    return this.queue.map((q) => q.task);
  }

  run(wfRunId: string): RunState {
    const state = this.runs.get(wfRunId);
    if (!state) throw new Error(`no run ${wfRunId}`);
    return state;
  }

  private answer(wfRunId: string, task: ScheduledTask, outcome: TaskOutcome): void {
    this.apply(wfRunId, { type: 'TaskReported', taskGuid: task.taskRunId.taskGuid, attemptNumber: task.attemptNumber, status: outcome.status ?? 'TASK_SUCCESS', ...outcome });
  }

  private step(wfRunId: string, state: RunState | null, spec: WfSpec, cmd: Command): RunState {
    const ctx = { ...context(spec, this.taskDefs), newGuid: () => `g${this.guids++}` };
    const { state: next, effects } = advance(state, cmd, ctx);
    this.runs.set(wfRunId, next);
    for (const effect of effects) this.deliver(wfRunId, effect);
    return next;
  }

  private deliver(wfRunId: string, effect: Effect): void {
    if (effect.type === 'DispatchTask') return void this.queue.push({ wfRunId, task: effect.task });
    this.otherEffects.push(effect);
    if (effect.type === 'StartChildWfRun') this.start(effect.wfSpecName, effect.childWfRunId, effect.variables, effect.parentWfRunId);
    else if (effect.type === 'NotifyParentWfRun') {
      this.apply(effect.parentWfRunId, { type: 'ChildWfRunEnded', childWfRunId: effect.childWfRunId, result: effect.result });
    } else if (effect.type === 'ArmTimer') this.timers.push({ wfRunId, command: effect.command });
  }

  private spec(name: string): WfSpec {
    const spec = this.specs[name];
    if (!spec) throw new Error(`no WfSpec ${name}`);
    return spec;
  }
}
