// The `steps` log of a code workflow instance, from its step records in the order they were first
// recorded: `step` (with attempts), `sleep`, `waitForEvent`, and a closing `termination` when the
// instance was terminated. Names are `<name>-<count>`, as Cloudflare shows them. Pure.
import type { CodeInstanceStatus, StepRecord } from '../store/code-instance-records.ts';

export type CodeStepView =
  | { type: 'step'; name: string; start: string; end: string | null; success: boolean | null; output: unknown; config: unknown; attempts: unknown[] }
  | { type: 'sleep'; name: string; start: string; end: string; finished: boolean; error: null }
  | { type: 'waitForEvent'; name: string; start: string; end: string | null; finished: boolean; error: unknown; event_type: string; output?: unknown }
  | { type: 'termination'; trigger: { source: 'api' } };

export const REDACTED = '[REDACTED]';

export function codeStepsOf(records: Record<string, StepRecord>, status: CodeInstanceStatus): CodeStepView[] {
  const steps = Object.entries(records).sort(([, a], [, b]) => a.seq - b.seq).map(([key, r]) => viewOf(displayName(key), r));
  if (status === 'terminated') steps.push({ type: 'termination', trigger: { source: 'api' } });
  return steps;
}

/** `step:fetch-1` is shown as `fetch-1`. */
export function displayName(key: string): string {
  return key.slice(key.indexOf(':') + 1);
}

function viewOf(name: string, r: StepRecord): CodeStepView {
  switch (r.type) {
    case 'step': {
      const output = r.success !== true ? null : r.config.sensitive === 'output' ? REDACTED : (r.output ?? null);
      return { type: 'step', name, start: r.start, end: r.end, success: r.success, output, config: r.config, attempts: r.attempts };
    }
    case 'sleep':
      return { type: 'sleep', name, start: r.start, end: new Date(r.until).toISOString(), finished: r.finished, error: null };
    case 'waitForEvent':
      return {
        type: 'waitForEvent', name, start: r.start, end: r.end, finished: r.finished, error: r.error ?? null, event_type: r.event_type,
        ...(r.output ? { output: r.output } : {}),
      };
  }
}
