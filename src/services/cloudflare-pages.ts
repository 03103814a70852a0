// Page-style lists of the Cloudflare-compatible API: `page` (from 1) and `per_page`, an empty page past
// the end (the official client stops only on an empty page), and `result_info`.
export interface ResultInfo {
  page: number;
  per_page: number;
  count: number;
  total_count: number;
  total_pages: number;
  /** Set while more results follow (instance lists only). */
  cursor?: string;
}

export interface CfList<T> { result: T[]; resultInfo: ResultInfo }

export interface PageQuery { page: number; perPage: number }

/** The `result_info` of a page holding `count` of `total` results. */
export function resultInfoOf(q: PageQuery, count: number, total: number, cursor?: string): ResultInfo {
  return {
    page: q.page,
    per_page: q.perPage,
    count,
    total_count: total,
    total_pages: Math.ceil(total / q.perPage),
    ...(cursor === undefined ? {} : { cursor }),
  };
}

/** One page of a list held in memory. */
export function pageOf<T>(all: T[], q: PageQuery): CfList<T> {
  const result = all.slice((q.page - 1) * q.perPage, q.page * q.perPage);
  return { result, resultInfo: resultInfoOf(q, result.length, all.length) };
}
