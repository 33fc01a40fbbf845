// Trainings as the console reads them: the list (paged, or all of it), one training by id, the
// versions of a predictor, and what a status means. Shared by the training, predict and
// forecasts pages.
import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";

export type Training = components["schemas"]["Training"];
export type ModelSummary = components["schemas"]["ModelSummary"];
export type TrainStatus = NonNullable<Training["train_status"]>;

// The model summary with the fields another change adds to the API (not in the generated types
// yet): ROC/PR points of a two-class model and holdout residuals of a regressor. Either may be
// absent; read them with readCurves/readResiduals.
// The chart points are read defensively (src/charts/modelEvaluation.ts): summaries stored before
// they existed have none.
export interface ModelSummaryWithCurves extends Omit<ModelSummary, "curves" | "residuals"> {
  curves?: unknown;
  residuals?: unknown;
}

export const ACTIVE_STATUSES: TrainStatus[] = ["submitted", "running"];

export function isActive(t: Pick<Training, "train_status">): boolean {
  return ACTIVE_STATUSES.includes(t.train_status as TrainStatus);
}

export function isCompleted(t: Pick<Training, "train_status">): boolean {
  return t.train_status === "completed";
}

// Every training of the tenant, newest first. The API has no "get one training" or filter, so
// the model page and the version list read the whole list, a thousand at a time.
export const PAGE_LIMIT = 1000;
export async function fetchAllTrainings(): Promise<Training[]> {
  const out: Training[] = [];
  for (let skip = 0; ; skip += PAGE_LIMIT) {
    const page = await unwrap(api.GET("/api/v1/train/list", { params: { query: { skip, limit: PAGE_LIMIT } } }));
    const rows = page.data ?? [];
    out.push(...rows);
    if (rows.length < PAGE_LIMIT || out.length >= (page.total ?? 0)) return out;
  }
}

export const trainingKeys = {
  all: ["trainings", "all"] as const,
  page: (skip: number, size: number, sort = "") => ["trainings", "page", skip, size, sort] as const,
  summary: (id: number) => ["training", id, "summary"] as const,
  importance: (id: number) => ["training", id, "importance"] as const,
};

// A predictor's versions: the trainings sharing its name (ignoring case, as the API compares
// names), oldest version first.
export function versionsOf(all: Training[], predictorName: string): Training[] {
  const key = predictorName.toLowerCase();
  return all
    .filter((t) => (t.predictor_name ?? "").toLowerCase() === key)
    .sort((a, b) => (a.version ?? 0) - (b.version ?? 0) || (a.id ?? 0) - (b.id ?? 0));
}

// The metric a list shows for a training: accuracy (Classification), RMSE (Regression), MASE
// (Forecast), from the list's metrics once completed.
export function headlineMetric(t: Training): { name: string; value: number } | null {
  const m = (t.metrics ?? {}) as Record<string, unknown>;
  const pick = (name: string, key: string) => (typeof m[key] === "number" ? { name, value: m[key] as number } : null);
  if (t.problem_type === "Classification") return typeof t.accuracy === "number" ? { name: "Accuracy", value: t.accuracy } : pick("Accuracy", "accuracy");
  if (t.problem_type === "Regression") return pick("RMSE", "rmse");
  if (t.problem_type === "Forecast") return pick("MASE", "mase");
  return null;
}

export function statusTone(status: string | undefined): "ok" | "bad" | "run" | "" {
  switch (status) {
    case "completed":
      return "ok";
    case "failed":
    case "terminated":
      return "bad";
    case "submitted":
    case "running":
      return "run";
    default:
      return "";
  }
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
