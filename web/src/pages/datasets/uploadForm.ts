// The upload form's fields, the query POST /api/v1/dataset/upload takes from them, and the
// API's refusals keyed by the field they belong beside.
import { ApiError } from "../../api/errors";

export interface UploadFields {
  dataset_name: string;
  usage: "t" | "p";
  template_id: string; // "" = infer the schema from the first file
  iceberg_table_name: string; // "" = not appended to the lake
}

export type UploadField = keyof UploadFields | "files";

export function toUploadParams(f: UploadFields): Record<string, string | number | undefined> {
  return {
    dataset_name: f.dataset_name.trim(),
    usage: f.usage,
    template_id: f.template_id === "" ? undefined : Number(f.template_id),
    iceberg_table_name: f.iceberg_table_name.trim() === "" ? undefined : f.iceberg_table_name.trim(),
  };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

// What the browser can tell before sending the files (the server checks all of it again).
export function localUploadIssues(f: UploadFields, files: { name: string; size: number }[], needFiles = true): Map<UploadField, string> {
  const issues = new Map<UploadField, string>();
  if (!f.dataset_name.trim()) issues.set("dataset_name", "Give the dataset a name");
  else if (new TextEncoder().encode(f.dataset_name.trim()).length > 255) issues.set("dataset_name", "The name is longer than 255 bytes");
  const lake = f.iceberg_table_name.trim();
  if (lake && !IDENTIFIER.test(lake)) issues.set("iceberg_table_name", "A letter or '_' first, then letters, digits or '_' (at most 128)");
  if (lake && f.template_id === "") issues.set("iceberg_table_name", "Appending to a lake table needs a template");
  if (needFiles && files.length === 0) issues.set("files", "Choose at least one CSV file");
  else {
    const empty = files.find((file) => file.size === 0);
    if (empty) issues.set("files", `${empty.name} is empty`);
  }
  return issues;
}

const FIELDS: UploadField[] = ["dataset_name", "usage", "template_id", "iceberg_table_name", "files"];

// The API's answer as field messages; what names no field goes under "" (shown above the button).
export function uploadIssues(error: unknown): Map<UploadField | "", string> {
  const out = new Map<UploadField | "", string>();
  if (!(error instanceof ApiError)) {
    out.set("", error instanceof Error ? error.message : String(error));
    return out;
  }
  if (error.issues.length > 0) {
    for (const issue of error.issues) {
      const field = issue.loc.map(String).find((p): p is UploadField => (FIELDS as string[]).includes(p));
      const key = field ?? "";
      out.set(key, out.has(key) ? `${out.get(key)}; ${issue.msg}` : issue.msg);
    }
    return out;
  }
  if (error.status === 409) out.set(/lake table/i.test(error.message) ? "iceberg_table_name" : "dataset_name", error.message);
  else if (error.status === 404 && /template/i.test(error.message)) out.set("template_id", error.message);
  else if (error.status === 413 || error.status === 400) out.set("files", error.message);
  else out.set("", error.message);
  return out;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

// Files dropped or picked again are added once (same name, size and date).
export function mergeFiles<F extends { name: string; size: number; lastModified: number }>(current: F[], added: F[]): F[] {
  const key = (f: F) => `${f.name}|${f.size}|${f.lastModified}`;
  const seen = new Set(current.map(key));
  const out = [...current];
  for (const f of added) {
    if (!seen.has(key(f))) {
      seen.add(key(f));
      out.push(f);
    }
  }
  return out;
}

// 0..1 for the progress bar; undefined while the size is unknown.
export function fraction(loaded: number, total: number): number | undefined {
  if (total <= 0) return undefined;
  return Math.min(1, Math.max(0, loaded / total));
}
