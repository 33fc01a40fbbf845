// The core journey through the UI as a tenant admin: a template, an upload with bad rows and its
// validation report, a clean upload, a training through the wizard, the model page with its
// metrics and confusion matrix, a prediction from the form, and a batch prediction downloaded.
import { readFileSync } from "node:fs";
import { checkPage, expect, login, newTenantUser, test, unique } from "./fixtures";

const HEADER = "customer,tenure,charges,churn";

// A learnable pattern: short tenures churn. Deterministic, so the run does not depend on luck.
function cleanCsv(rows: number): string {
  const lines = [HEADER];
  for (let i = 0; i < rows; i++) {
    const tenure = (i * 7) % 60;
    const charges = (20 + ((i * 13) % 80) + 0.5).toFixed(2);
    lines.push(`c${i},${tenure},${charges},${tenure < 24 ? "yes" : "no"}`);
  }
  return lines.join("\n") + "\n";
}

// 20 rows of which 3 have a tenure that is no integer and 2 charges that are no number.
function badCsv(): string {
  const lines = [HEADER];
  for (let i = 0; i < 20; i++) {
    const tenure = i === 3 || i === 8 || i === 15 ? "abc" : String(i);
    const charges = i === 5 || i === 11 ? "oops" : "42.5";
    lines.push(`b${i},${tenure},${charges},${i < 10 ? "yes" : "no"}`);
  }
  return lines.join("\n") + "\n";
}

