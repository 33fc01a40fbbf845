// The validation report of an uploaded file as the console shows it: one table row per error
// group, the sample records it names, and where those records are among the file's raw lines
// (GET /api/v1/files/view gives the first lines of the raw file; the report numbers records).
import type { components } from "../../api/schema";

export type ErrorReport = NonNullable<components["schemas"]["ErrorReport"]>;
export type ErrorGroup = components["schemas"]["ErrorGroup"];
export type ErrorKind = NonNullable<ErrorGroup["kind"]>;
export type DatasetFile = components["schemas"]["DatasetFile"];

export const KIND_LABELS: Record<ErrorKind, string> = {
  type_mismatch: "Wrong type",
  invalid_utf8: "Invalid UTF-8",
  ragged_row: "Wrong number of fields",
};

export interface Sample {
  row: number;
  value: string;
}

export interface ReportRow {
  key: string;
  column: string | null; // null: the whole record
  kind: string;
  kindLabel: string;
  expected: string;
  count: number;
  samples: Sample[];
}

export function reportRows(report: ErrorReport | null | undefined): ReportRow[] {
  return (report?.errors ?? []).map((group, i) => {
    const kind = group.kind ?? "unknown";
    return {
      key: `${i}:${group.column ?? ""}:${kind}`,
      column: group.column ?? null,
      kind,
      kindLabel: KIND_LABELS[kind as ErrorKind] ?? kind,
      expected: group.expected ?? "",
      count: group.count ?? 0,
      samples: (group.samples ?? [])
        .filter((s): s is Required<typeof s> => typeof s.row === "number")
        .map((s) => ({ row: s.row, value: s.value ?? "" })),
    };
  });
}

// Whether a file's report says anything: rejected records, or missing or extra columns.
export function hasProblems(report: ErrorReport | null | undefined): boolean {
  if (!report) return false;
  return (report.invalid_records ?? 0) > 0 || (report.missing_columns?.length ?? 0) > 0 || (report.extra_columns?.length ?? 0) > 0 || (report.errors?.length ?? 0) > 0;
}

// After an upload: were records rejected (or whole files, for missing columns)?
export function rejectedAnything(files: DatasetFile[] | undefined): boolean {
  return (files ?? []).some((f) => (f.error_report?.invalid_records ?? 0) > 0 || (f.error_report?.missing_columns?.length ?? 0) > 0);
}

// The record numbers the report's samples name, ascending and distinct (every group, or one).
export function sampleRecords(rows: ReportRow[]): number[] {
  return [...new Set(rows.flatMap((r) => r.samples.map((s) => s.row)))].sort((a, b) => a - b);
}

export interface RecordProblem {
  column: string | null;
  kind: string;
  kindLabel: string;
  expected: string;
  value: string;
}

// What the report says about each sampled record.
export function problemsByRecord(rows: ReportRow[]): Map<number, RecordProblem[]> {
  const out = new Map<number, RecordProblem[]>();
  for (const r of rows) {
    for (const s of r.samples) {
      const list = out.get(s.row) ?? [];
      list.push({ column: r.column, kind: r.kind, kindLabel: r.kindLabel, expected: r.expected, value: s.value });
      out.set(s.row, list);
    }
  }
  return out;
}

// ?rows=3,4,6 in the URL: the records a "show the offending rows" link points at.
export function parseRecordList(param: string | null | undefined): number[] {
  const seen = new Set<number>();
  for (const part of (param ?? "").split(",")) {
    const n = Number(part.trim());
    if (part.trim() !== "" && Number.isInteger(n) && n >= 1) seen.add(n);
  }
  return [...seen].sort((a, b) => a - b);
}

export function formatRecordList(records: number[]): string {
  return [...new Set(records)].sort((a, b) => a - b).join(",");
}

// ---- records among raw lines ------------------------------------------------------------

const DELIMITERS = [",", ";", "\t", "|"];

