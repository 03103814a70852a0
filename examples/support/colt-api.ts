// The few REST calls the examples make besides register(): put a def, run a WfSpec, post an
// event, wait for a run to end. Reads COLT_API_URL (default http://localhost:2023) and COLT_API_KEY.
export const API = process.env.COLT_API_URL ?? 'http://localhost:2023';
export const HEADERS: Record<string, string> = process.env.COLT_API_KEY ? { authorization: `Bearer ${process.env.COLT_API_KEY}` } : {};

export interface WfRunView {
  id: string;
  status: string;
  threadRuns: Array<{ output?: unknown; errorMessage?: string }>;
}

export async function call<T = WfRunView>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(API + path, {
    method,
    headers: { 'content-type': 'application/json', ...HEADERS },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Polls the WfRun until it is no longer RUNNING. */
export async function waitForEnd(wfRunId: string): Promise<WfRunView> {
  for (;;) {
    const wfRun = await call('GET', `/wfRun/${encodeURIComponent(wfRunId)}`);
    if (wfRun.status !== 'RUNNING') return wfRun;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
