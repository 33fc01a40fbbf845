// The pages the journeys do not pass through, each with a screenshot and axe-core's check:
// dataset overview, statistics (computed) and files; a lake table with its snapshots; the jobs
// list and a job; the forecasts and predict pickers; the templates list.
import { checkPage, expect, login, newTenantUser, test, unique } from "./fixtures";
import type { Page } from "@playwright/test";

// In-app navigation: a full page load would drop the in-memory session.
async function go(page: Page, path: string): Promise<void> {
  await page.evaluate((p) => {
    window.history.pushState({}, "", p);
    window.dispatchEvent(new PopStateEvent("popstate"));
  }, path);
}

function csv(rows: number): string {
  const lines = ["customer,tenure,charges,plan"];
  for (let i = 0; i < rows; i++) lines.push(`c${i},${i % 40},${(20 + (i % 70) * 1.5).toFixed(2)},${["basic", "plus", "pro"][i % 3]}`);
  return lines.join("\n") + "\n";
}

test("every other page renders its content accessibly", async ({ page, api, adminToken }, testInfo) => {
  const user = await newTenantUser(api, adminToken, "admin");
  const token = await api.token(user.username, user.password);
  const table = unique("customers");
  const uploaded = await api.upload<{ dataset_id: number }>(token, "/api/v1/dataset/upload", { dataset_name: unique("ds"), usage: "t", iceberg_table_name: table }, [
    { name: "customers.csv", content: csv(300) },
  ]);
  const started = await api.call<{ job_id?: number; id?: number }>("POST", "/api/v1/dataset/generate_statistics", { token, query: { dataset_id: uploaded.dataset_id } });
  expect(started).toBeTruthy();

  await login(page, user.username, user.password);
  const main = page.getByRole("main");

  await go(page, `/datasets/${uploaded.dataset_id}`);
  await expect(main.getByRole("tab", { name: "Overview" })).toHaveAttribute("aria-selected", "true");
  await checkPage(page, testInfo, "dataset-overview");

  await main.getByRole("tab", { name: "Statistics" }).click();
  // The job finishes in seconds; the page polls until the charts are there.
  await expect(main.locator(".chart canvas").first()).toBeVisible({ timeout: 60_000 });
  await checkPage(page, testInfo, "dataset-statistics");

  await main.getByRole("tab", { name: "Files" }).click();
  await expect(main.getByText("customers.csv").first()).toBeVisible();
  await checkPage(page, testInfo, "dataset-files");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Datalake" }).click();
  await main.getByRole("link", { name: "silver" }).first().click();
  await main.getByRole("link", { name: table }).click();
  await expect(main.getByRole("heading", { name: "Snapshots" })).toBeVisible();
  await expect(main.getByText("append").first()).toBeVisible();
  await checkPage(page, testInfo, "lake-table");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Jobs" }).click();
  const jobLink = main.getByRole("link", { name: /^#\d+$/ }).first();
  await expect(jobLink).toBeVisible();
  await checkPage(page, testInfo, "jobs");
  await jobLink.click();
  await expect(page).toHaveURL(/\/jobs\/\d+/);
  await checkPage(page, testInfo, "job");

  for (const [link, name] of [["Forecasts", "forecasts"], ["Predict", "predict-picker"], ["Templates", "templates"]] as const) {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link }).click();
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await checkPage(page, testInfo, name);
  }
});
