// The shapes Colt stores and serves, in LittleHorse's JSON form (proto3 JSON mapping, camelCase),
// so that specs and runs round-trip with LittleHorse tools.
import type { UserTaskNode, UserTaskRun, UserTaskRunId, UserTaskTriggerReference } from './user-task-types.ts';

export type PrimitiveType =
  | 'JSON_OBJ' | 'JSON_ARR' | 'DOUBLE' | 'BOOL' | 'STR' | 'INT' | 'BYTES' | 'WF_RUN_ID' | 'TIMESTAMP';

/** LittleHorse VariableValue: at most one field set; `{}` is NULL. */
export interface VariableValue {
  str?: string;
  int?: number;
  double?: number;
  bool?: boolean;
  jsonObj?: Record<string, unknown>;
  jsonArr?: unknown[];
  bytes?: string;
  wfRunId?: { id: string };
  utcTimestamp?: string;
}

export type LHStatus = 'STARTING' | 'RUNNING' | 'COMPLETED' | 'HALTING' | 'HALTED' | 'ERROR' | 'EXCEPTION';
export const TERMINAL_STATUSES: readonly LHStatus[] = ['COMPLETED', 'ERROR', 'EXCEPTION'];

// ---- metadata ----

export interface TypeDefinition { primitiveType: PrimitiveType; masked: boolean }

export interface VariableDef { name: string; typeDef: TypeDefinition; defaultValue?: VariableValue }

export interface TaskDef {
  id: { name: string };
  inputVars: VariableDef[];
  returnType?: { returnType?: TypeDefinition };
  description?: string;
  createdAt: string;
}

export interface WfSpecId { name: string; majorVersion: number; revision: number }

export type AccessLevel = 'PUBLIC_VAR' | 'PRIVATE_VAR' | 'INHERITED_VAR';

export interface ThreadVarDef {
  varDef: VariableDef;
  required: boolean;
  searchable: boolean;
  jsonIndexes: unknown[];
  accessLevel: AccessLevel;
}

export interface VariableAssignment {
  variableName?: string;
  literalValue?: VariableValue;
  formatString?: { format: VariableAssignment; args: VariableAssignment[] };
  nodeOutput?: { nodeName: string };
  expression?: { lhs: VariableAssignment; mutationType?: string; comparator?: Comparator; rhs: VariableAssignment };
  sizeOf?: { operand: VariableAssignment };
  jsonPath?: string;
  targetType?: TypeDefinition;
}

export type Comparator =
  | 'LESS_THAN' | 'GREATER_THAN' | 'LESS_THAN_EQ' | 'GREATER_THAN_EQ' | 'EQUALS' | 'NOT_EQUALS' | 'IN' | 'NOT_IN';

export interface LegacyCondition { comparator: Comparator; left: VariableAssignment; right: VariableAssignment }

export interface VariableMutation {
  lhsName: string;
  lhsJsonPath?: string;
  operation: string;
  rhsAssignment?: VariableAssignment;
  literalValue?: VariableValue;
  nodeOutput?: { jsonpath?: string };
}

export interface Edge {
  sinkNodeName: string;
  condition?: VariableAssignment;
  legacyCondition?: LegacyCondition;
  variableMutations: VariableMutation[];
}

export interface ExponentialBackoff { baseIntervalMs: number; maxDelayMs: number; multiplier: number }

export interface TaskNode {
  taskDefId?: { name: string };
  dynamicTask?: VariableAssignment;
  timeoutSeconds: number;
  retries: number;
  exponentialBackoff?: ExponentialBackoff;
  variables: VariableAssignment[];
}

export interface FailureDef { failureName: string; message: string; content?: VariableAssignment }

export interface ExitNode { returnContent?: VariableAssignment; failureDef?: FailureDef }

export interface FailureHandlerDef {
  handlerSpecName: string;
  specificFailure?: string;
  anyFailureOfType?: 'FAILURE_TYPE_ERROR' | 'FAILURE_TYPE_EXCEPTION';
}

export interface StartThreadNode { threadSpecName: string; variables: Record<string, VariableAssignment> }

export interface StartMultipleThreadsNode extends StartThreadNode { iterable: VariableAssignment }

export type WaitForThreadsStrategy = 'WAIT_FOR_ALL' | 'WAIT_FOR_FIRST' | 'WAIT_FOR_ANY';

