// The real-time prediction form built from GET /api/v1/inference/form-based-prediction: an input
// per column by its type, the features object POST /api/v1/inference takes, and the checks the
// browser makes first. Also a small CSV reader for the batch result's first rows.
import type { components } from "../../api/schema";
import type { ApiError } from "../../api/errors";

export type PredictionForm = components["schemas"]["PredictionForm"];
export type FormHeader = NonNullable<PredictionForm["headers"]>[number];
export type InputKind = "integer" | "number" | "boolean" | "date" | "datetime" | "text";

export function inputKind(dataType: string | undefined): InputKind {
  switch ((dataType ?? "").toLowerCase()) {
    case "integer":
      return "integer";
    case "float":
      return "number";
    case "boolean":
      return "boolean";
    case "date":
      return "date";
    case "datetime":
      return "datetime";
    default:
      return "text";
  }
}

// The form's values are the inputs' text; an empty value is left out, so the API uses the
// column's default (or treats it as missing, as in training).
export function toFeatures(headers: FormHeader[], values: Record<string, string>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const h of headers) {
    const name = h.column_name ?? "";
    const raw = values[name];
    if (raw === undefined || raw.trim() === "") continue;
    const text = raw.trim();
    switch (inputKind(h.data_type)) {
      case "integer":
      case "number": {
        const n = Number(text);
        out[name] = Number.isFinite(n) ? n : text; // the API names a bad number; pass it through
        break;
      }
      case "boolean":
        out[name] = text === "true" ? true : text === "false" ? false : text;
        break;
      case "datetime":
        // <input type="datetime-local"> gives "YYYY-MM-DDTHH:mm[:ss]" without a zone: read as UTC.
        out[name] = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text) ? `${text.length === 16 ? `${text}:00` : text}Z` : text;
        break;
      default:
        out[name] = h.data_type?.toLowerCase() === "string" ? raw : text;
    }
  }
  return out;
}

export function localIssues(headers: FormHeader[], values: Record<string, string>): Map<string, string> {
  const issues = new Map<string, string>();
  for (const h of headers) {
    const name = h.column_name ?? "";
    const text = (values[name] ?? "").trim();
    if (!text) continue;
    const kind = inputKind(h.data_type);
    if (kind === "integer" && !/^[-+]?\d+$/.test(text)) issues.set(name, "A whole number");
    if (kind === "number" && !Number.isFinite(Number(text))) issues.set(name, "A number");
  }
  return issues;
}

// The API's 422 per feature (loc ["body", "features", <column>]); anything else under "".
export function issuesFromApi(error: ApiError): Map<string, string> {
  const out = new Map<string, string>();
  for (const issue of error.issues) {
    const loc = issue.loc.filter((p) => p !== "body").map(String);
    const key = loc[0] === "features" && loc[1] ? loc[1] : "";
    out.set(key, out.has(key) ? `${out.get(key)}; ${issue.msg}` : issue.msg);
  }
  return out;
}

// RFC 4180 records (quoted fields, doubled quotes, CRLF or LF), at most `limit` rows after the
// header: enough to preview a batch prediction's result.
export function parseCsv(text: string, limit = 20): { header: string[]; rows: string[][] } {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  let i = 0;
  const endRecord = () => {
    record.push(field);
    field = "";
    if (!(record.length === 1 && record[0] === "")) records.push(record);
    record = [];
  };
  while (i < text.length && records.length <= limit) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      record.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRecord();
    } else field += ch;
    i++;
  }
  if (records.length <= limit && (field !== "" || record.length > 0)) endRecord();
  const [header = [], ...rows] = records;
  return { header, rows: rows.slice(0, limit) };
}

// What the predictions log shows of an answer: the prediction and, for a class, its probability.
export function describeOutput(output: unknown): string {
  if (output === null || output === undefined) return "";
  if (typeof output !== "object") return String(output);
  const o = output as { prediction?: unknown; probabilities?: Record<string, number>; forecast?: unknown[] };
  if (Array.isArray(o.forecast)) return `${o.forecast.length} periods forecast`;
  if (o.prediction === undefined) return JSON.stringify(output);
  const p = typeof o.prediction === "number" ? Number(o.prediction.toPrecision(6)).toString() : String(o.prediction);
  const prob = o.probabilities?.[String(o.prediction)];
  return typeof prob === "number" ? `${p} (${(prob * 100).toFixed(1)}%)` : p;
}
