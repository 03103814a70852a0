// One run of a workflow's functions into ThreadSpecs: the entrypoint thread first, then every
// thread it spawned or handles failures with, in the order they were added (breadth first).
import { WorkflowDefinitionError } from './definition-error.ts';
import { WorkflowThread, type TaskDefaults, type ThreadFunc, type ThreadHost } from './thread-builder.ts';
import type { MutationSink } from './variables.ts';
import type { ThreadSpecJson } from './wire-types.ts';

/** The one variable name every thread may declare: a spawned or handler thread's input. */
export const INPUT = 'INPUT';

export class Compilation implements ThreadHost {
  private readonly pending: Array<{ name: string; func: ThreadFunc }> = [];
  private readonly threadNames = new Set<string>();
  private readonly variableThreads = new Map<string, string>();
  private active: WorkflowThread | undefined;

  constructor(readonly taskDefaults: TaskDefaults) {}

  /** Runs every thread function and returns the ThreadSpecs by name. */
  compile(entrypointThreadName: string, entrypoint: ThreadFunc): Record<string, ThreadSpecJson> {
    this.addSubThread(entrypointThreadName, entrypoint);
    const specs: Record<string, ThreadSpecJson> = {};
    for (let next = this.pending.shift(); next; next = this.pending.shift()) {
      const thread = new WorkflowThread(next.name, this);
      this.active = thread;
      try {
        next.func(thread);
        specs[next.name] = thread.finish();
      } finally {
        this.active = undefined;
      }
    }
    return specs;
  }

  addSubThread(name: string, func: ThreadFunc): string {
    if (name === '') throw new WorkflowDefinitionError('a thread needs a name');
    if (this.threadNames.has(name)) throw new WorkflowDefinitionError(`there are two threads named '${name}'`);
    this.threadNames.add(name);
    this.pending.push({ name, func });
    return name;
  }

  /** LittleHorse: variable names are unique across all ThreadSpecs of a WfSpec, except INPUT. */
  registerVariable(name: string, threadName: string): void {
    const owner = this.variableThreads.get(name);
    if (owner !== undefined && name !== INPUT) {
      const where = owner === threadName ? `twice in thread '${owner}'` : `in threads '${owner}' and '${threadName}'`;
      throw new WorkflowDefinitionError(`variable '${name}' is declared ${where}; names are unique across a WfSpec`);
    }
    this.variableThreads.set(name, threadName);
  }

  activeThread(): MutationSink {
    if (!this.active) throw new WorkflowDefinitionError('variables can only be mutated while the workflow is being compiled (inside a thread function)');
    return this.active;
  }
}
