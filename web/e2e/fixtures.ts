// What every end-to-end test shares: the server's URL as baseURL, an API client to arrange data
// (each test makes its own tenant so tests do not see each other), login through the form, a
// screenshot of each page visited (kept as artifacts), and axe-core's check of each page.
import { test as base, expect, type Page, type TestInfo } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { ADMIN } from "./global-setup";

export interface Api {
  token(username: string, password: string): Promise<string>;
  call<T = unknown>(method: string, path: string, init?: { token?: string; json?: unknown; form?: Record<string, string>; query?: Record<string, string | number> }): Promise<T>;
  upload<T = unknown>(token: string, path: string, query: Record<string, string | number>, files: { name: string; content: string }[]): Promise<T>;
}

function makeApi(baseURL: string): Api {
  const call = async <T,>(method: string, path: string, init: { token?: string; json?: unknown; form?: Record<string, string>; query?: Record<string, string | number> } = {}): Promise<T> => {
    const url = new URL(path, baseURL);
    for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {};
    if (init.token) headers.Authorization = `Bearer ${init.token}`;
    let body: string | undefined;
    if (init.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(init.json);
    } else if (init.form) {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(init.form).toString();
    }
    const r = await fetch(url, { method, headers, body });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path} → ${r.status}: ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  return {
    call,
    async token(username, password) {
      const t = await call<{ access_token: string }>("POST", "/api/v1/login/access-token", { form: { username, password } });
      return t.access_token;
    },
    async upload(token, path, query, files) {
      const url = new URL(path, baseURL);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
      const form = new FormData();
      for (const f of files) form.append("files", new Blob([f.content], { type: "text/csv" }), f.name);
      const r = await fetch(url, { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: form });
      const text = await r.text();
      if (!r.ok) throw new Error(`POST ${path} → ${r.status}: ${text}`);
      return JSON.parse(text);
    },
  };
}

export function unique(prefix: string): string {
  return `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
}

// A fresh tenant with one user holding a built-in role (admin: every permission of the tenant).
export interface TenantUser {
  tenantId: string;
  username: string;
  password: string;
}

export async function newTenantUser(api: Api, adminToken: string, role: "admin" | "data_scientist" | "viewer" = "admin"): Promise<TenantUser> {
  const tenant = await api.call<{ id: string }>("POST", "/api/v1/tenants", { token: adminToken, json: { name: unique("tenant") } });
  const username = unique("ann");
  const password = "Ann-pass-12345";
  const roles = await api.call<{ data: { id: number; name: string }[] }>("GET", "/api/v1/rbac/roles", { token: adminToken, query: { tenant_id: tenant.id, limit: 1000 } });
  const user = await api.call<{ id: number }>("POST", "/api/v1/users/create-user", {
    token: adminToken,
    query: { tenant_id: tenant.id },
    json: { tenant_id: tenant.id, username, password, email: `${username}@example.com`, first_name: "Ann", last_name: "Lee" },
  });
  const builtin = roles.data.find((r) => r.name === role);
  if (!builtin) throw new Error(`no built-in role ${role} in the new tenant`);
  await api.call("POST", `/api/v1/rbac/users/${user.id}/roles`, { token: adminToken, query: { tenant_id: tenant.id }, json: { role_id: builtin.id } });
  return { tenantId: tenant.id, username, password };
}

export async function login(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
}

// A full-page screenshot kept with the test's artifacts, and axe-core's serious and critical
// violations, which fail the test.
export async function checkPage(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.waitForLoadState("networkidle");
  const shot = await page.screenshot({ fullPage: true });
  await testInfo.attach(`${name}.png`, { body: shot, contentType: "image/png" });
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`),
    `axe-core on ${name}`,
  ).toEqual([]);
}

export const test = base.extend<{ api: Api; adminToken: string; cspViolations: string[] }>({
  // eslint-disable-next-line no-empty-pattern
  baseURL: async ({}, use) => use(process.env.DATAML_E2E_URL),
  api: async ({ baseURL }, use) => use(makeApi(baseURL!)),
  adminToken: async ({ api }, use) => use(await api.token(ADMIN.username, ADMIN.password)),
  // Any Content-Security-Policy violation or uncaught page error fails the test.
  cspViolations: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" && /Content Security Policy|Refused to/.test(m.text())) problems.push(m.text());
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      await use(problems);
      expect(problems, "CSP violations and page errors").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect, ADMIN };
