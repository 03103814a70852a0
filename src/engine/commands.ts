// What can happen to a WfRun (commands in) and what the engine asks the outside world to do (effects out).
import type { ScheduledTask, TaskDef, TaskError, TaskException, VariableValue, WfSpec } from './types.ts';

export type ReportedTaskStatus = 'TASK_SUCCESS' | 'TASK_FAILED' | 'TASK_EXCEPTION';

export type Command =
  | { type: 'RunWf'; wfRunId: string; variables: Record<string, unknown>; parentWfRunId?: string }
  | { type: 'TaskClaimed'; taskGuid: string; attemptNumber: number; taskWorkerId: string; taskWorkerVersion?: string }
  | {
      type: 'TaskReported';
      taskGuid: string;
      attemptNumber: number;
      status: ReportedTaskStatus;
      taskWorkerId?: string;
      startTime?: string;
      time?: string;
      output?: VariableValue;
      error?: TaskError;
      exception?: TaskException;
      logOutput?: VariableValue;
    };

export type Effect = { type: 'DispatchTask'; task: ScheduledTask };

/** Everything the reducer may know besides the run: passed in, never fetched. */
export interface EngineContext {
  now: string;
  spec: WfSpec;
  taskDefs: ReadonlyMap<string, TaskDef>;
  newGuid: () => string;
}
