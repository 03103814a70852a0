// Which permission each API operation needs, derived by rule from its operationId so that a route
// added to a contract is covered the moment it exists: the verb gives the action (get/list/search ->
// READ; put/delete of a definition -> WRITE_METADATA; anything done to a run -> RUN), the noun gives
// the resource. An operationId the rules cannot read gets no permission, and is refused to everyone.
import type { AclAction, AclResource } from './acls.ts';

export type OperationPermission =
  | { kind: 'acl'; resource: AclResource; action: AclAction }
  /** Any authenticated caller (e.g. Whoami). */
  | { kind: 'authenticated' };

const READ_VERBS = new Set(['get', 'list', 'search', 'await', 'count']);
const WRITE_VERBS = new Set([
  'put', 'delete', 'create', 'update', 'run', 'stop', 'resume', 'rescue', 'post', 'poll', 'report', 'assign',
  'complete', 'cancel', 'claim', 'release', 'save', 'edit', 'send', 'change', 'terminate', 'revoke', 'restart', 'pause', 'deploy', 'migrate',
]);

/** Nouns of operationIds: the resource they belong to, and whether they are definitions (metadata) or runs. */
type Noun = [noun: string, resource: AclResource, metadata: boolean];
const NOUNS: Noun[] = ([
  ['WfSpec', 'ACL_WORKFLOW', true],
  ['ScheduledWfRun', 'ACL_WORKFLOW', false],
  ['WfRun', 'ACL_WORKFLOW', false],
  ['ThreadRun', 'ACL_WORKFLOW', false],
  ['NodeRun', 'ACL_WORKFLOW', false],
  ['Variable', 'ACL_WORKFLOW', false],
  ['Wf', 'ACL_WORKFLOW', false],
  ['TaskWorkerGroup', 'ACL_TASK_WORKER_GROUP', false],
  ['TaskDef', 'ACL_TASK', true],
  ['TaskRun', 'ACL_TASK', false],
  ['ExternalEventDef', 'ACL_EXTERNAL_EVENT', true],
  ['ExternalEvent', 'ACL_EXTERNAL_EVENT', false],
  ['CorrelatedEvent', 'ACL_EXTERNAL_EVENT', false],
  ['UserTaskDef', 'ACL_USER_TASK', true],
  ['UserTaskRun', 'ACL_USER_TASK', false],
  ['UserTask', 'ACL_USER_TASK', false],
  ['Task', 'ACL_TASK', false],
  ['WorkflowEventDef', 'ACL_WORKFLOW_EVENT', true],
  ['WorkflowEvent', 'ACL_WORKFLOW_EVENT', false],
  ['StructDef', 'ACL_STRUCT', true],
  ['Principal', 'ACL_PRINCIPAL', true],
  ['ApiKey', 'ACL_PRINCIPAL', true],
  ['Tenant', 'ACL_TENANT', true],
  // The Cloudflare-compatible surface: a workflow is a WfSpec, an instance a WfRun.
  ['Workflow', 'ACL_WORKFLOW', true],
  ['Instance', 'ACL_WORKFLOW', false],
] as Noun[]).sort((a, b) => b[0].length - a[0].length);

/** Where the rules would read an operation wrongly. */
const EXCEPTIONS: Record<string, OperationPermission> = {
  whoami: { kind: 'authenticated' },
  getServerVersion: { kind: 'authenticated' },
  // LittleHorse counts (re)assigning a user task as administration, not as running it.
  assignUserTask: { kind: 'acl', resource: 'ACL_USER_TASK', action: 'WRITE_METADATA' },
  assignUserTaskRun: { kind: 'acl', resource: 'ACL_USER_TASK', action: 'WRITE_METADATA' },
  getTerminateAllStatus: { kind: 'acl', resource: 'ACL_WORKFLOW', action: 'READ' },
  // A task worker's heartbeat: what a worker allowed to run tasks does.
  registerTaskWorker: { kind: 'acl', resource: 'ACL_TASK', action: 'RUN' },
  scheduleWf: { kind: 'acl', resource: 'ACL_WORKFLOW', action: 'RUN' },
};

export function permissionOf(operationId: string): OperationPermission | undefined {
  const exception = EXCEPTIONS[operationId];
  if (exception) return exception;
  const verb = /^[a-z]+/.exec(operationId)?.[0] ?? '';
  const rest = operationId.slice(verb.length);
  const noun = NOUNS.find(([n]) => rest.includes(n));
  if (!noun) return undefined;
  const [, resource, metadata] = noun;
  if (READ_VERBS.has(verb)) return { kind: 'acl', resource, action: 'READ' };
  if (WRITE_VERBS.has(verb)) return { kind: 'acl', resource, action: metadata ? 'WRITE_METADATA' : 'RUN' };
  return undefined;
}

/** Path parameters that name the object an ACL's `name`/`prefix` narrows to, per resource. */
const NAME_PARAMS: Partial<Record<AclResource, string[]>> = {
  ACL_WORKFLOW: ['workflow_name'],
  ACL_TASK: ['taskDefName'],
  ACL_EXTERNAL_EVENT: ['externalEventDefName'],
  ACL_USER_TASK: ['userTaskDefName'],
  ACL_WORKFLOW_EVENT: ['workflowEventDefName'],
};

/**
 * The name of the object a request acts on, when its path says it: `{name}` of a definition's own
 * route, or a parameter naming a definition of the operation's resource. Undefined otherwise (then
 * only ACLs that are not narrowed to names grant the request).
 */
export function objectNameOf(operationId: string, resource: AclResource, params: Record<string, string>): string | undefined {
  const definitionRoute = NOUNS.find(([n]) => operationId.includes(n))?.[2] === true;
  if (definitionRoute && params.name !== undefined) return params.name;
  for (const param of NAME_PARAMS[resource] ?? []) if (params[param] !== undefined) return params[param];
  return undefined;
}
