// Masked values are stored in clear (workers need them) but never leave through a read API.
import type { NodeRun, TaskRun, VarNameAndVal } from '../engine/types.ts';

export const MASK = '*****';

export function maskTaskRun(taskRun: TaskRun): TaskRun {
  return {
    ...taskRun,
    inputVariables: taskRun.inputVariables.map(maskVarNameAndVal),
    attempts: taskRun.attempts.map((a) => (a.maskedValue && a.output !== undefined ? { ...a, output: { str: MASK } } : a)),
  };
}

/** An EXTERNAL_EVENT node run's correlation key, if the node says it is masked. */
export function maskNodeRun(nodeRun: NodeRun): NodeRun {
  const waiting = nodeRun.externalEvent;
  if (!waiting?.maskCorrelationKey || waiting.correlationKey === undefined) return nodeRun;
  return { ...nodeRun, externalEvent: { ...waiting, correlationKey: MASK } };
}

export function maskVarNameAndVal(v: VarNameAndVal): VarNameAndVal {
  return v.masked ? { ...v, value: { str: MASK } } : v;
}