// The delimiter the header line splits on most often outside quotes (the server sniffs the
// same four).
export function guessDelimiter(header: string): string {
  let best = ",";
  let bestCount = 0;
  for (const d of DELIMITERS) {
    let count = 0;
    let quoted = false;
    for (const c of header) {
      if (c === '"') quoted = !quoted;
      else if (c === d && !quoted) count++;
    }
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

export interface RecordLines {
  record: number; // the header is record 1
  first: number; // 1-based line numbers, inclusive
  last: number;
  complete: boolean; // false when the lines ran out inside a quoted field
}

// Numbers the records of a CSV's first lines the way the validator does: blank lines are not
// records, a record whose quoted field holds line breaks counts once. A quote opens a quoted
// field only at the start of a field; inside one, "" is a quote.
export function recordsOfLines(lines: string[], delimiter = guessDelimiter(lines[0] ?? "")): RecordLines[] {
  const out: RecordLines[] = [];
  let record = 0;
  let open: RecordLines | null = null;
  let quoted = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const lineNo = i + 1;
    if (!open) {
      if (line === "") continue; // a blank line between records
      open = { record: ++record, first: lineNo, last: lineNo, complete: false };
    } else {
      open.last = lineNo;
    }
    let fieldStart = !quoted;
    for (let k = 0; k < line.length; k++) {
      const c = line[k];
      if (quoted) {
        if (c === '"') {
          if (line[k + 1] === '"') k++;
          else quoted = false;
        }
      } else if (c === delimiter) {
        fieldStart = true;
        continue;
      } else if (c === '"' && fieldStart) {
        quoted = true;
      }
      fieldStart = false;
    }
    if (!quoted) {
      open.complete = true;
      out.push(open);
      open = null;
    }
  }
  if (open) out.push(open);
  return out;
}

// How many raw lines to ask for to reach `record`: a record is never before its own number's
// line, so start there with some room; the caller asks for more while the record is not there.
export const MAX_PREVIEW_LINES = 1000; // files/view's limit

export function linesToAsk(maxRecord: number, previous?: number): number {
  const want = previous === undefined ? maxRecord + 10 : previous * 2;
  return Math.min(MAX_PREVIEW_LINES, Math.max(1, want));
}

export interface ExcerptLine {
  line: number;
  text: string;
  record?: number; // set on every line of a record
  offending: boolean;
}

export type ExcerptPart = { gap: true; from: number; to: number } | { gap: false; lines: ExcerptLine[] };

// The header, then each wanted record with `context` lines around it; overlapping windows
// merge and skipped stretches become gaps.
export function excerpt(lines: string[], wanted: number[], context = 2): { parts: ExcerptPart[]; missing: number[] } {
  const records = recordsOfLines(lines);
  const byRecord = new Map(records.map((r) => [r.record, r]));
  const recordOfLine = new Map<number, number>();
  for (const r of records) for (let l = r.first; l <= r.last; l++) recordOfLine.set(l, r.record);
  const wantedSet = new Set(wanted);
  const missing: number[] = [];
  const show = new Set<number>();
  if (lines.length > 0) show.add(1);
  for (const w of wanted) {
    const r = byRecord.get(w);
    if (!r || !r.complete) {
      missing.push(w);
      if (!r) continue;
    }
    for (let l = Math.max(1, r.first - context); l <= Math.min(lines.length, r.last + context); l++) show.add(l);
  }
  // A hole of one line is shown rather than announced as a gap.
  for (const l of [...show]) if (!show.has(l + 1) && show.has(l + 2)) show.add(l + 1);
  const sorted = [...show].sort((a, b) => a - b);
  const parts: ExcerptPart[] = [];
  let current: ExcerptLine[] | null = null;
  let previous = 0;
  for (const l of sorted) {
    if (l !== previous + 1) {
      if (previous + 1 <= l - 1) parts.push({ gap: true, from: previous + 1, to: l - 1 });
      current = null;
    }
    if (!current) {
      current = [];
      parts.push({ gap: false, lines: current });
    }
    const record = recordOfLine.get(l);
    current.push({ line: l, text: lines[l - 1] ?? "", record, offending: record !== undefined && wantedSet.has(record) });
    previous = l;
  }
  return { parts, missing };
}
