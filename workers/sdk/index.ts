// Colt's task worker SDK.
export { TaskWorker, type TaskWorkerOptions } from './task-worker.ts';
export { TaskException, type TaskContext, type TaskHandler } from './task-handler.ts';
export { startTaskWorkers, type TaskDefinition } from './start-workers.ts';
export { defineTask, type DefinedTask, type TaskDeclaration, type TaskInputTypes, type TaskInputs, type TypedTaskHandler } from './define-task.ts';
export { runTaskWorkers, type RunTaskWorkersOptions, type RunningTaskWorkers } from './run-workers.ts';
