// The login session: the access token and refresh token live in this module's memory only
// (never localStorage or sessionStorage, so a reload asks for the password again). The access token
// is refreshed through /api/v1/refresh before it expires; logout revokes the refresh token.
import type { components } from "../api/schema";

type Token = components["schemas"]["Token"];

export interface SessionTokens {
  access: string;
  refresh: string;
  expiresAt: number; // ms since epoch
}

type Listener = () => void;

// Refresh when this share of the access token's lifetime has passed.
const REFRESH_AT = 0.8;

export class Session {
  private tokens: SessionTokens | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inflight: Promise<boolean> | null = null;
  private readonly listeners = new Set<Listener>();
  // A superuser acting in another tenant; null: the caller's own.
  private tenant: string | null = null;

  constructor(private readonly fetcher: typeof fetch = (...args) => fetch(...args)) {}

  get accessToken(): string | null {
    return this.tokens?.access ?? null;
  }
  get actingTenant(): string | null {
    return this.tenant;
  }
  get signedIn(): boolean {
    return this.tokens !== null;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setActingTenant(tenantId: string | null): void {
    this.tenant = tenantId;
    this.notify();
  }

  // Resolves to null on success, else the API's message.
  async login(username: string, password: string): Promise<string | null> {
    const body = new URLSearchParams({ username, password, grant_type: "password" });
    const r = await this.fetcher("/api/v1/login/access-token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body,
    });
    if (!r.ok) return detailOf(await r.json().catch(() => null), r.status);
    this.accept((await r.json()) as Token);
    return null;
  }

  // Spends the refresh token for a new pair; concurrent callers share one request. False when
  // the session is over (the refresh token was revoked, spent or expired).
  refresh(): Promise<boolean> {
    if (!this.tokens) return Promise.resolve(false);
    if (!this.inflight) {
      const refreshToken = this.tokens.refresh;
      this.inflight = this.fetcher("/api/v1/refresh", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ refresh_token: refreshToken }),
      })
        .then(async (r) => {
          if (!r.ok) {
            if (this.tokens?.refresh === refreshToken) this.clear();
            return false;
          }
          this.accept((await r.json()) as Token);
          return true;
        })
        .catch(() => false)
        .finally(() => {
          this.inflight = null;
        });
    }
    return this.inflight;
  }

  async logout(): Promise<void> {
    const refreshToken = this.tokens?.refresh;
    this.clear();
    if (refreshToken) {
      await this.fetcher("/api/v1/logout", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ refresh_token: refreshToken }),
      }).catch(() => undefined);
    }
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const had = this.tokens !== null;
    this.tokens = null;
    this.tenant = null;
    if (had) this.notify();
  }

  private accept(token: Token): void {
    const lifetimeMs = Math.max(1, token.expires_in) * 1000;
    this.tokens = { access: token.access_token, refresh: token.refresh_token, expiresAt: Date.now() + lifetimeMs };
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), Math.max(1000, lifetimeMs * REFRESH_AT));
    this.notify();
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }
}

export function detailOf(body: unknown, status: number): string {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail) && detail.length > 0) {
    return detail.map((d) => (d as { msg?: string }).msg ?? String(d)).join("; ");
  }
  return `Request failed (${status})`;
}

export const session = new Session();
