// The admin journey: a tenant admin creates a user and a role, gives the user the role, grants
// the role a permission, and the user (in another browser context) sees it take effect. Also a
// platform superuser's tenant switcher and tenants page.
import type { Page } from "@playwright/test";
import { ADMIN, checkPage, expect, login, newTenantUser, test, unique } from "./fixtures";

// A full page load asks for the password again (tokens live in memory only): open a deep link,
// sign in on the login page it leads to, and land on the link.
async function openAs(page: Page, path: string, username: string, password: string): Promise<void> {
  await page.goto(path);
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`${path.replace(/[?]/g, "\\?")}$`));
}

test("a tenant admin's user, role and permission take effect for that user", async ({ page, browser, api, adminToken }, testInfo) => {
  const admin = await newTenantUser(api, adminToken, "admin");
  const main = page.getByRole("main");
  const nav = page.getByRole("navigation", { name: "Main" });
  await login(page, admin.username, admin.password);

  // A role, with no permissions yet.
  const roleName = unique("analyst");
  await nav.getByRole("link", { name: "Roles & permissions" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Roles & permissions" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Roles" }).getByRole("link", { name: "admin", exact: true })).toBeVisible();
  await checkPage(page, testInfo, "admin-roles");
  await page.getByRole("textbox", { name: "New role" }).fill(roleName);
  await page.getByRole("button", { name: "Create role" }).click();
  await expect(page).toHaveURL(/\/admin\/roles\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: `Role ${roleName}` })).toBeVisible();
  const datalake = page.getByRole("checkbox", { name: /can_view_datalake/ });
  await expect(datalake).not.toBeChecked();
  await checkPage(page, testInfo, "admin-role");

  // A user, given the role.
  const username = unique("bob");
  const password = "Bob-pass-12345";
  await nav.getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Users" })).toContainText(admin.username);
  await checkPage(page, testInfo, "admin-users");
  await main.getByRole("link", { name: "New user" }).click();
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("E-mail").fill(`${username}@example.com`);
  await page.getByLabel("Password").fill(password);
  await page.getByLabel("First name").fill("Bob");
  await checkPage(page, testInfo, "admin-new-user");
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page).toHaveURL(/\/admin\/users\/\d+\?created=1$/);
  await expect(page.getByRole("heading", { level: 1, name: `User ${username}` })).toBeVisible();
  await expect(main.getByText("No roles: this user may do nothing yet.")).toBeVisible();
  await page.getByRole("combobox", { name: "Give a role" }).selectOption({ label: roleName });
  await page.getByRole("button", { name: "Assign" }).click();
  await expect(page.getByRole("list", { name: "Roles held" })).toContainText(roleName);
  await checkPage(page, testInfo, "admin-user");

  // The user logs in elsewhere: without the permission there is no Datalake link, and the page
  // says which permission it takes.
  const other = await browser.newContext();
  const bob = await other.newPage();
  const bobNav = bob.getByRole("navigation", { name: "Main" });
  await openAs(bob, "/lake", username, password);
  await expect(bob.getByText(username, { exact: true })).toBeVisible();
  await expect(bobNav.getByRole("link")).toHaveCount(0);
  await expect(bob.getByRole("note")).toContainText("it takes the can_view_datalake permission");

  // The admin grants the permission to the role.
  await nav.getByRole("link", { name: "Roles & permissions" }).click();
  await page.getByRole("table", { name: "Roles" }).getByRole("link", { name: roleName }).click();
  await datalake.check();
  await expect(datalake).toBeChecked();
  await expect(datalake).toBeEnabled(); // disabled while the grant is under way
  await expect(main.getByRole("listitem").filter({ hasText: "Permissions" })).toHaveText(/Permissions\s*1/);

  // The user's next page load has the link and the datalake.
  await openAs(bob, "/lake", username, password);
  await expect(bobNav.getByRole("link", { name: "Datalake" })).toBeVisible();
  await expect(bobNav.getByRole("link")).toHaveCount(1);
  await expect(bob.getByRole("heading", { name: "Schemas" })).toBeVisible();
  await expect(bob.getByRole("note")).toHaveCount(0);
  await other.close();

  // The admin's datalake and jobs pages.
  await nav.getByRole("link", { name: "Datalake" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Datalake" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Schemas" })).toBeVisible();
  await checkPage(page, testInfo, "lake");
  await nav.getByRole("link", { name: "Jobs" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Jobs" })).toBeVisible();
  await checkPage(page, testInfo, "jobs");
});

test("a platform superuser switches tenants and sees every tenant", async ({ page, api, adminToken }, testInfo) => {
  const tenant = await newTenantUser(api, adminToken, "viewer");
  const tenants = await api.call<{ data: { id: string; name: string }[] }>("GET", "/api/v1/tenants", { token: adminToken, query: { limit: 1000 } });
  const name = tenants.data.find((t) => t.id === tenant.tenantId)!.name;
  await login(page, ADMIN.username, ADMIN.password);
  const switcher = page.getByRole("banner").getByRole("combobox", { name: /^Tenant/ });
  await expect(switcher).toBeEnabled();
  await expect(switcher.getByRole("option", { name })).toHaveCount(1);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Tenants" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Tenants" })).toBeVisible();
  await expect(page.getByRole("main")).toContainText(name);
  await checkPage(page, testInfo, "admin-tenants");

  // Acting in the new tenant: its users are listed.
  await switcher.selectOption({ label: name });
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("table", { name: "Users" })).toContainText(tenant.username);
});
