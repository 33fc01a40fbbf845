// The console's shell: login, the served assets and headers, logout revoking the session.
import { ADMIN, checkPage, expect, test } from "./fixtures";

test("login, the shell, and logout revokes the session", async ({ page }, testInfo) => {
  await page.goto("/training");
  await expect(page).toHaveURL(/\/login\?next=%2Ftraining/);
  await checkPage(page, testInfo, "login");

  await page.getByLabel("User name").fill(ADMIN.username);
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("Incorrect username or password");

  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/training$/);
  // No token is ever written to web storage.
  expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);

  let refreshToken = "";
  page.on("request", (r) => {
    if (r.url().endsWith("/api/v1/logout")) refreshToken = new URLSearchParams(r.postData() ?? "").get("refresh_token") ?? "";
  });
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);
  expect(refreshToken).not.toBe("");
  const reuse = await page.request.post("/api/v1/refresh", { form: { refresh_token: refreshToken } });
  expect(reuse.status()).toBe(401);
});

test("the console is served with a strict CSP, cached assets and a client-side route fallback", async ({ page, request }) => {
  const index = await request.get("/");
  expect(index.status()).toBe(200);
  const csp = index.headers()["content-security-policy"] ?? "";
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("default-src 'self'");
  expect(index.headers()["cache-control"]).toContain("no-cache");
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(await index.text())?.[1];
  expect(script).toBeDefined();
  const asset = await request.get(script!);
  expect(asset.headers()["cache-control"]).toContain("immutable");

  const deep = await page.goto("/datasets/12345?tab=preview");
  expect(deep?.status()).toBe(200);
  await expect(page).toHaveURL(/\/login\?next=/);
  const api404 = await request.get("/api/v1/nope", { headers: { Accept: "text/html" } });
  expect(api404.status()).toBe(404);
  expect(await api404.json()).toEqual({ detail: "Not Found" });
});

test("keyboard only: log in and reach a page through the navigation", async ({ page }) => {
  await page.goto("/login");
  await page.keyboard.type(ADMIN.username); // the user name field has focus on load
  await page.keyboard.press("Tab");
  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  const templates = page.getByRole("link", { name: "Templates" });
  await templates.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Templates" })).toBeVisible();
});

