// GET .../instances/{id}/step: one entry of an instance's `steps` log, found by its logged name and type,
// as `{status, error, output?, event_type?}`; with `attempt`, that attempt of a `step`. Works on the log of
// either kind of workflow (their entries share these fields). Pure.
import { CF_CODE, CloudflareApiError } from './cloudflare-errors.ts';

export interface StepQuery { name: string; type: 'step' | 'waitForEvent'; attempt?: number }

export interface CfStepDetail {
  status: 'running' | 'complete' | 'errored';
  error: { name: string; message: string } | null;
  output?: unknown;
  event_type?: string;
}

type Attempt = { success: boolean | null; error: { name: string; message: string } | null };
type LogEntry = { type: string; name?: string; success?: boolean | null; finished?: boolean; error?: unknown; output?: unknown; event_type?: string; attempts?: unknown[] };

export function stepDetailOf(steps: readonly LogEntry[], q: StepQuery): CfStepDetail {
  const entry = steps.find((s) => s.type === q.type && s.name === q.name);
  if (!entry) throw notFound(`Step "${q.name}" of type ${q.type} not found in execution history`);
  if (q.type === 'waitForEvent') {
    const error = (entry.error ?? null) as CfStepDetail['error'];
    const status = !entry.finished ? 'running' : error ? 'errored' : 'complete';
    return { status, error, ...(entry.output === undefined ? {} : { output: entry.output }), ...(entry.event_type ? { event_type: entry.event_type } : {}) };
  }
  const attempts = (entry.attempts ?? []) as Attempt[];
  if (q.attempt !== undefined) {
    const a = attempts[q.attempt - 1];
    if (!a) throw notFound(`Step "${q.name}" has no attempt ${q.attempt} (it has ${attempts.length})`);
    const status = statusOf(a.success);
    return { status, error: a.error, ...(status === 'complete' ? { output: entry.output } : {}) };
  }
  const status = statusOf(entry.success ?? null);
  return { status, error: status === 'complete' ? null : (attempts.at(-1)?.error ?? null), ...(status === 'complete' ? { output: entry.output } : {}) };
}

function statusOf(success: boolean | null): CfStepDetail['status'] {
  return success === true ? 'complete' : success === false ? 'errored' : 'running';
}

function notFound(message: string): CloudflareApiError {
  return new CloudflareApiError('NOT_FOUND', CF_CODE.STEP_NOT_FOUND, message);
}
