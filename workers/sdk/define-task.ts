// defineTask: a task handler and its TaskDef in one place. The declared inputs become the TaskDef's
// inputVars (in declaration order, which is the order `wf.execute(task, ...args)` passes them) and
// type the handler's argument, so the two cannot drift apart.
//
//   export const greet = defineTask('greet', { inputs: { name: 'STR' }, returns: 'STR' },
//     async ({ name }, ctx) => `Hello, ${name}!`);
import type { PrimitiveType } from '../../src/engine/types.ts';
import type { PlainValueOf } from '../../src/builder/index.ts';
import type { PutTaskDefRequest } from '../../src/services/metadata-service.ts';
import type { TaskDefinition } from './start-workers.ts';
import type { TaskContext, TaskHandler } from './task-handler.ts';

/** Input name -> its Colt type, e.g. `{ orderId: 'STR', amount: 'DOUBLE' }`. */
export type TaskInputTypes = Record<string, PrimitiveType>;

/** The plain values a handler receives for declared inputs. */
export type TaskInputs<I extends TaskInputTypes> = { [K in keyof I]: PlainValueOf[I[K]] };

/** What a handler may return: the declared return type's plain value, or anything JSON if none. */
export type TaskOutput<R extends PrimitiveType | undefined> = R extends PrimitiveType ? PlainValueOf[R] | undefined : unknown;

export interface TaskDeclaration<I extends TaskInputTypes, R extends PrimitiveType | undefined> {
  inputs: I;
  /** The TaskDef's return type; left out, the output is untyped JSON. */
  returns?: R;
  description?: string;
  /** Inputs whose values the server masks in API answers (passwords, card numbers). */
  maskedInputs?: (keyof I & string)[];
}

export type TypedTaskHandler<I extends TaskInputTypes, R extends PrimitiveType | undefined> = (
  inputs: TaskInputs<I>,
  context: TaskContext,
) => TaskOutput<R> | Promise<TaskOutput<R>>;

/** A task ready for `runTaskWorkers` / `startTaskWorkers`, and usable as `wf.execute(task, ...)`. */
export interface DefinedTask<I extends TaskInputTypes = TaskInputTypes> extends TaskDefinition {
  readonly name: string;
  readonly inputs: I;
}

const TASK_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,126}[A-Za-z0-9])?$/;

export function defineTask<const I extends TaskInputTypes, const R extends PrimitiveType | undefined = undefined>(
  name: string,
  declaration: TaskDeclaration<I, R>,
  handler: TypedTaskHandler<I, R>,
): DefinedTask<I> {
  if (!TASK_NAME.test(name)) {
    throw new TypeError(`task name '${name}' must be 1-128 characters of [A-Za-z0-9-], not starting or ending with '-'`);
  }
  return {
    name,
    inputs: declaration.inputs,
    taskDef: taskDefRequest(name, declaration),
    handler: handler as unknown as TaskHandler,
  };
}

function taskDefRequest(name: string, declaration: { inputs: TaskInputTypes; returns?: PrimitiveType | undefined; description?: string; maskedInputs?: string[] }): PutTaskDefRequest {
  const masked = new Set<string>(declaration.maskedInputs ?? []);
  return {
    name,
    inputVars: Object.entries(declaration.inputs).map(([varName, primitiveType]) => ({
      name: varName,
      typeDef: { primitiveType, ...(masked.has(varName) ? { masked: true } : {}) },
    })),
    ...(declaration.returns === undefined ? {} : { returnType: { returnType: { primitiveType: declaration.returns } } }),
    ...(declaration.description === undefined ? {} : { description: declaration.description }),
  };
}