export interface WaitForThreadsNode {
  threads?: { threads: Array<{ threadRunNumber: VariableAssignment }> };
  threadList?: VariableAssignment;
  perThreadFailureHandlers: FailureHandlerDef[];
  strategy: WaitForThreadsStrategy;
}

export interface WaitForConditionNode { condition?: VariableAssignment; legacyCondition?: LegacyCondition }

export interface RunChildWfNode {
  wfSpecName?: string;
  wfSpecVar?: VariableAssignment;
  majorVersion?: number;
  inputs: Record<string, VariableAssignment>;
}

export interface WaitForChildWfNode { childWfRunId: VariableAssignment; childWfRunSourceNode?: string }

/** SLEEP: exactly one of seconds to wait, an epoch-millis timestamp, or an ISO-8601 instant. */
export interface SleepNode { rawSeconds?: VariableAssignment; timestamp?: VariableAssignment; isoDate?: VariableAssignment }

/** EXTERNAL_EVENT: waits for the oldest unclaimed ExternalEvent of a def posted to the WfRun. */
export interface ExternalEventNode {
  externalEventDefId: { name: string };
  timeoutSeconds?: VariableAssignment;
  correlationKey?: VariableAssignment;
  maskCorrelationKey: boolean;
}

/** The node types this build of Colt runs. Others are refused at PutWfSpec. */
export const SUPPORTED_NODE_TYPES = [
  'entrypoint', 'exit', 'task', 'nop', 'startThread', 'startMultipleThreads', 'waitForThreads', 'waitForCondition',
  'runChildWf', 'waitForChildWf', 'sleep', 'externalEvent', 'userTask', 'throwEvent',
] as const;
export type NodeType = (typeof SUPPORTED_NODE_TYPES)[number];

export interface Node {
  outgoingEdges: Edge[];
  failureHandlers: FailureHandlerDef[];
  entrypoint?: Record<string, never>;
  exit?: ExitNode;
  task?: TaskNode;
  nop?: Record<string, never>;
  startThread?: StartThreadNode;
  startMultipleThreads?: StartMultipleThreadsNode;
  waitForThreads?: WaitForThreadsNode;
  waitForCondition?: WaitForConditionNode;
  runChildWf?: RunChildWfNode;
  waitForChildWf?: WaitForChildWfNode;
  sleep?: SleepNode;
  externalEvent?: ExternalEventNode;
  userTask?: UserTaskNode;
  throwEvent?: ThrowEventNode;
}

export interface ThreadSpec {
  nodes: Record<string, Node>;
  variableDefs: ThreadVarDef[];
  interruptDefs: InterruptDef[];
}

/** An ExternalEvent of this def posted to the WfRun interrupts every running thread of the ThreadSpec declaring it. */
export interface InterruptDef { externalEventDefId: { name: string }; handlerSpecName: string }

export interface WfSpec {
  id: WfSpecId;
  createdAt: string;
  status: 'ACTIVE';
  threadSpecs: Record<string, ThreadSpec>;
  entrypointThreadName: string;
  retentionPolicy?: { secondsAfterWfTermination?: number };
  allowedUpdates?: string;
  /** Required entrypoint inputs and PUBLIC_VARs of this and every earlier version: their types never change. */
  frozenVariables?: ThreadVarDef[];
  /** Every run of this WfSpec is a child WfRun of a run of this WfSpec (major version). */
  parentWfSpec?: ParentWfSpecReference;
}

export interface ParentWfSpecReference { wfSpecName: string; wfSpecMajorVersion: number }

// ---- runtime ----

export interface Failure {
  failureName: string;
  message: string;
  content?: VariableValue;
  wasProperlyHandled: boolean;
  /** The FAILURE_HANDLER thread started for this failure, if any. */
  failureHandlerThreadRunId?: number;
}

export type ThreadType = 'ENTRYPOINT' | 'CHILD' | 'INTERRUPT' | 'FAILURE_HANDLER';

export interface ThreadRun {
  number: number;
  wfSpecId: WfSpecId;
  status: LHStatus;
  threadSpecName: string;
  startTime: string;
  endTime?: string;
  errorMessage?: string;
  childThreadIds: number[];
  parentThreadId?: number;
  currentNodePosition: number;
  handledFailedChildren: number[];
  type: ThreadType;
  output?: VariableValue;
  /** Why the thread is (being) halted; it runs again when none is left. */
  haltReasons: HaltReason[];
  /** The failure that ended the thread, for whoever waits on it. */
  failure?: Failure;
  /** An INTERRUPT thread: the ExternalEvent that started it. */
  interruptTriggerId?: ExternalEventId;
}

