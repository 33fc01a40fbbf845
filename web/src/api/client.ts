// The typed API client: openapi-fetch over the paths generated from api/openapi.json
// (npm run gen:api), so a request or response that drifts from the API fails the type check.
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";
import { session as defaultSession, type Session } from "../auth/session";
import { ApiError } from "./errors";

// Paths that take no tenant_id: authentication and the platform-level tenants.
const TENANTLESS = /^\/api\/v1\/(login|refresh|logout|reset-password|validate-token|tenants|utils)/;

export function authMiddleware(session: Session, fetcher: typeof fetch = (...a) => fetch(...a)): Middleware {
  const retries = new WeakMap<Request, () => Request>();
  return {
    async onRequest({ request }) {
      const url = new URL(request.url);
      const tenant = session.actingTenant;
      if (tenant && url.pathname.startsWith("/api/v1/") && !TENANTLESS.test(url.pathname) && !url.searchParams.has("tenant_id")) {
        url.searchParams.set("tenant_id", tenant);
      }
      // The body is read into a buffer: a Request re-wrapped around another's body would send
      // it as a stream, which Chromium refuses over HTTP/1.1; the buffer also serves a retry.
      const body = request.body === null ? null : await request.arrayBuffer();
      const build = (token: string | null) => {
        const headers = new Headers(request.headers);
        if (token) headers.set("Authorization", `Bearer ${token}`);
        return new Request(url, { method: request.method, headers, body, signal: request.signal });
      };
      const next = build(session.accessToken);
      retries.set(next, () => build(session.accessToken));
      return next;
    },
    async onResponse({ request, response }) {
      // An access token that expired while the machine slept: refresh once and repeat.
      const again = retries.get(request);
      if (response.status !== 401 || !again || !session.signedIn) return response;
      if (!(await session.refresh())) return response;
      return fetcher(again());
    },
  };
}

export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? "http://localhost" });
api.use(authMiddleware(defaultSession));

// Unwraps an openapi-fetch result: the data, or an ApiError carrying the API's detail.
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok || data === undefined) throw ApiError.from(response.status, error);
  return data;
}

// Authorized fetch for what the typed client does not cover (downloads as blobs).
export async function authorizedFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const url = new URL(path, globalThis.location?.origin ?? "http://localhost");
  const tenant = defaultSession.actingTenant;
  if (tenant && !url.searchParams.has("tenant_id")) url.searchParams.set("tenant_id", tenant);
  const send = () => {
    const headers = new Headers(init.headers);
    if (defaultSession.accessToken) headers.set("Authorization", `Bearer ${defaultSession.accessToken}`);
    return fetch(url, { ...init, headers });
  };
  let response = await send();
  if (response.status === 401 && (await defaultSession.refresh())) response = await send();
  if (!response.ok) throw ApiError.from(response.status, await response.json().catch(() => null));
  return response;
}

// Saves a download through an object URL (the API needs the Authorization header).
export async function download(path: string, fallbackName: string): Promise<void> {
  const response = await authorizedFetch(path);
  const disposition = response.headers.get("content-disposition") ?? "";
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// The fields a list endpoint sorts by (its order_by enum in /openapi.json).
export type OrderBy<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } }
  ? Q extends { order_by?: infer F } ? NonNullable<F> : never
  : never;
