// Keyboard only: Tab to reach a control, Enter/Space to use it, typing and arrows to choose.
import type { Locator, Page } from "@playwright/test";
import { expect, login, newTenantUser, test, unique } from "./fixtures";

// Presses Tab (or Shift+Tab) until the locator has the focus; fails after `max` presses.
async function tabTo(page: Page, target: Locator, { max = 60, back = false } = {}): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
  }
  await expect(target, `reached with ${max} presses of ${back ? "Shift+Tab" : "Tab"}`).toBeFocused({ timeout: 1 });
}

// The focused element shows the :focus-visible outline (the shared 3px ring).
async function expectFocusRing(target: Locator): Promise<void> {
  await expect(target).toBeFocused();
  const ring = await target.evaluate((el) => {
    const s = getComputedStyle(el);
    return { focusVisible: el.matches(":focus-visible"), style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  expect(ring.focusVisible).toBe(true);
  expect(ring.style).not.toBe("none");
  expect(ring.width).toBeGreaterThanOrEqual(2);
}

test("keyboard only: create a template with a column and save it", async ({ page, api, adminToken }) => {
  const user = await newTenantUser(api, adminToken, "admin");
  await login(page, user.username, user.password);
  const main = page.getByRole("main");

  // From the navigation to the editor.
  const templatesLink = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Templates" });
  await tabTo(page, templatesLink);
  await expectFocusRing(templatesLink);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Templates" })).toBeVisible();
  const newTemplate = main.getByRole("link", { name: "New template" });
  await tabTo(page, newTemplate);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "New template" })).toBeVisible();

  // The name, one column (name and type) and save.
  const name = unique("kb_tpl");
  await tabTo(page, page.getByLabel("Name", { exact: true }));
  await page.keyboard.type(name);
  const add = page.getByRole("button", { name: "Add column" });
  await tabTo(page, add);
  await expectFocusRing(add);
  await page.keyboard.press("Space");
  const columnName = page.getByLabel("Column 1 name");
  await expect(columnName).toBeVisible();
  await tabTo(page, columnName, { back: true });
  await page.keyboard.type("amount");
  await page.keyboard.press("Tab");
  const type = page.getByLabel("Column 1 type");
  await expect(type).toBeFocused();
  await page.keyboard.type("Fl"); // type-ahead picks Float
  await expect(type).toHaveValue("Float");
  const save = page.getByRole("button", { name: "Save template" });
  await tabTo(page, save);
  await expectFocusRing(save);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/templates\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: `Template ${name}` })).toBeVisible();
  await expect(page.getByLabel("Column 1 name")).toHaveValue("amount");
  await expect(page.getByLabel("Column 1 type")).toHaveValue("Float");
  await expect(page.getByLabel("Column 2 name")).toHaveCount(0);
});

test("keyboard only: dataset tabs switch with the arrow keys", async ({ page, api, adminToken }) => {
  const user = await newTenantUser(api, adminToken, "admin");
  const token = await api.token(user.username, user.password);
  const datasetName = unique("kb_data");
  const lines = ["id,amount,label"];
  for (let i = 1; i <= 30; i++) lines.push(`${i},${i * 1.5},${i % 2 ? "odd" : "even"}`);
  await api.upload(token, "/api/v1/dataset/upload", { dataset_name: datasetName, usage: "t" }, [{ name: "kb.csv", content: lines.join("\n") + "\n" }]);

  await login(page, user.username, user.password);
  const link = page.getByRole("main").getByRole("link", { name: datasetName });
  await tabTo(page, link);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: datasetName })).toBeVisible();

  // One tab stop for the tab list: the selected tab; arrows move the selection and the focus.
  const tab = (name: string) => page.getByRole("tab", { name });
  await tabTo(page, tab("Overview"));
  await expectFocusRing(tab("Overview"));
  await expect(tab("Overview")).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("ArrowRight");
  await expect(tab("Validation report")).toBeFocused();
  await expect(tab("Validation report")).toHaveAttribute("aria-selected", "true");
  await expect(page).toHaveURL(/tab=report/);
  await page.keyboard.press("ArrowRight");
  await expect(tab("Preview")).toBeFocused();
  await expect(page).toHaveURL(/tab=preview/);
  await expect(page.getByRole("tabpanel").getByRole("table", { name: `Rows of ${datasetName}` }).locator("tbody tr")).toHaveCount(25);
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft"); // wraps from the first to the last tab
  await expect(tab("Files")).toBeFocused();
  await expect(page).toHaveURL(/tab=files/);
  await page.keyboard.press("ArrowRight");
  await expect(tab("Overview")).toBeFocused();
  await expect(tab("Overview")).toHaveAttribute("aria-selected", "true");

  // Tab leaves the tab list for its panel, not the next tab.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("tabpanel")).toBeFocused();
  await expect(page.getByRole("tabpanel")).toHaveAttribute("aria-labelledby", "tab-overview");
});
