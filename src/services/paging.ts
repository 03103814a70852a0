// LittleHorse's paging for Search and List: `limit` (default 100), an opaque `bookmark` that resumes
// after the last result given, no bookmark in the answer when nothing follows.
import { invalidArgument } from '../errors.ts';
import type { Bookmarks, Cursor } from '../store/bookmarks.ts';
import type { Page, PageRequest } from '../store/redis/sorted-set-pages.ts';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export interface PageQuery { limit?: number; bookmark?: string }
export interface ResultPage<T> { results: T[]; bookmark?: string }

/** The limit and the position to resume after, checked. */
export function pageRequest(bookmarks: Bookmarks, q: PageQuery): PageRequest {
  const limit = q.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw invalidArgument(`limit must be between 1 and ${MAX_LIMIT}`, { field: 'limit' });
  }
  return { limit, ...(q.bookmark === undefined ? {} : { after: bookmarks.decode(q.bookmark) }) };
}

/** A page of results, with a bookmark when more follow. */
export function resultPage<T>(bookmarks: Bookmarks, page: Page, results: T[]): ResultPage<T> {
  return { results, ...(page.more && page.last ? { bookmark: bookmarks.encode(page.last) } : {}) };
}

type SortKey = Array<string | number>;

/** Pages over objects held in memory (one WfRun's, or metadata), ordered by `key`. */
export function pageInMemory<T>(items: T[], key: (item: T) => SortKey, { limit, after }: PageRequest): { page: Page; items: T[] } {
  const keyed = items.map((item) => ({ item, key: key(item) })).sort((a, b) => compareKeys(a.key, b.key));
  const resumeAfter = after ? (JSON.parse(after.member) as SortKey) : undefined;
  const rest = resumeAfter ? keyed.filter((k) => compareKeys(k.key, resumeAfter) > 0) : keyed;
  const taken = rest.slice(0, limit);
  const last = taken.at(-1);
  const cursor: Cursor | undefined = last ? { score: 0, member: JSON.stringify(last.key) } : undefined;
  return {
    items: taken.map((k) => k.item),
    page: { members: [], more: rest.length > limit, ...(cursor ? { last: cursor } : {}) },
  };
}

function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/** An ISO-8601 instant of a query, in ms. */
export function instantOf(field: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalidArgument(`${field} must be an ISO-8601 date-time`, { field });
  return ms;
}
