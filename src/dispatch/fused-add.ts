// Lets a commit script enqueue a task job in the same atomic step: builds the exact KEYS/ARGV that
// BullMQ would send for its `addStandardJob` script (through BullMQ's own Job.addJob, with a client
// that captures the call instead of sending it), and exposes that script's body from the installed
// bullmq, so both always match. bullmq is pinned; test/integration/fused-add.test.ts guards the layout.
import { createRequire } from 'node:module';
import { Job, type JobsOptions, type Queue } from 'bullmq';

interface BullScript { name: string; content: string; keys: number }

const bullScripts = createRequire(import.meta.url)('bullmq/dist/cjs/scripts/addStandardJob-9.js') as {
  addStandardJob: BullScript;
};

export const ADD_STANDARD_JOB = bullScripts.addStandardJob;

/** What one addStandardJob call would send: its KEYS and its ARGV. */
export interface CapturedAdd { keys: string[]; args: Array<string | Buffer> }

export async function captureAdd<T>(queue: Queue<T>, name: string, data: T, opts: JobsOptions & { jobId: string }): Promise<CapturedAdd> {
  const job = new Job(queue as Queue, name, data, opts, opts.jobId);
  let sent: { command: string; args: Array<string | Buffer> } | undefined;
  const capturingClient = {
    runCommand: async (command: string, args: Array<string | Buffer>) => {
      sent = { command, args };
      return opts.jobId;
    },
  };
  await job.addJob(capturingClient as never);
  if (!sent || !sent.command.startsWith(`${ADD_STANDARD_JOB.name}:`)) {
    throw new Error(`bullmq built '${sent?.command}' where Colt expects ${ADD_STANDARD_JOB.name}`);
  }
  return { keys: sent.args.slice(0, ADD_STANDARD_JOB.keys) as string[], args: sent.args.slice(ADD_STANDARD_JOB.keys) };
}
