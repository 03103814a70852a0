// Parent WfSpecs (LittleHorse `parentWfSpec`): a WfSpec whose every run is a child WfRun of a run of
// another WfSpec, and the INHERITED_VAR variables such a WfSpec declares (the parent's entrypoint
// variables of the same name, which must exist there and not be PRIVATE_VAR).
import { failedPrecondition, invalidArgument } from '../errors.ts';
import { checkName } from '../ids.ts';
import type { ParentWfSpecReference, WfRun, WfSpec } from './types.ts';
import { isPlainObject } from './values.ts';

/** `{wfSpecName, wfSpecMajorVersion}` (int32 in either JSON form, default 0), or a 400 naming the field. */
export function normalizeParentWfSpec(raw: unknown): ParentWfSpecReference {
  if (!isPlainObject(raw)) throw invalidArgument('parentWfSpec: must be an object', { field: 'parentWfSpec' });
  const wfSpecName = checkName('parentWfSpec.wfSpecName', raw.wfSpecName);
  const major = typeof raw.wfSpecMajorVersion === 'string' && /^\d+$/.test(raw.wfSpecMajorVersion) ? Number(raw.wfSpecMajorVersion) : (raw.wfSpecMajorVersion ?? 0);
  if (typeof major !== 'number' || !Number.isSafeInteger(major) || major < 0) {
    throw invalidArgument('parentWfSpec.wfSpecMajorVersion: must be an integer of 0 or more', { field: 'parentWfSpec.wfSpecMajorVersion' });
  }
  return { wfSpecName, wfSpecMajorVersion: major };
}

/** The 400 for a parent reference whose WfSpec (major version) does not exist. */
export function unknownParentWfSpec(ref: ParentWfSpecReference): Error {
  return invalidArgument(
    `parentWfSpec.wfSpecName: WfSpec '${ref.wfSpecName}' major version ${ref.wfSpecMajorVersion} does not exist`,
    { field: 'parentWfSpec.wfSpecName' },
  );
}

/**
 * INHERITED_VAR variables: only with a parent WfSpec, only in the entrypoint thread, never required,
 * and naming a variable of the parent's entrypoint thread (the one a parent WfRun always has) of the
 * same type that is not PRIVATE_VAR. Each refusal is a 400 naming the variable.
 */
export function checkInheritedVariables(body: Pick<WfSpec, 'threadSpecs' | 'entrypointThreadName'>, parent: WfSpec | undefined): void {
  for (const [threadName, thread] of Object.entries(body.threadSpecs)) {
    thread.variableDefs.forEach((def, i) => {
      if (def.accessLevel !== 'INHERITED_VAR') return;
      const at = `threadSpecs.${threadName}.variableDefs[${i}]`;
      const name = def.varDef.name;
      const refuse = (field: string, problem: string) => {
        throw invalidArgument(`${at}.${field}: INHERITED_VAR '${name}' ${problem}`, { field: `${at}.${field}` });
      };
      if (!parent) refuse('accessLevel', 'needs parentWfSpec (only child WfSpecs inherit variables)');
      if (threadName !== body.entrypointThreadName) refuse('accessLevel', `must be declared in the entrypoint thread '${body.entrypointThreadName}'`);
      if (def.required) refuse('required', 'cannot be a required input (it comes from the parent WfRun)');
      const parentName = `${parent!.id.name} ${parent!.id.majorVersion}.${parent!.id.revision}`;
      const inherited = parent!.threadSpecs[parent!.entrypointThreadName]?.variableDefs.find((d) => d.varDef.name === name);
      if (!inherited) refuse('varDef.name', `is not a variable of the entrypoint thread of the parent WfSpec ${parentName}`);
      if (inherited!.accessLevel === 'PRIVATE_VAR') refuse('varDef.name', `is PRIVATE_VAR in the parent WfSpec ${parentName}`);
      const [mine, theirs] = [def.varDef.typeDef.primitiveType, inherited!.varDef.typeDef.primitiveType];
      if (mine !== theirs) refuse('varDef.typeDef', `is ${mine} here but ${theirs} in the parent WfSpec ${parentName}`);
    });
  }
}

/**
 * RunWf's parent rules: a WfSpec with a parent needs `parentWfRunId` and one without takes none (400);
 * the parent WfRun must exist (412) and be a run of the parent WfSpec (400).
 */
export function checkParentWfRun(spec: WfSpec, parentWfRunId: string | undefined, parent: WfRun | undefined): void {
  const ref = spec.parentWfSpec;
  const field = 'parentWfRunId';
  if (ref && parentWfRunId === undefined) {
    throw invalidArgument(`${field}: WfSpec ${spec.id.name} needs a parent WfRun of WfSpec ${ref.wfSpecName}`, { field });
  }
  if (parentWfRunId === undefined) return;
  if (!ref) throw invalidArgument(`${field}: WfSpec ${spec.id.name} does not refer to a parent WfSpec`, { field });
  if (!parent) throw failedPrecondition(`${field}: parent WfRun ${parentWfRunId} of WfSpec ${ref.wfSpecName} does not exist`);
  if (parent.wfSpecId.name !== ref.wfSpecName) {
    throw invalidArgument(`${field}: WfRun ${parentWfRunId} is a run of ${parent.wfSpecId.name}, not of ${ref.wfSpecName}`, { field });
  }
}
