// Durations and retry delays of code workflows, as Cloudflare writes them: a number of milliseconds or
// `"<n> <unit>[s]"` (second, minute, hour, day, week, month, year). Pure.

export type WorkflowDuration = number | string;
export type WorkflowBackoff = 'constant' | 'linear' | 'exponential';

const UNIT_MS: Record<string, number> = {
  millisecond: 1,
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
  year: 365 * 86_400_000,
};

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(millisecond|second|minute|hour|day|week|month|year)s?\s*$/;

/** Milliseconds of `value`; throws a TypeError naming `field` when it is not a duration. */
export function durationMs(value: WorkflowDuration, field: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
  } else {
    const m = DURATION.exec(value);
    if (m) return Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? NaN);
  }
  throw new TypeError(`${field}: ${JSON.stringify(value)} is not a duration (milliseconds, or e.g. "10 seconds")`);
}

/** The wait after failed attempt number `attempt` (1-based), with base delay `delayMs`. */
export function retryDelayMs(backoff: WorkflowBackoff, delayMs: number, attempt: number): number {
  switch (backoff) {
    case 'constant': return delayMs;
    case 'linear': return delayMs * attempt;
    case 'exponential': return delayMs * 2 ** (attempt - 1);
  }
}
