// Starts task workers for a set of task definitions in one process: registers each TaskDef
// (idempotently), then consumes its queue.
import type { Logger } from 'pino';
import type { PutTaskDefRequest } from '../../src/services/metadata-service.ts';
import { MetadataService } from '../../src/services/metadata-service.ts';
import type { Engine } from '../../src/main/colt.ts';
import type { TaskHandler } from './task-handler.ts';
import { TaskWorker, type TaskWorkerOptions } from './task-worker.ts';

export interface TaskDefinition {
  taskDef: PutTaskDefRequest;
  handler: TaskHandler;
}

export async function startTaskWorkers(
  engine: Engine,
  definitions: TaskDefinition[],
  log: Logger,
  options: TaskWorkerOptions = {},
): Promise<TaskWorker[]> {
  const metadata = new MetadataService(engine.metadataStore, engine.runs, engine.definitions, engine.externalEvents, engine.workflowEvents);
  const tenant = options.tenant ?? 'default';
  return Promise.all(
    definitions.map(async ({ taskDef, handler }) => {
      const def = await metadata.putTaskDef(tenant, taskDef);
      log.info({ taskDef: def.id.name, concurrency: options.concurrency ?? 10 }, 'task worker started');
      return new TaskWorker(engine, def, handler, log.child({ taskDef: def.id.name }), options);
    }),
  );
}
