// Masked values are stored in clear (workers need them) but never leave through a read API.
import type { TaskRun, VarNameAndVal } from '../engine/types.ts';

export const MASK = '*****';

export function maskTaskRun(taskRun: TaskRun): TaskRun {
  return {
    ...taskRun,
    inputVariables: taskRun.inputVariables.map(maskVarNameAndVal),
    attempts: taskRun.attempts.map((a) => (a.maskedValue && a.output !== undefined ? { ...a, output: { str: MASK } } : a)),
  };
}

export function maskVarNameAndVal(v: VarNameAndVal): VarNameAndVal {
  return v.masked ? { ...v, value: { str: MASK } } : v;
}
