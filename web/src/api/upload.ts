// Multipart uploads with progress: fetch cannot report upload progress, XMLHttpRequest can.
import { session } from "../auth/session";
import { ApiError } from "./errors";

export interface UploadProgress {
  loaded: number;
  total: number;
}

export function uploadFiles<T>(
  path: string,
  params: Record<string, string | number | undefined>,
  files: File[],
  onProgress: (p: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<T> {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") url.searchParams.set(k, String(v));
  const tenant = session.actingTenant;
  if (tenant && !url.searchParams.has("tenant_id")) url.searchParams.set("tenant_id", tenant);
  const form = new FormData();
  for (const f of files) form.append("files", f, f.name);

  const send = (): Promise<{ status: number; body: unknown }> =>
    new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      if (session.accessToken) xhr.setRequestHeader("Authorization", `Bearer ${session.accessToken}`);
      xhr.responseType = "json";
      xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : 0 });
      xhr.onload = () => resolve({ status: xhr.status, body: xhr.response });
      xhr.onerror = () => reject(new ApiError(0, "The upload failed: the server could not be reached"));
      xhr.onabort = () => reject(new ApiError(0, "The upload was cancelled"));
      signal?.addEventListener("abort", () => xhr.abort());
      xhr.send(form);
    });

  return send().then(async (r) => {
    if (r.status === 401 && (await session.refresh())) r = await send();
    if (r.status < 200 || r.status >= 300) throw ApiError.from(r.status, r.body);
    return r.body as T;
  });
}
