import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Session, detailOf } from "./session";

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

const pair = (n: number, expires = 100) => ({ access_token: `a${n}`, refresh_token: `r${n}`, token_type: "bearer", expires_in: expires });

describe("Session", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("keeps the tokens in memory only and refreshes before the access token expires", async () => {
    const calls: { url: string; body: string }[] = [];
    let n = 0;
    const fetcher = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      calls.push({ url: String(url), body: String(init?.body) });
      return json(200, pair(++n));
    });
    const s = new Session(fetcher as typeof fetch);
    expect(await s.login("ann", "pw")).toBeNull();
    expect(calls[0]!.url).toBe("/api/v1/login/access-token");
    expect(calls[0]!.body).toContain("username=ann");
    expect(s.accessToken).toBe("a1");
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);

    await vi.advanceTimersByTimeAsync(79_000);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000); // 80% of 100 s
    expect(calls[1]!.url).toBe("/api/v1/refresh");
    expect(calls[1]!.body).toBe("refresh_token=r1");
    expect(s.accessToken).toBe("a2");
  });

  it("shares one refresh among concurrent callers and ends the session when refresh is refused", async () => {
    const fetcher = vi.fn(async (url: RequestInfo | URL) =>
      String(url).endsWith("access-token") ? json(200, pair(1)) : json(401, { detail: "Refresh token was revoked" }),
    );
    const s = new Session(fetcher as typeof fetch);
    await s.login("ann", "pw");
    const seen = vi.fn();
    s.subscribe(seen);
    const [a, b] = await Promise.all([s.refresh(), s.refresh()]);
    expect([a, b]).toEqual([false, false]);
    expect(fetcher).toHaveBeenCalledTimes(2); // login + one refresh
    expect(s.signedIn).toBe(false);
    expect(seen).toHaveBeenCalled();
  });

  it("reports the API's message on a failed login and revokes the refresh token on logout", async () => {
    const bodies: string[] = [];
    const fetcher = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      bodies.push(`${String(url)} ${String(init?.body)}`);
      if (String(url).endsWith("access-token")) {
        return bodies.length === 1 ? json(401, { detail: "Incorrect username or password" }) : json(200, pair(7));
      }
      return json(200, { message: "Logged out" });
    });
    const s = new Session(fetcher as typeof fetch);
    expect(await s.login("ann", "bad")).toBe("Incorrect username or password");
    expect(s.signedIn).toBe(false);
    await s.login("ann", "good");
    s.setActingTenant("t-2");
    await s.logout();
    expect(bodies.at(-1)).toBe("/api/v1/logout refresh_token=r7");
    expect(s.signedIn).toBe(false);
    expect(s.actingTenant).toBeNull();
  });

  it("reads both error shapes", () => {
    expect(detailOf({ detail: "Nope" }, 400)).toBe("Nope");
    expect(detailOf({ detail: [{ loc: ["body", "username"], msg: "Field required" }] }, 422)).toBe("Field required");
    expect(detailOf(null, 502)).toBe("Request failed (502)");
  });
});
