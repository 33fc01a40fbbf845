// The jobs pages' pure logic: the list request and its answer, timings, what terminate needs.
import type { components } from "../../api/schema";

export type Job = components["schemas"]["Job"];
export type JobStatus = NonNullable<Job["status"]>;

export const STATUSES: JobStatus[] = ["queued", "running", "completed", "failed", "cancelled"];
export const KINDS = ["statistics", "train", "shap", "batch_prediction", "forecast"] as const;

export const KIND_LABELS: Record<string, string> = {
  statistics: "Dataset statistics",
  train: "Training",
  shap: "Feature importance",
  batch_prediction: "Batch prediction",
  forecast: "Forecast",
};

export interface JobList {
  total: number;
  data: Job[];
}

export interface JobQuery {
  skip: number;
  limit: number;
  status?: string;
  kind?: string;
  order_by?: string;
  order?: "asc" | "desc";
}

// GET /api/v1/jobs?skip=&limit=[&status=][&kind=][&order_by=&order=] (tenant_id is added by the client).
export function jobsListPath(q: JobQuery): string {
  const params = new URLSearchParams({ skip: String(q.skip), limit: String(q.limit) });
  if (q.status && (STATUSES as string[]).includes(q.status)) params.set("status", q.status);
  if (q.kind) params.set("kind", q.kind);
  if (q.order_by) params.set("order_by", q.order_by);
  if (q.order) params.set("order", q.order);
  return `/api/v1/jobs?${params}`;
}

// The answer's shape checked, so a server that answers something else shows an error, not a crash.
export function parseJobList(body: unknown): JobList {
  const b = body as { total?: unknown; data?: unknown } | null;
  if (!b || typeof b !== "object" || typeof b.total !== "number" || !Array.isArray(b.data)) {
    throw new Error("The job list came back in an unexpected shape");
  }
  const data = b.data.filter((j): j is Job => typeof j === "object" && j !== null && typeof (j as Job).id === "number");
  return { total: b.total, data };
}

export function isActive(status: string | undefined): boolean {
  return status === "queued" || status === "running";
}

export function anyActive(list: JobList | undefined): boolean {
  return (list?.data ?? []).some((j) => isActive(j.status));
}

const ms = (iso: string | null | undefined): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

// Running time: started → finished, or → now while it runs. Null before it started.
export function runMs(job: Pick<Job, "started_at" | "finished_at" | "status">, now: number): number | null {
  const start = ms(job.started_at);
  if (start === null) return null;
  const end = ms(job.finished_at) ?? (isActive(job.status) ? now : null);
  return end === null ? null : Math.max(0, end - start);
}

// Time in the queue: created → started, or → now (→ finished for a job cancelled while queued).
export function waitMs(job: Pick<Job, "created_at" | "started_at" | "finished_at" | "status">, now: number): number | null {
  const created = ms(job.created_at);
  if (created === null) return null;
  const end = ms(job.started_at) ?? ms(job.finished_at) ?? (isActive(job.status) ? now : null);
  return end === null ? null : Math.max(0, end - created);
}

export function formatDuration(milliseconds: number | null): string {
  if (milliseconds === null) return "—";
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  const s = Math.floor(milliseconds / 1000);
  if (s < 60) return `${(milliseconds / 1000).toFixed(s < 10 ? 1 : 0)} s`;
  const pad = (n: number) => String(n).padStart(2, "0");
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${pad(s % 60)} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${pad(m % 60)} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

// terminate_ray_job's `usage` for a job kind; null for a kind it does not know.
export function terminateUsage(kind: string | undefined): "training" | "statistics" | "shap" | "batch_prediction" | "forecast" | null {
  switch (kind) {
    case "train":
      return "training";
    case "statistics":
    case "shap":
    case "batch_prediction":
    case "forecast":
      return kind;
    default:
      return null;
  }
}

// Where the thing a job works on is shown ("dataset:12" → /datasets/12).
export function subjectLink(subject: string | undefined): { to: string; label: string } | null {
  const m = /^([a-z_]+):(\d+)$/.exec(subject ?? "");
  if (!m) return null;
  const [, what, id] = m;
  if (what === "dataset") return { to: `/datasets/${id}`, label: `Dataset ${id}` };
  if (what === "training") return { to: `/training/${id}`, label: `Training ${id}` };
  return null;
}

export function statusClass(status: string | undefined): string {
  if (status === "completed") return "badge ok";
  if (status === "failed") return "badge bad";
  if (isActive(status)) return "badge run";
  return "badge";
}
