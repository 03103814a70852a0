// Printing answers: pretty JSON by default (as lhctl does), or `--output table`: one row per
// result of a list (`{results: [...]}` or an array), or one `field | value` row per field.
import type { OutputFormat } from './settings.ts';

const MAX_CELL = 60;

export function render(value: unknown, format: OutputFormat): string {
  if (value === undefined) return '';
  if (format === 'json' || typeof value !== 'object' || value === null) {
    return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  }
  const rows = rowsOf(value);
  return rows ? table(rows) : table(Object.entries(value).map(([field, v]) => ({ field, value: v })));
}

function rowsOf(value: object): Record<string, unknown>[] | undefined {
  const list = Array.isArray(value) ? value : (value as { results?: unknown }).results;
  if (!Array.isArray(list)) return undefined;
  return list.map((item) => (typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as Record<string, unknown>) : { value: item }));
}

function table(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '(no results)';
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}
