import { ApiError } from "../../api/errors";
import {
  allLocalIssues,
  defaultRoles,
  draftForNewVersion,
  emptyDraft,
  issuesFromApi,
  localIssues,
  rolesForDataset,
  stepOf,
  suggestProblemType,
  toCreateTraining,
  type Draft,
  type SchemaColumn,
} from "./wizard";

const churn: SchemaColumn[] = [
  { column_name: "customer_id", data_type: "String" },
  { column_name: "tenure", data_type: "Integer" },
  { column_name: "monthly_charges", data_type: "Float" },
  { column_name: "signup", data_type: "Date" },
  { column_name: "churned", data_type: "Boolean" },
];
const sales: SchemaColumn[] = [
  { column_name: "store", data_type: "String" },
  { column_name: "day", data_type: "Date" },
  { column_name: "region", data_type: "String" },
  { column_name: "sales", data_type: "Float" },
];

const draft = (change: Partial<Draft>): Draft => ({ ...emptyDraft(), datasetId: 1, predictorName: "churn", ...change });

describe("defaultRoles", () => {
  it("makes an id-like column the Id, the last column the Target and the rest Features", () => {
    expect(defaultRoles(churn)).toEqual({ customer_id: "Id", tenure: "Feature", monthly_charges: "Feature", signup: "Feature", churned: "Target" });
  });

  it("does not make a trailing date the Target", () => {
    const roles = defaultRoles([
      { column_name: "amount", data_type: "Float" },
      { column_name: "when", data_type: "DateTime" },
    ]);
    expect(roles).toEqual({ amount: "Target", when: "Feature" });
  });

  it("for a Forecast: series Id, Timestamp, numeric Target, the rest ignored", () => {
    expect(defaultRoles(sales, "Forecast")).toEqual({ store: "Id", day: "Timestamp", region: "Ignore", sales: "Target" });
  });
});

describe("suggestProblemType", () => {
  it("reads the target's type, and an integer's distinct values", () => {
    expect(suggestProblemType(churn, defaultRoles(churn))).toBe("Classification");
    expect(suggestProblemType(churn, { ...defaultRoles(churn), churned: "Feature", monthly_charges: "Target" })).toBe("Regression");
    const tenureTarget = { ...defaultRoles(churn), churned: "Feature" as const, tenure: "Target" as const };
    expect(suggestProblemType(churn, tenureTarget, () => 3)).toBe("Classification");
    expect(suggestProblemType(churn, tenureTarget, () => 70)).toBe("Regression");
    expect(suggestProblemType(churn, { customer_id: "Id" })).toBe("");
  });
});

describe("localIssues", () => {
  it("needs a dataset and a predictor name", () => {
    const issues = localIssues({ ...emptyDraft() }, [], "dataset");
    expect(issues.get("dataset_id")).toBeDefined();
    expect(issues.get("predictor_name")).toBeDefined();
    expect(localIssues(draft({}), churn, "dataset").size).toBe(0);
  });

  it("needs exactly one Target and at least one Feature", () => {
    expect(localIssues(draft({ roles: { ...defaultRoles(churn), churned: "Feature" } }), churn, "columns").get("columns")).toMatch(/Target/);
    expect(localIssues(draft({ roles: { ...defaultRoles(churn), tenure: "Target" } }), churn, "columns").get("columns")).toMatch(/one column/);
    const noFeatures = { customer_id: "Id", tenure: "Ignore", monthly_charges: "Ignore", signup: "Ignore", churned: "Target" } as const;
    expect(localIssues(draft({ roles: { ...noFeatures } }), churn, "columns").get("columns")).toMatch(/Feature/);
    expect(localIssues(draft({ roles: defaultRoles(churn) }), churn, "columns").size).toBe(0);
  });

  it("refuses a Regression of a Boolean target and a Forecast without a Timestamp", () => {
    expect(localIssues(draft({ roles: defaultRoles(churn), problemType: "Regression" }), churn, "problem").get("problem_type")).toMatch(/Integer or Float/);
    expect(localIssues(draft({ roles: defaultRoles(sales), problemType: "Forecast" }), sales, "problem").get("problem_type")).toMatch(/Timestamp/);
    expect(localIssues(draft({ roles: defaultRoles(sales, "Forecast"), problemType: "Forecast" }), sales, "problem").size).toBe(0);
  });

  it("checks the algorithm, a forecast's frequency and horizon, and hyperparameter ranges", () => {
    const f = draft({ roles: defaultRoles(sales, "Forecast"), problemType: "Forecast", algorithm: "Linear", horizon: "0" });
    const issues = localIssues(f, sales, "algorithm");
    expect(issues.get("algorithm")).toMatch(/not available/);
    expect(issues.get("frequency")).toBeDefined();
    expect(issues.get("horizon")).toMatch(/1 to 1000/);
    const hp = localIssues(draft({ problemType: "Classification", hyperparameters: { max_depth: "2.5", learning_rate: "0", test_size: "0.3" } }), churn, "algorithm");
    expect(hp.get("hyperparameters.max_depth")).toMatch(/whole/);
    expect(hp.get("hyperparameters.learning_rate")).toMatch(/From/);
    expect(hp.has("hyperparameters.test_size")).toBe(false);
  });

  it("collects every step's issues", () => {
    const all = allLocalIssues({ ...emptyDraft() }, churn);
    expect([...all.keys()]).toEqual(expect.arrayContaining(["dataset_id", "predictor_name", "columns", "problem_type"]));
  });
});

