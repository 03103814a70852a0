// What can happen to a WfRun (commands in) and what the engine asks the outside world to do (effects out).
import type { UserTaskCommand, UserTaskTimerCommand } from './user-task-commands.ts';
import type { ChildWfRunResult, ExternalEvent, ScheduledTask, TaskDef, TaskError, TaskException, Variable, VariableValue, WfSpec } from './types.ts';

export type ReportedTaskStatus = 'TASK_SUCCESS' | 'TASK_FAILED' | 'TASK_EXCEPTION';

export type Command =
  | {
      type: 'RunWf';
      wfRunId: string;
      variables: Record<string, VariableValue>;
      parentWfRunId?: string;
      /** ExternalEvents posted before the WfRun existed, which it takes in. */
      externalEvents?: ExternalEvent[];
      /** The ancestors' variables its INHERITED_VAR declarations name (see RunState.inherited). */
      inherited?: Record<string, Variable>;
    }
  | { type: 'TaskClaimed'; taskGuid: string; attemptNumber: number; taskWorkerId: string; taskWorkerVersion?: string }
  | {
      type: 'TaskReported';
      taskGuid: string;
      attemptNumber: number;
      /** TASK_TIMEOUT only from Colt's SDK worker, which enforces the deadline itself (it commits no claim). */
      status: ReportedTaskStatus | 'TASK_TIMEOUT';
      taskWorkerId?: string;
      startTime?: string;
      time?: string;
      output?: VariableValue;
      error?: TaskError;
      exception?: TaskException;
      logOutput?: VariableValue;
    }
  | { type: 'ChildWfRunEnded'; childWfRunId: string; result: ChildWfRunResult }
  /** A child WfRun changed this run's variables (INHERITED_VAR): nothing to do but advance, so that conditions are looked at again. */
  | { type: 'VariablesChangedByChild'; childWfRunId: string }
  | { type: 'StopThreadRun'; threadRunNumber: number }
  | { type: 'ResumeThreadRun'; threadRunNumber: number }
  | { type: 'RescueThreadRun'; threadRunNumber: number; skipCurrentNode: boolean }
  /**
   * PutExternalEvent; a guid the run already has changes nothing. With `correlationKey` (a
   * CorrelatedEvent), the event is only taken if a node run waits with that key, and is for it.
   */
  | {
      type: 'ExternalEventArrived';
      externalEventDefName: string;
      guid: string;
      content: VariableValue;
      threadRunNumber?: number;
      nodeRunPosition?: number;
      correlationKey?: string;
    }
  | UserTaskCommand
  | TimerCommand;

/** Commands that a timer applies when it is due. Each is ignored if what it was armed for is over. */
export type TimerCommand =
  | { type: 'SleepMatured'; threadRunNumber: number; position: number }
  /** An EXTERNAL_EVENT node's timeoutSeconds have passed: if it still waits, it fails with TIMEOUT. */
  | { type: 'ExternalEventTimeout'; threadRunNumber: number; position: number }
  /** A backed-off retry's wait is over: the TASK_PENDING attempt is scheduled. */
  | { type: 'TaskRetryDue'; taskGuid: string; attemptNumber: number }
  /** A claimed attempt's timeoutSeconds have passed: if still TASK_RUNNING, it is TASK_TIMEOUT. */
  | { type: 'TaskAttemptTimedOut'; taskGuid: string; attemptNumber: number }
  | UserTaskTimerCommand;

export type Effect =
  | { type: 'DispatchTask'; task: ScheduledTask }
  /** Start a child WfRun (RUN_CHILD_WF); its id is already in the parent's state. */
  | {
      type: 'StartChildWfRun';
      childWfRunId: string;
      parentWfRunId: string;
      wfSpecName: string;
      majorVersion?: number;
      variables: Record<string, VariableValue>;
    }
  /** Tell an ancestor WfRun that this child changed its variables (added by the commit path, which writes them). */
  | { type: 'NotifyVariablesChanged'; wfRunId: string; childWfRunId: string }
  /** Tell the parent WfRun how this child WfRun ended. */
  | { type: 'NotifyParentWfRun'; parentWfRunId: string; childWfRunId: string; result: ChildWfRunResult }
  /**
   * Apply `command` to this run later: `delayMs` after the commit (by Redis's clock, so never
   * early whatever the servers' clocks say), or at `atMs` (epoch millis). Armed by the commit itself.
   */
  | { type: 'ArmTimer'; timerId: string; delayMs?: number; atMs?: number; command: TimerCommand }
  /** An EXTERNAL_EVENT node waits with a correlation key: deliver a CorrelatedEvent of that key, now or when it is put. */
  | { type: 'AwaitCorrelatedEvent'; wfRunId: string; externalEventDefName: string; correlationKey: string };

/** Everything the reducer may know besides the run: passed in, never fetched. */
export interface EngineContext {
  now: string;
  spec: WfSpec;
  /** TaskDefs the caller looked up by name; a name looked up but absent maps to null (deleted). */
  taskDefs: ReadonlyMap<string, TaskDef | null>;
  newGuid: () => string;
}

/**
 * Thrown when the reducer needs a definition the caller did not look up (a TASK whose TaskDef name
 * is computed at run time). The caller looks it up and applies the command again.
 */
export class MissingTaskDefError extends Error {
  override name = 'MissingTaskDefError';
  constructor(readonly taskDefName: string) {
    super(`TaskDef '${taskDefName}' was not looked up`);
  }
}
