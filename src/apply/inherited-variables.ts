// INHERITED_VAR at run time: a child WfRun reads and writes its parent WfRun's entrypoint variable of
// that name (or, when the parent inherits it too, the one further up). The variables are loaded with
// the child and handed to the reducer as `RunState.inherited`; a transition that changes one commits
// it into the ancestor's hash in the same script, only if that ancestor has not changed meanwhile.
import type { RunState, Variable, WfSpec } from '../engine/types.ts';
import type { AncestorFields, RedisRunStore } from '../store/redis/run-store.ts';

/** The inherited variables of one transition, and the ancestors they were read from. */
export interface InheritedScope {
  variables: Record<string, Variable>;
  ancestors: AncestorFields[];
}

/** Names of the INHERITED_VAR variables `spec` declares (only its entrypoint thread may). */
export function inheritedNames(spec: WfSpec): string[] {
  const defs = spec.threadSpecs[spec.entrypointThreadName]?.variableDefs ?? [];
  return defs.filter((d) => d.accessLevel === 'INHERITED_VAR').map((d) => d.varDef.name);
}

/**
 * Walks up from the parent WfRun until every name is found (or the chain ends: a name not found is
 * simply not in scope, which the reducer reports as VAR_SUB_ERROR where it is used). Undefined when
 * the WfSpec inherits nothing.
 */
export async function loadInherited(
  runs: RedisRunStore, tenant: string, parentWfRunId: string | undefined, spec: WfSpec,
): Promise<InheritedScope | undefined> {
  let pending = inheritedNames(spec);
  if (pending.length === 0) return undefined;
  const scope: InheritedScope = { variables: {}, ancestors: [] };
  for (let wfRunId = parentWfRunId; wfRunId !== undefined && pending.length > 0; ) {
    const ancestor = await runs.loadAncestorVariables(tenant, wfRunId, pending);
    if (!ancestor) break;
    for (const json of ancestor.fields.values()) {
      const variable = JSON.parse(json) as Variable;
      scope.variables[variable.id.name] = variable;
    }
    if (ancestor.fields.size > 0) scope.ancestors.push(ancestor);
    pending = pending.filter((name) => !scope.variables[name]);
    wfRunId = ancestor.wfRun.parentWfRunId;
  }
  return scope;
}

/** Per ancestor, the variable fields (`[field, json, ...]`) that the transition changed. */
export function changedInherited(scope: InheritedScope, state: RunState): Array<{ ancestor: AncestorFields; fields: string[] }> {
  const byName = state.inherited ?? {};
  return scope.ancestors.flatMap((ancestor) => {
    const fields: string[] = [];
    for (const [field, stored] of ancestor.fields) {
      const json = JSON.stringify(byName[(JSON.parse(stored) as Variable).id.name]);
      if (json !== stored) fields.push(field, json);
    }
    return fields.length > 0 ? [{ ancestor, fields }] : [];
  });
}