test("core journey: template, uploads, training, model page, prediction, batch download", async ({ page, api, adminToken }, testInfo) => {
  test.setTimeout(240_000);
  const user = await newTenantUser(api, adminToken, "admin");
  const main = page.getByRole("main");

  await page.goto("/login");
  await checkPage(page, testInfo, "login");
  await login(page, user.username, user.password);

  // A template.
  const templateName = unique("churn_tpl");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Templates" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Templates" })).toBeVisible();
  await expect(main.getByText("No templates yet")).toBeVisible();
  await checkPage(page, testInfo, "templates");
  await main.getByRole("link", { name: "New template" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "New template" })).toBeVisible();
  await page.getByLabel("Name", { exact: true }).fill(templateName);
  const columns: [string, string][] = [
    ["customer", "String"],
    ["tenure", "Integer"],
    ["charges", "Float"],
    ["churn", "String"],
  ];
  for (const [i, [name, type]] of columns.entries()) {
    await page.getByRole("button", { name: "Add column" }).click();
    await page.getByLabel(`Column ${i + 1} name`).fill(name);
    await page.getByLabel(`Column ${i + 1} type`).selectOption(type);
  }
  await checkPage(page, testInfo, "template-editor");
  await page.getByRole("button", { name: "Save template" }).click();
  await expect(page).toHaveURL(/\/templates\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: `Template ${templateName}` })).toBeVisible();

  // An upload with bad rows: the validation report names the column, the kind and the count.
  const upload = async (datasetName: string, fileName: string, content: string) => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Datasets" }).click();
    await main.getByRole("link", { name: "Upload dataset" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Upload dataset" })).toBeVisible();
    await page.getByLabel("Name", { exact: true }).fill(datasetName);
    await page.getByLabel("Template").selectOption({ label: `${templateName} (4 columns)` });
    await page.getByLabel("Choose CSV files").setInputFiles({ name: fileName, mimeType: "text/csv", buffer: Buffer.from(content) });
    await expect(page.getByRole("list", { name: "Chosen files" })).toContainText(fileName);
  };
  await upload(unique("bad"), "bad.csv", badCsv());
  await checkPage(page, testInfo, "upload");
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page).toHaveURL(/\/datasets\/\d+\?tab=report/);
  const problems = page.getByRole("table", { name: "Problems in bad.csv" });
  await expect(problems).toBeVisible();
  const tenureRow = problems.getByRole("row").filter({ has: page.getByRole("cell", { name: "tenure", exact: true }) });
  await expect(tenureRow.getByRole("cell").nth(1)).toHaveText("Wrong type");
  await expect(tenureRow.getByRole("cell").nth(3)).toHaveText("3");
  const chargesRow = problems.getByRole("row").filter({ has: page.getByRole("cell", { name: "charges", exact: true }) });
  await expect(chargesRow.getByRole("cell").nth(1)).toHaveText("Wrong type");
  await expect(chargesRow.getByRole("cell").nth(3)).toHaveText("2");
  await expect(main.getByText("5 of 20 records rejected")).toBeVisible();
  await checkPage(page, testInfo, "dataset-report");

  // A clean upload opens the dataset's overview; its preview shows the validated rows.
  const cleanName = unique("clean");
  await upload(cleanName, "clean.csv", cleanCsv(200));
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page).toHaveURL(/\/datasets\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: cleanName })).toBeVisible();
  await expect(main.getByRole("status").filter({ hasText: "200 of 200 records are valid" })).toBeVisible();
  const cleanId = Number(/\/datasets\/(\d+)/.exec(page.url())![1]);
  await page.getByRole("tab", { name: "Preview" }).click();
  await expect(page).toHaveURL(/tab=preview/);
  await expect(main.getByText("200 valid rows")).toBeVisible();
  await expect(page.getByRole("table", { name: `Rows of ${cleanName}` }).locator("tbody tr")).toHaveCount(25);
  await checkPage(page, testInfo, "dataset-preview");

  // A binary classification through the wizard (XGBoost, few rounds).
  const predictor = unique("churn");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Training" }).click();
  await expect(main.getByText("No trainings yet")).toBeVisible();
  await main.getByRole("link", { name: "New training" }).click();
  await expect(page.getByRole("heading", { name: "Step 1 of 5: Dataset" })).toBeVisible();
  await page.getByLabel("Dataset", { exact: true }).selectOption(String(cleanId));
  await expect(main.getByText("4 columns: customer (String)")).toBeVisible();
  await page.getByLabel("Predictor name").fill(predictor);
  await checkPage(page, testInfo, "wizard");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Step 2 of 5: Column roles" })).toBeVisible();
  await page.getByLabel("Role of customer").selectOption("Id");
  await expect(page.getByLabel("Role of churn")).toHaveValue("Target");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Step 3 of 5: Problem type" })).toBeVisible();
  await page.getByRole("radio", { name: /Classification/ }).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Step 4 of 5: Algorithm" })).toBeVisible();
  await page.getByRole("radio", { name: /XGBoost/ }).check();
  await page.getByText("Hyperparameters (optional)").click();
  await page.getByLabel("Boosting rounds").fill("20");
  await page.getByLabel("Tree depth").fill("3");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Step 5 of 5: Review & start" })).toBeVisible();
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page).toHaveURL(/\/training\/\d+$/);
  const trainId = Number(/\/training\/(\d+)/.exec(page.url())![1]);

  // The list follows the training until it completes.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Training" }).click();
  const row = page.getByRole("table", { name: "Trainings" }).getByRole("row").filter({ hasText: predictor });
  await expect(row).toBeVisible();
  await expect(row.getByText("completed")).toBeVisible({ timeout: 90_000 });
  await expect(row).toContainText("Accuracy");
  await checkPage(page, testInfo, "training-list");

  // The model page: metrics, and the confusion matrix drawn on a canvas.
  await row.getByRole("link", { name: predictor }).click();
  await expect(page).toHaveURL(new RegExp(`/training/${trainId}$`));
  await expect(page.getByRole("heading", { level: 1, name: `${predictor} v1` })).toBeVisible();
  const metrics = page.getByRole("list", { name: "Metrics" });
  await expect(metrics).toContainText("Accuracy");
  await expect(metrics).toContainText("ROC AUC");
  await checkPage(page, testInfo, "model-overview");
  await page.getByRole("tab", { name: "Evaluation" }).click();
  await expect(page).toHaveURL(/tab=evaluation/);
  const matrix = page.getByRole("img", { name: /Confusion matrix of 2 classes/ });
  await expect(matrix).toBeVisible();
  await expect(matrix.locator("canvas").first()).toBeVisible();
  await checkPage(page, testInfo, "model-evaluation");

  // A prediction from the form: the answer and the class probabilities.
  await main.getByRole("link", { name: "Predict", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/predict/${trainId}`));
  await expect(page.getByRole("heading", { level: 1, name: `Predict with ${predictor} v1` })).toBeVisible();
  await page.getByLabel("tenure", { exact: true }).fill("3");
  await page.getByLabel("charges", { exact: true }).fill("70.5");
  await page.getByRole("button", { name: "Predict", exact: true }).click();
  const answer = page.getByRole("region", { name: "Prediction", exact: true });
  await expect(answer).toContainText("churn");
  await expect(answer.locator("strong")).toHaveText("yes");
  await expect(answer).toContainText(/with probability \d+\.\d%/);
  await expect(page.getByRole("img", { name: /Class probabilities: .*yes \d/ }).locator("canvas").first()).toBeVisible();
  await checkPage(page, testInfo, "predict");

  // A batch prediction on the clean dataset, followed until it completes, then downloaded.
  await page.getByRole("tab", { name: "Batch" }).click();
  await expect(page).toHaveURL(/tab=batch/);
  await page.getByLabel("Dataset", { exact: true }).selectOption(String(cleanId));
  await page.getByRole("button", { name: "Start batch prediction" }).click();
  await expect(page).toHaveURL(/prediction=\d+/);
  const downloadButton = page.getByRole("button", { name: "Download the result (CSV)" });
  await expect(downloadButton).toBeVisible({ timeout: 90_000 });
  await expect(page.getByRole("list", { name: "Result" })).toContainText("Rows predicted");
  await expect(page.getByRole("table", { name: "First rows of the result" })).toBeVisible();
  await checkPage(page, testInfo, "batch");
  const [download] = await Promise.all([page.waitForEvent("download"), downloadButton.click()]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const text = readFileSync((await download.path())!, "utf8");
  const lines = text.trim().split(/\r?\n/);
  expect(lines[0]).toContain("customer");
  expect(lines.length).toBe(201);
  testInfo.annotations.push({ type: "batch result", description: `${lines.length - 1} rows; header: ${lines[0]}` });
});
