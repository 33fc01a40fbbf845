// DatasetStatistics.statistics is a free-form object in the API document; this reads it into
// the shapes the statistics tab draws, keeping whatever is missing or null as null.
export interface Histogram {
  bin_edges: number[];
  counts: number[];
}

export interface TopValue {
  value: string;
  count: number;
}

interface Common {
  column_name: string;
  data_type: string;
  count: number | null;
  nulls: number | null;
  distinct: number | null;
}

export interface NumericStats extends Common {
  kind: "numeric";
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  median: number | null;
  q1: number | null;
  q3: number | null;
  histogram: Histogram | null;
}

export interface StringStats extends Common {
  kind: "string";
  top_values: TopValue[] | null;
  min_length: number | null;
  max_length: number | null;
}

export interface BooleanStats extends Common {
  kind: "boolean";
  true_count: number | null;
  false_count: number | null;
}

export interface TimeStats extends Common {
  kind: "time";
  min: string | null;
  max: string | null;
}

export type ColumnStats = NumericStats | StringStats | BooleanStats | TimeStats;

export interface Statistics {
  row_count: number | null;
  columns: ColumnStats[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

function histogram(v: unknown): Histogram | null {
  if (!isObj(v) || !Array.isArray(v.bin_edges) || !Array.isArray(v.counts)) return null;
  const edges = v.bin_edges.map(num);
  const counts = v.counts.map(num);
  if (edges.some((e) => e === null) || counts.some((c) => c === null)) return null;
  if (edges.length !== counts.length + 1 || counts.length === 0) return null;
  return { bin_edges: edges as number[], counts: counts as number[] };
}

function topValues(v: unknown): TopValue[] | null {
  if (!Array.isArray(v)) return null;
  return v.filter(isObj).map((t) => ({ value: String(t.value ?? ""), count: num(t.count) ?? 0 }));
}

export function parseStatistics(raw: unknown): Statistics | null {
  if (!isObj(raw)) return null;
  const columns: ColumnStats[] = [];
  for (const c of Array.isArray(raw.columns) ? raw.columns : []) {
    if (!isObj(c)) continue;
    const common: Common = {
      column_name: str(c.column_name) ?? "",
      data_type: str(c.data_type) ?? "",
      count: num(c.count),
      nulls: num(c.nulls),
      distinct: num(c.distinct),
    };
    switch (common.data_type) {
      case "Integer":
      case "Float":
        columns.push({
          ...common,
          kind: "numeric",
          min: num(c.min),
          max: num(c.max),
          mean: num(c.mean),
          std: num(c.std),
          median: num(c.median),
          q1: num(c.q1),
          q3: num(c.q3),
          histogram: histogram(c.histogram),
        });
        break;
      case "Boolean":
        columns.push({ ...common, kind: "boolean", true_count: num(c.true_count), false_count: num(c.false_count) });
        break;
      case "Date":
      case "DateTime":
        columns.push({ ...common, kind: "time", min: str(c.min), max: str(c.max) });
        break;
      default:
        columns.push({ ...common, kind: "string", top_values: topValues(c.top_values), min_length: num(c.min_length), max_length: num(c.max_length) });
    }
  }
  return { row_count: num(raw.row_count), columns };
}

// Numbers for people: integers as they are, others to 4 significant digits.
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return "—";
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return v.toExponential(3);
  return Number(v.toPrecision(4)).toLocaleString("en-US", { maximumFractionDigits: 6 });
}

export const ACTIVE_STATUSES = ["queued", "running"];
export const isActive = (status: string | undefined) => status !== undefined && ACTIVE_STATUSES.includes(status);
