// What Colt records of a code workflow instance (a Cloudflare WorkflowEntrypoint run): its state, and one
// record per step, keyed `<name>-<count>`. The executor replays run() from these records; the API shows them.

export type CodeInstanceStatus = 'queued' | 'running' | 'waiting' | 'paused' | 'waitingForPause' | 'complete' | 'errored' | 'terminated';

export interface ErrorRecord { name: string; message: string }

export interface CodeInstanceState {
  id: string;
  workflow: string;
  status: CodeInstanceStatus;
  /** Each restart starts a new life; writes of an older life's executor are refused. */
  generation: number;
  /** The payload as JSON text. */
  params: string;
  versionId: string;
  scriptName: string;
  trigger: string;
  created_on: string;
  modified_on: string;
  start?: string;
  end?: string;
  /** run()'s return value as JSON text. */
  output?: string;
  error?: ErrorRecord;
  pausedAt?: string;
  /** When the waiting instance is due to run again (epoch ms). */
  wakeAt?: number;
}

export interface AttemptRecord {
  start: string;
  end: string | null;
  success: boolean | null;
  error: ErrorRecord | null;
  /** Colt addition: the wait before the next attempt, when one follows. */
  delay_ms?: number;
}

export interface StepConfigRecord {
  retries: { limit: number; delay: number | string; backoff: string };
  timeout: number | string;
  sensitive?: 'output';
}

interface RecordBase {
  /** Position in the order steps were first recorded (restart `from` wipes this one and later ones). */
  seq: number;
  name: string;
  start: string;
}

export type StepRecord =
  | (RecordBase & {
      type: 'step';
      end: string | null;
      success: boolean | null;
      output?: unknown;
      error?: ErrorRecord;
      config: StepConfigRecord;
      attempts: AttemptRecord[];
      /** Epoch ms of the next attempt, while one is waiting. */
      nextAttemptAt?: number;
    })
  | (RecordBase & { type: 'sleep'; until: number; finished: boolean })
  | (RecordBase & {
      type: 'waitForEvent';
      event_type: string;
      deadline: number;
      finished: boolean;
      end: string | null;
      /** Which received event of its type it took (0-based among events of that type). */
      eventIndex?: number;
      output?: ReceivedEventRecord;
      error?: ErrorRecord;
    });

export interface ReceivedEventRecord { type: string; payload: unknown; timestamp: string }

/** Statuses an instance no longer leaves, except by restart. */
export const FINISHED_CODE_STATUSES: readonly CodeInstanceStatus[] = ['complete', 'errored', 'terminated'];
