// Colt's workflow builder: WfSpecs written in TypeScript, LittleHorse SDK style.
//
//   const order = new Workflow('order', (wf) => {
//     const id = wf.declareStr('order-id').required().searchable();
//     const total = wf.declareDouble('total');
//     total.assign(wf.execute('price-order', id).withRetries(3));
//     wf.doIf(wf.condition(total, '>', 1000), (t) => t.execute('ask-approval', id));
//     wf.complete(total);
//   });
//   await order.register('http://localhost:8080');   // or order.compile() for the JSON
export { Workflow, ENTRYPOINT_THREAD } from './workflow.ts';
export type { WorkflowThread, ThreadFunc, TaskDefaults, TaskToRun } from './thread-builder.ts';
export { INPUT } from './compilation.ts';
export { WfRunVariable, type PlainValueOf, type JsonIndex } from './variables.ts';
export { NodeOutput, TaskNodeOutput, ExternalEventNodeOutput, WaitForThreadsNodeOutput } from './node-output.ts';
export { SpawnedThread, SpawnedThreads, SpawnedChildWf } from './spawned.ts';
export { UserTaskOutput, type UserTaskAssignee } from './user-tasks.ts';
export { Condition, type ComparatorSymbol } from './conditions.ts';
export type { IfStatement, ConditionLike } from './control-flow.ts';
export { Expression, FormatString, SizeOf } from './expressions.ts';
export { Operand, type Literal, type WfValue } from './operand.ts';
export type { LHErrorType } from './failure-handlers.ts';
export { WorkflowDefinitionError } from './definition-error.ts';
export { ColtApiError, type RegisterOptions } from './register.ts';
export type { PutWfSpecJson, ThreadSpecJson, WfSpecNode, AllowedUpdates } from './wire-types.ts';