describe("toCreateTraining", () => {
  it("sends every column with its role and type, the algorithm, SHAP and the hyperparameters given", () => {
    const body = toCreateTraining(
      draft({ domain: " telco ", predictorName: " churn ", roles: defaultRoles(churn), problemType: "Classification", algorithm: "XGBoost", shap: true, hyperparameters: { max_depth: "4", test_size: "", seed: "7" } }),
      churn,
    );
    expect(body).toEqual({
      dataset_id: 1,
      predictor_name: "churn",
      domain: "telco",
      problem_type: "Classification",
      columns: [
        { column_name: "customer_id", data_type: "String", attribute_name: "Id" },
        { column_name: "tenure", data_type: "Integer", attribute_name: "Feature" },
        { column_name: "monthly_charges", data_type: "Float", attribute_name: "Feature" },
        { column_name: "signup", data_type: "Date", attribute_name: "Feature" },
        { column_name: "churned", data_type: "Boolean", attribute_name: "Target" },
      ],
      algorithm: "XGBoost",
      is_incremental: false,
      shap_enabled: true,
      hyperparameters: { max_depth: 4, seed: 7 },
    });
  });

  it("sends null hyperparameters when none is given, and is_incremental for a new version", () => {
    const body = toCreateTraining(draft({ roles: defaultRoles(churn), problemType: "Classification", incremental: true }), churn);
    expect(body.hyperparameters).toBeNull();
    expect(body.is_incremental).toBe(true);
    expect(body.frequency).toBeUndefined();
  });

  it("sends a Forecast's frequency, horizon, aggregate and fill, never SHAP or incremental, and only its own hyperparameters", () => {
    const body = toCreateTraining(
      draft({
        roles: defaultRoles(sales, "Forecast"),
        problemType: "Forecast",
        frequency: "Day",
        horizon: "14",
        aggregate: "sum",
        fill: "",
        shap: true,
        incremental: true,
        hyperparameters: { season_length: "7", test_size: "0.3" },
      }),
      sales,
    );
    expect(body).toMatchObject({ problem_type: "Forecast", frequency: "Day", horizon: 14, aggregate: "sum", shap_enabled: false, is_incremental: false, hyperparameters: { season_length: 7 } });
    expect(body.fill).toBeUndefined();
    expect(body.columns.find((c) => c.column_name === "day")?.attribute_name).toBe("Timestamp");
  });
});

describe("issuesFromApi and stepOf", () => {
  it("keys 422 issues by field, hyperparameters by their key, and joins several on one field", () => {
    const error = new ApiError(422, "x", [
      { loc: ["body", "predictor_name"], msg: "blank" },
      { loc: ["body", "hyperparameters", "max_depth"], msg: "too deep" },
      { loc: ["body", "dataset_id"], msg: "no column a" },
      { loc: ["body", "dataset_id"], msg: "no column b" },
    ]);
    const issues = issuesFromApi(error, { incremental: false });
    expect(issues.get("predictor_name")).toBe("blank");
    expect(issues.get("hyperparameters.max_depth")).toBe("too deep");
    expect(issues.get("dataset_id")).toBe("no column a; no column b");
  });

  it("puts a 409 on the name (or the new-version choice) and a 404 on the dataset", () => {
    expect(issuesFromApi(new ApiError(409, "A predictor named 'churn' already exists"), { incremental: false }).get("predictor_name")).toMatch(/exists/);
    expect(issuesFromApi(new ApiError(409, "not completed"), { incremental: true }).get("incremental")).toBe("not completed");
    expect(issuesFromApi(new ApiError(404, "Dataset not found"), { incremental: false }).get("dataset_id")).toBe("Dataset not found");
  });

  it("maps each field to the step that shows it", () => {
    expect(stepOf("predictor_name")).toBe("dataset");
    expect(stepOf("columns")).toBe("columns");
    expect(stepOf("problem_type")).toBe("problem");
    expect(stepOf("horizon")).toBe("algorithm");
    expect(stepOf("hyperparameters.max_depth")).toBe("algorithm");
  });
});

describe("a new version", () => {
  it("starts from the predictor's name, problem type and roles, ignoring columns the model did not use", () => {
    const d = draftForNewVersion({ predictor_name: "churn", domain: "telco", problem_type: "Classification" }, [
      { column_name: "customer_id", attribute_name: "Id" },
      { column_name: "tenure", attribute_name: "Feature" },
      { column_name: "churned", attribute_name: "Target" },
    ]);
    expect(d).toMatchObject({ incremental: true, predictorName: "churn", problemType: "Classification", rolesEdited: true });
    expect(rolesForDataset(churn, d)).toEqual({ customer_id: "Id", tenure: "Feature", monthly_charges: "Ignore", signup: "Ignore", churned: "Target" });
  });

  it("gives a fresh draft's columns their defaults", () => {
    expect(rolesForDataset(churn, emptyDraft())).toEqual(defaultRoles(churn));
  });
});
