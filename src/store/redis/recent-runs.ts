// The runs this process committed last, as they are now stored, so that the next transition of one
// needs no read of its whole hash: it is used only if the hash is still at that version (checked in
// the same round trip as the read it replaces). Each is taken out while a transition changes it in
// place and put back by the commit; one taken and not committed (conflict, error) is simply gone.
import type { LoadedRun } from './run-store.ts';

/** How many runs, and roughly how many bytes of their stored fields, are kept at most. */
const MAX_RUNS = 10_000;
const MAX_BYTES = 64 * 1024 * 1024;

export class RecentRuns {
  private readonly runs = new Map<string, { loaded: LoadedRun; bytes: number }>();
  private bytes = 0;

  take(key: string): LoadedRun | undefined {
    const entry = this.runs.get(key);
    if (!entry) return undefined;
    this.drop(key, entry.bytes);
    return entry.loaded;
  }

  keep(key: string, loaded: LoadedRun): void {
    const old = this.runs.get(key);
    if (old) this.drop(key, old.bytes);
    let bytes = 0;
    for (const [field, json] of loaded.fields) bytes += field.length + json.length;
    this.runs.set(key, { loaded, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.runs) {
      if (this.runs.size <= MAX_RUNS && this.bytes <= MAX_BYTES) break;
      this.drop(oldest, entry.bytes);
    }
  }

  private drop(key: string, bytes: number): void {
    this.runs.delete(key);
    this.bytes -= bytes;
  }
}
