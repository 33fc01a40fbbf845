// The datalake pages' pure logic: column kinds, exact 64-bit ids, the URL's column lists and the
// "dataset from a table" request.

export const NUMERIC_TYPES = ["bigint", "integer", "double", "real"] as const;
export function isNumeric(sqlType: string): boolean {
  return (NUMERIC_TYPES as readonly string[]).includes(sqlType);
}

// What each medallion layer holds (any other namespace gets no description).
export function schemaDescription(schema: string): string | undefined {
  return {
    bronze: "Every record of every upload as received, as text, with where it came from.",
    silver: "The valid rows of uploads that named a lake table, typed.",
    gold: "Results the platform made: batch predictions per model.",
  }[schema];
}

// Iceberg snapshot ids are random 63-bit integers: JSON.parse rounds most of them (past 2^53), so
// they are read as digits from the response text. Null when the field is absent or not an integer.
export function exactIntegerField(json: string, field: string): string | null {
  const escaped = field.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`"${escaped}"\\s*:\\s*(-?\\d+)(?![\\d.eE])`).exec(json);
  return m ? m[1]! : null;
}

// Every value of `field` in document order, digits kept ("null" values as null): the 64-bit ids
// of a list, e.g. each snapshot's snapshot_id.
export function exactIntegerFieldAll(json: string, field: string): (string | null)[] {
  const escaped = field.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return [...json.matchAll(new RegExp(`"${escaped}"\\s*:\\s*(null|-?\\d+)(?![\\d.eE])`, "g"))].map((m) => (m[1] === "null" ? null : m[1]!));
}

// A comma-separated list in the URL (?stats=a,b) as names, and toggling one name in it.
export function parseList(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter(Boolean);
}
export function toggleInList(value: string, name: string): string | null {
  const list = parseList(value);
  const next = list.includes(name) ? list.filter((n) => n !== name) : [...list, name];
  return next.length ? next.join(",") : null;
}

export interface FromTableValues {
  dataset_name: string;
  usage: "t" | "p";
  snapshot_id: string; // "" = the table's current snapshot
}

// The query of POST /api/v1/dataset/from_iceberg, or the issues the browser can see first.
export function fromTableQuery(values: FromTableValues, schema: string, table: string): { query: URLSearchParams } | { issues: Map<string, string> } {
  const issues = new Map<string, string>();
  const name = values.dataset_name.trim();
  if (!name) issues.set("dataset_name", "Give the dataset a name");
  const snapshot = values.snapshot_id.trim();
  if (snapshot && !/^\d{1,19}$/.test(snapshot)) issues.set("snapshot_id", "A snapshot id is a whole number");
  if (issues.size) return { issues };
  const query = new URLSearchParams({ dataset_name: name, usage: values.usage, schema_name: schema, table_name: table });
  if (snapshot) query.set("snapshot_id", snapshot); // sent as typed: exact past 2^53
  return { query };
}

export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e9 || abs < 1e-4)) return v.toExponential(4);
  return v.toLocaleString("en-US", { maximumFractionDigits: 4 });
}
