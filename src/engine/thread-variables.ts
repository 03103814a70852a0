// Creating a ThreadRun's variables from its ThreadSpec: given inputs cast to the declared types,
// else the default, else NULL; required inputs must be given.
import type { EngineContext } from './commands.ts';
import { variableKey } from './run-state.ts';
import type { RunState, ThreadVarDef, Variable, VariableValue } from './types.ts';
import { valueOfJson } from './assignments.ts';
import { castImplicitly, fromPlain, isNull, ValueError } from './values.ts';

/** Why a thread's inputs were refused; callers turn it into a 400 (RunWf) or a VAR_SUB_ERROR (threads). */
export class InputError extends Error {
  override name = 'InputError';
  constructor(readonly field: string, problem: string) {
    super(`${field} ${problem}`);
  }
}

export function createThreadVariables(
  state: RunState,
  ctx: EngineContext,
  threadRunNumber: number,
  defs: ThreadVarDef[],
  inputs: Record<string, VariableValue>,
): void {
  for (const name of Object.keys(inputs)) {
    if (!defs.some((d) => d.varDef.name === name)) throw new InputError(`variables.${name}`, `is not an input variable of the thread`);
  }
  for (const { varDef, required, accessLevel } of defs) {
    const field = `variables.${varDef.name}`;
    const given = inputs[varDef.name];
    if (accessLevel === 'INHERITED_VAR') {
      // Not created here: it is the parent WfRun's variable (see RunState.inherited).
      if (given !== undefined) throw new InputError(field, 'is inherited from the parent WfRun and cannot be given');
      continue;
    }
    if (required && (given === undefined || isNull(given))) throw new InputError(field, 'is required');
    let value: VariableValue;
    try {
      value = given === undefined || isNull(given) ? (varDef.defaultValue ?? {}) : castImplicitly(given, varDef.typeDef.primitiveType);
    } catch (err) {
      if (err instanceof ValueError) throw new InputError(field, `is invalid: ${err.message}`);
      throw err;
    }
    const variable: Variable = {
      id: { wfRunId: state.wfRun.id, threadRunNumber, name: varDef.name },
      value,
      createdAt: ctx.now,
      wfSpecId: ctx.spec.id,
      masked: varDef.typeDef.masked,
    };
    state.variables[variableKey(threadRunNumber, varDef.name)] = variable;
  }
}

/** RunWf's plain-JSON inputs typed by the entrypoint's declarations (unknown names keep their JSON shape). */
export function inputsFromPlain(defs: ThreadVarDef[], plain: Record<string, unknown>): Record<string, VariableValue> {
  const inputs: Record<string, VariableValue> = {};
  for (const [name, json] of Object.entries(plain)) {
    const def = defs.find((d) => d.varDef.name === name);
    try {
      inputs[name] = def ? fromPlain(def.varDef.typeDef.primitiveType, json) : valueOfJson(json);
    } catch (err) {
      if (err instanceof ValueError) throw new InputError(`variables.${name}`, `is invalid: ${err.message}`);
      throw err;
    }
  }
  return inputs;
}
