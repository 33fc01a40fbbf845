// Two tenants: what tenant A makes (a template, a dataset, a training) is none of tenant B's
// business — B's lists do not show it and A's addresses show B the not-found state.
import { checkPage, expect, login, newTenantUser, test, unique } from "./fixtures";

function csv(rows: number): string {
  const lines = ["customer,tenure,charges,churn"];
  for (let i = 0; i < rows; i++) lines.push(`c${i},${i % 40},${(30 + (i % 50)).toFixed(1)},${i % 40 < 15 ? "yes" : "no"}`);
  return lines.join("\n") + "\n";
}

test("a second tenant sees none of the first tenant's objects", async ({ page, api, adminToken }, testInfo) => {
  const a = await newTenantUser(api, adminToken, "admin");
  const b = await newTenantUser(api, adminToken, "admin");
  const tokenA = await api.token(a.username, a.password);

  const templateName = unique("a_template");
  const template = await api.call<{ id: number }>("POST", "/api/v1/template", {
    token: tokenA,
    json: {
      template_name: templateName,
      template_schema: [
        { column_name: "customer", data_type: "String" },
        { column_name: "tenure", data_type: "Integer" },
        { column_name: "charges", data_type: "Float" },
        { column_name: "churn", data_type: "String" },
      ],
    },
  });
  const datasetName = unique("a_dataset");
  const uploaded = await api.upload<{ dataset_id: number }>(tokenA, "/api/v1/dataset/upload", { dataset_name: datasetName, usage: "t", template_id: template.id }, [
    { name: "a.csv", content: csv(60) },
  ]);
  const predictor = unique("a_predictor");
  const training = await api.call<{ id: number }>("POST", "/api/v1/train", {
    token: tokenA,
    json: {
      dataset_id: uploaded.dataset_id,
      predictor_name: predictor,
      domain: "",
      problem_type: "Classification",
      algorithm: "Linear",
      columns: [
        { column_name: "customer", data_type: "String", attribute_name: "Id" },
        { column_name: "tenure", data_type: "Integer", attribute_name: "Feature" },
        { column_name: "charges", data_type: "Float", attribute_name: "Feature" },
        { column_name: "churn", data_type: "String", attribute_name: "Target" },
      ],
    },
  });

  // A sees its own objects through the API (so their absence for B means something).
  const listA = await api.call<{ total: number }>("GET", "/api/v1/dataset/list", { token: tokenA });
  expect(listA.total).toBe(1);

  await login(page, b.username, b.password);
  const main = page.getByRole("main");
  const nav = page.getByRole("navigation", { name: "Main" });

  await expect(page.getByRole("heading", { level: 1, name: "Datasets" })).toBeVisible();
  await expect(main.getByText("No datasets yet.")).toBeVisible();
  await expect(main).not.toContainText(datasetName);
  await checkPage(page, testInfo, "b-datasets");

  await nav.getByRole("link", { name: "Templates" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Templates" })).toBeVisible();
  await expect(main.getByText("No templates yet.")).toBeVisible();
  await expect(main).not.toContainText(templateName);

  await nav.getByRole("link", { name: "Training" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Training" })).toBeVisible();
  await expect(main.getByText("No trainings yet.")).toBeVisible();
  await expect(main).not.toContainText(predictor);

  // The wizard and the upload form offer none of A's datasets or templates.
  await main.getByRole("link", { name: "Train a model" }).click();
  await expect(main.getByText("No validated datasets yet.")).toBeVisible();
  await nav.getByRole("link", { name: "Datasets" }).click();
  await main.getByRole("link", { name: "Upload dataset" }).click();
  await expect(page.getByLabel("Template").locator("option")).toHaveCount(1);

  // A's addresses, opened in the app by B: the not-found states, none of A's data.
  const go = async (path: string) => {
    await page.evaluate((p) => {
      window.history.pushState({}, "", p);
      window.dispatchEvent(new PopStateEvent("popstate"));
    }, path);
    await expect(page).toHaveURL(new RegExp(`${path.replace(/\?/g, "\\?")}$`));
  };
  await go(`/datasets/${uploaded.dataset_id}?tab=preview`);
  await expect(page.getByRole("heading", { level: 1, name: "Dataset not found" })).toBeVisible();
  await expect(main.getByRole("alert")).toBeVisible();
  await expect(main).not.toContainText(datasetName);
  await expect(page.getByRole("table")).toHaveCount(0);
  await checkPage(page, testInfo, "b-dataset-of-a");

  await go(`/templates/${template.id}`);
  await expect(main.getByRole("alert")).toBeVisible();
  await expect(main).not.toContainText(templateName);

  await go(`/training/${training.id}`);
  await expect(page.getByRole("heading", { level: 1, name: "Training not found" })).toBeVisible();
  await expect(main).not.toContainText(predictor);

  await go(`/predict/${training.id}`);
  await expect(main.getByText(`There is no model ${training.id} in this tenant.`)).toBeVisible();
});