export type HaltReason =
  | { parentHalted: { parentThreadId: number } }
  | { manualHalt: Record<string, never> }
  | { handlingFailure: { handlerThreadId: number } }
  | { haltedByParent: { parentThreadRunNumber: number; waitingNodeRunPosition: number } }
  /** An interrupt's event arrived; its handler starts once the thread has halted. */
  | { pendingInterrupt: { externalEventId: ExternalEventId } }
  | { interrupted: { interruptThreadId: number } };

/** An interrupt waiting for its thread to halt before its handler thread starts. */
export interface PendingInterrupt { externalEventId: ExternalEventId; handlerSpecName: string; interruptedThreadId: number }

export interface WfRun {
  id: string;
  wfSpecId: WfSpecId;
  oldWfSpecVersions: WfSpecId[];
  status: LHStatus;
  greatestThreadrunNumber: number;
  startTime: string;
  endTime?: string;
  threadRuns: ThreadRun[];
  pendingInterrupts: PendingInterrupt[];
  pendingFailures: unknown[];
  parentWfRunId?: string;
  /** How the child WfRuns this run started have ended, as they reported it. */
  childWfRuns?: Record<string, ChildWfRunResult>;
}

export interface ChildWfRunResult { status: LHStatus; output?: VariableValue; failure?: Failure }

export interface NodeRunId { wfRunId: string; threadRunNumber: number; position: number }
export interface TaskRunId { wfRunId: string; taskGuid: string }

export interface NodeRun {
  id: NodeRunId;
  wfSpecId: WfSpecId;
  failureHandlerIds: number[];
  status: LHStatus;
  arrivalTime: string;
  endTime?: string;
  threadSpecName: string;
  nodeName: string;
  errorMessage?: string;
  failures: Failure[];
  entrypoint?: Record<string, never>;
  exit?: Record<string, never>;
  task?: { taskRunId?: TaskRunId };
  nop?: Record<string, never>;
  startThread?: { childThreadId?: number; threadSpecName: string };
  startMultipleThreads?: { childThreadIds: number[]; threadSpecName: string };
  waitForThreads?: { threads: WaitForThread[] };
  waitForCondition?: Record<string, never>;
  runChildWf?: { childWfRunId?: string; wfSpecId?: WfSpecId; inputs: Record<string, VariableValue> };
  waitForChildWf?: { childWfRunId?: string };
  sleep?: { maturationTime: string; matured: boolean };
  externalEvent?: ExternalEventNodeRun;
  userTask?: { userTaskRunId?: UserTaskRunId };
  throwEvent?: { workflowEventId: WorkflowEventId };
}

export type WaitingThreadStatus =
  | 'THREAD_IN_PROGRESS' | 'THREAD_HANDLING_FAILURE' | 'THREAD_COMPLETED_OR_FAILURE_HANDLED' | 'THREAD_UNSUCCESSFUL'
  | 'THREAD_STOPPED';

export interface WaitForThread {
  threadRunNumber: number;
  threadStatus: LHStatus;
  waitingStatus: WaitingThreadStatus;
  threadEndTime?: string;
  failureHandlerThreadRunId?: number;
}

export type TaskStatus =
  | 'TASK_SCHEDULED' | 'TASK_RUNNING' | 'TASK_SUCCESS' | 'TASK_FAILED' | 'TASK_TIMEOUT'
  | 'TASK_OUTPUT_SERDE_ERROR' | 'TASK_INPUT_VAR_SUB_ERROR' | 'TASK_EXCEPTION' | 'TASK_PENDING';

export interface VarNameAndVal { varName: string; value: VariableValue; masked: boolean }

export interface TaskError { type: string; message: string }
export interface TaskException { name: string; message: string; content?: VariableValue }

export interface TaskAttempt {
  status: TaskStatus;
  scheduleTime?: string;
  startTime?: string;
  endTime?: string;
  taskWorkerId?: string;
  taskWorkerVersion?: string;
  output?: VariableValue;
  error?: TaskError;
  exception?: TaskException;
  logOutput?: VariableValue;
  maskedValue: boolean;
}

