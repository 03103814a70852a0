// PutWfSpec's reading of the thread and child-workflow node types and of failure handler lists.
import { arrayAt, fail, integerAt, normalizeAssignment } from './spec-validation.ts';
import type {
  Comparator, FailureHandlerDef, RunChildWfNode, SleepNode, StartMultipleThreadsNode, StartThreadNode, VariableAssignment,
  WaitForChildWfNode, WaitForConditionNode, WaitForThreadsNode,
} from './types.ts';
import { isPlainObject } from './values.ts';

const STRATEGIES = ['WAIT_FOR_ALL', 'WAIT_FOR_FIRST', 'WAIT_FOR_ANY'];
const FAILURE_TYPES = ['FAILURE_TYPE_ERROR', 'FAILURE_TYPE_EXCEPTION'];

export function normalizeStartThread(path: string, raw: Record<string, unknown>): StartThreadNode {
  return { threadSpecName: stringAt(`${path}.threadSpecName`, raw.threadSpecName), variables: assignmentMap(`${path}.variables`, raw.variables) };
}

export function normalizeStartMultipleThreads(path: string, raw: Record<string, unknown>): StartMultipleThreadsNode {
  if (raw.iterable === undefined) fail(`${path}.iterable`, 'is required');
  return { ...normalizeStartThread(path, raw), iterable: normalizeAssignment(`${path}.iterable`, raw.iterable) };
}

export function normalizeWaitForThreads(path: string, raw: Record<string, unknown>): WaitForThreadsNode {
  const strategy = String(raw.strategy ?? 'WAIT_FOR_ALL');
  if (!STRATEGIES.includes(strategy)) fail(`${path}.strategy`, `must be one of ${STRATEGIES.join(', ')}`);
  const node: WaitForThreadsNode = {
    strategy: strategy as WaitForThreadsNode['strategy'],
    perThreadFailureHandlers: normalizeFailureHandlers(`${path}.perThreadFailureHandlers`, raw.perThreadFailureHandlers),
  };
  if (raw.threadList !== undefined) node.threadList = normalizeAssignment(`${path}.threadList`, raw.threadList);
  else if (isPlainObject(raw.threads)) {
    node.threads = {
      threads: arrayAt(`${path}.threads.threads`, raw.threads.threads).map((t, i) => {
        const at = `${path}.threads.threads[${i}].threadRunNumber`;
        if (!isPlainObject(t)) fail(at, 'is required');
        return { threadRunNumber: normalizeAssignment(at, t.threadRunNumber) };
      }),
    };
  } else fail(path, 'needs threads or threadList');
  return node;
}

export function normalizeWaitForCondition(path: string, raw: Record<string, unknown>): WaitForConditionNode {
  if (raw.condition !== undefined) return { condition: normalizeAssignment(`${path}.condition`, raw.condition) };
  const c = raw.legacyCondition;
  if (!isPlainObject(c) || typeof c.comparator !== 'string') fail(`${path}.condition`, 'is required');
  return {
    legacyCondition: {
      comparator: c.comparator as Comparator,
      left: normalizeAssignment(`${path}.legacyCondition.left`, c.left),
      right: normalizeAssignment(`${path}.legacyCondition.right`, c.right),
    },
  };
}

export function normalizeRunChildWf(path: string, raw: Record<string, unknown>): RunChildWfNode {
  const node: RunChildWfNode = { inputs: assignmentMap(`${path}.inputs`, raw.inputs) };
  if (typeof raw.wfSpecName === 'string' && raw.wfSpecName !== '') node.wfSpecName = raw.wfSpecName;
  else if (raw.wfSpecVar !== undefined) node.wfSpecVar = normalizeAssignment(`${path}.wfSpecVar`, raw.wfSpecVar);
  else fail(`${path}.wfSpecName`, 'is required (or wfSpecVar)');
  if (raw.majorVersion !== undefined) node.majorVersion = integerAt(`${path}.majorVersion`, raw.majorVersion);
  return node;
}

export function normalizeWaitForChildWf(path: string, raw: Record<string, unknown>): WaitForChildWfNode {
  if (raw.childWfRunId === undefined) fail(`${path}.childWfRunId`, 'is required');
  return {
    childWfRunId: normalizeAssignment(`${path}.childWfRunId`, raw.childWfRunId),
    ...(typeof raw.childWfRunSourceNode === 'string' ? { childWfRunSourceNode: raw.childWfRunSourceNode } : {}),
  };
}

/** Exactly one of rawSeconds, timestamp or isoDate. */
export function normalizeSleep(path: string, raw: Record<string, unknown>): SleepNode {
  const given = (['rawSeconds', 'timestamp', 'isoDate'] as const).filter((k) => raw[k] !== undefined);
  if (given.length !== 1) fail(path, 'needs exactly one of rawSeconds, timestamp, isoDate');
  const key = given[0] as 'rawSeconds' | 'timestamp' | 'isoDate';
  return { [key]: normalizeAssignment(`${path}.${key}`, raw[key]) };
}

export function normalizeFailureHandlers(path: string, raw: unknown): FailureHandlerDef[] {
  return arrayAt(path, raw).map((h, i) => {
    const at = `${path}[${i}]`;
    if (!isPlainObject(h)) fail(at, 'must be an object');
    const handler: FailureHandlerDef = { handlerSpecName: stringAt(`${at}.handlerSpecName`, h.handlerSpecName) };
    if (typeof h.specificFailure === 'string') handler.specificFailure = h.specificFailure;
    else if (h.anyFailureOfType !== undefined) {
      if (!FAILURE_TYPES.includes(String(h.anyFailureOfType))) fail(`${at}.anyFailureOfType`, `must be one of ${FAILURE_TYPES.join(', ')}`);
      handler.anyFailureOfType = h.anyFailureOfType as FailureHandlerDef['anyFailureOfType'];
    }
    return handler;
  });
}

function assignmentMap(path: string, raw: unknown): Record<string, VariableAssignment> {
  if (raw === undefined) return {};
  if (!isPlainObject(raw)) fail(path, 'must be an object of name -> VariableAssignment');
  return Object.fromEntries(Object.entries(raw).map(([name, a]) => [name, normalizeAssignment(`${path}.${name}`, a)]));
}

function stringAt(path: string, raw: unknown): string {
  if (typeof raw !== 'string' || raw === '') fail(path, 'is required');
  return raw;
}
