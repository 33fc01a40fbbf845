// The template editor's rows and what the API takes from them.
import type { components } from "../../api/schema";

export type DataType = components["schemas"]["DataType"];
export const DATA_TYPES: DataType[] = ["String", "Integer", "Float", "Boolean", "Date", "DateTime"];

export interface ColumnRow {
  key: number; // stable React key across reorders and deletions
  column_name: string;
  data_type: DataType;
  default_value: string; // "" means no default
}

export function toInput(name: string, rows: ColumnRow[]): components["schemas"]["TemplateInput"] {
  return {
    template_name: name,
    template_schema: rows.map((r) => ({
      column_name: r.column_name,
      data_type: r.data_type,
      default_value: r.default_value === "" ? null : r.default_value,
    })),
  };
}

export function fromDetail(columns: components["schemas"]["TemplateColumn"][], nextKey: () => number): ColumnRow[] {
  return columns.map((c) => ({
    key: nextKey(),
    column_name: c.column_name,
    data_type: c.data_type,
    default_value: c.default_value ?? "",
  }));
}

// Checks the browser can make before asking the server (which checks everything again).
export function localIssues(name: string, rows: ColumnRow[]): Map<string, string> {
  const issues = new Map<string, string>();
  if (!name.trim()) issues.set("template_name", "Give the template a name");
  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    const n = r.column_name.trim().toLowerCase();
    if (!n) issues.set(`${i}.column_name`, "Give the column a name");
    else if (seen.has(n)) issues.set(`${i}.column_name`, `Same name as column ${seen.get(n)! + 1}`);
    else seen.set(n, i);
  });
  return issues;
}
