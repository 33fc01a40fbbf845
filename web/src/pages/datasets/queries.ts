// The dataset area's server state: one query key per thing, so a change invalidates exactly
// what shows it.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";

export const keys = {
  list: ["datasets"] as const,
  dataset: (id: number) => ["dataset", id] as const,
  files: (id: number) => ["dataset", id, "files"] as const,
  file: (fileId: number) => ["file", fileId] as const,
  preview: (id: number, skip: number, limit: number, sort = "") => ["dataset", id, "preview", skip, limit, sort] as const,
  statistics: (id: number) => ["dataset", id, "statistics"] as const,
  lines: (fileId: number, want: string) => ["file", fileId, "lines", want] as const,
};

export function useDataset(id: number) {
  return useQuery({
    queryKey: keys.dataset(id),
    queryFn: () => unwrap(api.GET("/api/v1/dataset/get_dataset_by_id", { params: { query: { dataset_id: id } } })),
    enabled: Number.isInteger(id),
  });
}

export function useFiles(id: number) {
  return useQuery({
    queryKey: keys.files(id),
    queryFn: () => unwrap(api.GET("/api/v1/files/list", { params: { query: { dataset_id: id } } })),
    enabled: Number.isInteger(id),
  });
}

export function datasetPath(id: number, tab?: string, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ ...(tab ? { tab } : {}), ...extra }).toString();
  return `/datasets/${id}${q ? `?${q}` : ""}`;
}

export function linesPath(datasetId: number, fileId: number, rows?: string): string {
  return `/datasets/${datasetId}/files/${fileId}/lines${rows ? `?rows=${rows}` : ""}`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
