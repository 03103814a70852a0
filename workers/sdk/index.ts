// Colt's task worker SDK.
export { TaskWorker, type TaskWorkerOptions } from './task-worker.ts';
export { TaskException, type TaskContext, type TaskHandler } from './task-handler.ts';
export { startTaskWorkers, type TaskDefinition } from './start-workers.ts';
