// A series' history for the forecast chart. The API has no endpoint for a Forecast model's series
// or their history, so they are read from the training's dataset (GET /api/v1/dataset/view, a
// thousand typed rows at a time): the model's Id column (from its prediction form) names the
// series, its target the values, and the dataset's one Date/DateTime column the time.
import type { HistoryPoint } from "../../charts/forecastSeries";

export type Row = Record<string, unknown>;

export interface SeriesColumns {
  id: string | null; // null: the dataset is one series
  time: string;
  target: string;
}

export const ONE_SERIES = "all"; // any unique_id names the only series of a model without an Id

export function timeColumns(schema: { column_name?: string; data_type?: string }[]): string[] {
  return schema.filter((c) => /^date(time)?$/i.test(c.data_type ?? "")).map((c) => c.column_name ?? "");
}

const keyText = (v: unknown) => (v === null || v === undefined ? "" : String(v));

// The series in the rows, in natural order ("S2" before "S10").
export function distinctSeries(rows: Row[], idColumn: string | null): string[] {
  if (!idColumn) return [];
  const seen = new Set<string>();
  for (const r of rows) {
    const k = keyText(r[idColumn]);
    if (k !== "") seen.add(k);
  }
  return [...seen].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

// One series' points by time. Rows sharing a timestamp are combined the way the model's
// `aggregate` says (sum, mean, last; last when the model has none, which refuses duplicates).
export function seriesHistory(rows: Row[], columns: SeriesColumns, series: string, aggregate?: string | null): HistoryPoint[] {
  const byDate = new Map<string, number[]>();
  for (const r of rows) {
    if (columns.id && keyText(r[columns.id]) !== series) continue;
    const date = r[columns.time];
    if (typeof date !== "string" || date === "") continue;
    const v = r[columns.target];
    const list = byDate.get(date) ?? [];
    if (typeof v === "number" && Number.isFinite(v)) list.push(v);
    byDate.set(date, list);
  }
  const combine = (values: number[]): number | null => {
    if (values.length === 0) return null;
    if (aggregate === "sum") return values.reduce((a, b) => a + b, 0);
    if (aggregate === "mean") return values.reduce((a, b) => a + b, 0) / values.length;
    return values[values.length - 1]!;
  };
  return [...byDate.entries()]
    .sort(([a], [b]) => (Date.parse(a) || 0) - (Date.parse(b) || 0) || a.localeCompare(b))
    .map(([date, values]) => ({ date, value: combine(values) }));
}

// The last `periods` points (all when periods is 0).
export function lastPeriods(history: HistoryPoint[], periods: number): HistoryPoint[] {
  return periods > 0 && history.length > periods ? history.slice(history.length - periods) : history;
}

// Steps and confidence as the URL holds them, checked against the model's horizon and the API's
// 0.5..0.99; a bad value answers its message instead.
export function parseSteps(raw: string, horizon: number): number | string {
  if (raw.trim() === "") return horizon;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > horizon) return `A whole number from 1 to ${horizon} (the model's horizon)`;
  return n;
}

export function parseConfidence(raw: string): number | string {
  if (raw.trim() === "") return 0.95;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0.5 || n > 0.99) return "From 0.5 to 0.99";
  return n;
}