export interface TaskRun {
  id: TaskRunId;
  taskDefId: { name: string };
  attempts: TaskAttempt[];
  inputVariables: VarNameAndVal[];
  /** A TASK node's run, or a USER_TASK node's reminder (`userTaskTrigger`). */
  source: { taskNode?: { nodeRunId: NodeRunId }; userTaskTrigger?: UserTaskTriggerReference; wfSpecId: WfSpecId };
  scheduledAt: string;
  status: TaskStatus;
  timeoutSeconds: number;
  totalAttempts: number;
  exponentialBackoff?: ExponentialBackoff;
}

export interface Variable {
  id: { wfRunId: string; threadRunNumber: number; name: string };
  value: VariableValue;
  createdAt: string;
  wfSpecId: WfSpecId;
  masked: boolean;
}

/** Everything that belongs to one WfRun: what the reducer reads and returns. */
export interface RunState {
  wfRun: WfRun;
  nodeRuns: Record<string, NodeRun>;     // key: `${threadRunNumber}/${position}`
  variables: Record<string, Variable>;   // key: `${threadRunNumber}/${name}`
  taskRuns: Record<string, TaskRun>;     // key: taskGuid
  externalEvents?: Record<string, ExternalEvent>; // key: `${externalEventDefName}/${guid}`
  userTaskRuns?: Record<string, UserTaskRun>; // key: userTaskGuid
  workflowEvents?: Record<string, WorkflowEvent>; // key: `${workflowEventDefName}/${number}`
  /**
   * The ancestor WfRuns' variables this run's INHERITED_VAR declarations name (key: name), loaded
   * with the run and never stored in it: a change to one is committed into the WfRun that owns it.
   */
  inherited?: Record<string, Variable>;
}

/** What a worker receives for one task attempt (LittleHorse's ScheduledTask). */
export interface ScheduledTask {
  taskRunId: TaskRunId;
  taskDefId: { name: string };
  attemptNumber: number;
  variables: VarNameAndVal[];
  createdAt: string;
  source: TaskRun['source'];
  /** Colt's addition, not sent to HTTP workers: the attempt's timeout, which Colt's SDK enforces itself (absent: 60). */
  timeoutSeconds?: number;
}

// ---- external events ----

export interface ExternalEventDef {
  id: { name: string };
  createdAt: string;
  retentionPolicy: { secondsAfterPut?: number };
  /** If set, posted content must have this type (no `returnType`: no content at all). */
  typeInformation?: { returnType?: TypeDefinition };
  /** If unset, correlated events are refused for this def. */
  correlatedEventConfig?: { ttlSeconds?: number; deleteAfterFirstCorrelation: boolean };
}

export interface ExternalEventId { wfRunId: string; externalEventDefId: { name: string }; guid: string }

export interface ExternalEvent {
  id: ExternalEventId;
  createdAt: string;
  content: VariableValue;
  /** The thread (and node run) it was posted for, or, once claimed, the one that claimed it. */
  threadRunNumber?: number;
  nodeRunPosition?: number;
  claimed: boolean;
  /** Colt's order of arrival within the WfRun (1, 2, ...): the lowest unclaimed one is claimed first. Not served. */
  sequence: number;
}

/** An event for whichever WfRuns wait with its correlation key (they need not know each other's ids). */
export interface CorrelatedEvent {
  id: { key: string; externalEventDefId: { name: string } };
  createdAt: string;
  content: VariableValue;
  /** The ExternalEvents it has become, one per WfRun that took it. */
  externalEvents: ExternalEventId[];
}

export interface ExternalEventNodeRun {
  externalEventDefId: { name: string };
  eventTime?: string;
  externalEventId?: ExternalEventId;
  timedOut: boolean;
  correlationKey?: string;
  maskCorrelationKey: boolean;
}

// ---- workflow events ----

/** THROW_EVENT: publishes a WorkflowEvent of a def with the content, and moves on. */
export interface ThrowEventNode { eventDefId: { name: string }; content?: VariableAssignment }

export interface WorkflowEventDef { id: { name: string }; createdAt: string; contentType: { returnType?: TypeDefinition } }

export interface WorkflowEventId { wfRunId: string; workflowEventDefId: { name: string }; number: number }

/** Thrown by a THROW_EVENT node; numbered per (WfRun, def) from 0. AwaitWorkflowEvent callers wait for these. */
export interface WorkflowEvent { id: WorkflowEventId; content: VariableValue; createdAt: string; nodeRunId: NodeRunId }
