// The training wizard's draft, its steps, the roles it proposes for a dataset's columns, the
// checks it makes before asking the server, and the request it sends (POST /api/v1/train).
import type { components } from "../../api/schema";
import type { ApiError } from "../../api/errors";

export type CreateTraining = components["schemas"]["CreateTraining"];
export type Role = components["schemas"]["TrainingColumnInput"]["attribute_name"];
export type ProblemType = CreateTraining["problem_type"];
export type Algorithm = NonNullable<CreateTraining["algorithm"]>;
export type Frequency = NonNullable<CreateTraining["frequency"]>;

export interface SchemaColumn {
  column_name: string;
  data_type: string;
}

export const ROLES: Role[] = ["Feature", "Target", "Id", "Timestamp", "Ignore"];
export const PROBLEM_TYPES: ProblemType[] = ["Classification", "Regression", "Forecast"];
export const FREQUENCIES: Frequency[] = ["Hour", "Day", "Week", "Month", "Quarter", "Year"];
export const AGGREGATES = ["sum", "mean", "last"] as const;
export const FILLS = ["zero", "previous", "linear"] as const;
export const DEFAULT_ALGORITHMS: Record<ProblemType, Algorithm[]> = {
  Classification: ["auto", "XGBoost", "RandomForest", "Linear"],
  Regression: ["auto", "XGBoost", "RandomForest", "Linear"],
  Forecast: ["auto", "SeasonalNaive", "ETS", "Theta", "XGBoost", "Ensemble"],
};

export const STEPS = [
  { id: "dataset", label: "Dataset" },
  { id: "columns", label: "Column roles" },
  { id: "problem", label: "Problem type" },
  { id: "algorithm", label: "Algorithm" },
  { id: "review", label: "Review & start" },
] as const;
export type StepId = (typeof STEPS)[number]["id"];

// Hyperparameters the wizard offers (the API takes more; these are the common ones).
export interface HyperparameterField {
  key: string;
  label: string;
  integer: boolean;
  min: number;
  max: number;
  hint: string;
  forecast?: boolean; // only for Forecast
  model?: boolean; // only for Classification and Regression
}
export const HYPERPARAMETERS: HyperparameterField[] = [
  { key: "num_boost_round", label: "Boosting rounds", integer: true, min: 1, max: 5000, hint: "Default 100" },
  { key: "max_depth", label: "Tree depth", integer: true, min: 1, max: 16, hint: "Default 6" },
  { key: "learning_rate", label: "Learning rate", integer: false, min: 0, max: 1, hint: "Default 0.3 (Forecast's booster 0.1)" },
  { key: "test_size", label: "Holdout share", integer: false, min: 0.05, max: 0.5, hint: "Default 0.2", model: true },
  { key: "seed", label: "Seed", integer: true, min: 0, max: 2147483647, hint: "Default 42" },
  { key: "season_length", label: "Season length", integer: true, min: 1, max: 1000, hint: "Periods to a season (default from the frequency)", forecast: true },
  { key: "backtest_windows", label: "Backtest windows", integer: true, min: 1, max: 20, hint: "Default 3", forecast: true },
];

export function hyperparametersFor(problem: ProblemType | ""): HyperparameterField[] {
  return HYPERPARAMETERS.filter((h) => (problem === "Forecast" ? !h.model : !h.forecast));
}

export interface Draft {
  datasetId: number | null;
  predictorName: string;
  domain: string;
  incremental: boolean;
  roles: Record<string, Role>;
  rolesEdited: boolean; // the user changed a role: a new problem type no longer resets them
  problemType: ProblemType | "";
  algorithm: Algorithm;
  shap: boolean;
  frequency: Frequency | "";
  horizon: string;
  aggregate: string;
  fill: string;
  hyperparameters: Record<string, string>;
}

export function emptyDraft(): Draft {
  return {
    datasetId: null,
    predictorName: "",
    domain: "",
    incremental: false,
    roles: {},
    rolesEdited: false,
    problemType: "",
    algorithm: "auto",
    shap: false,
    frequency: "",
    horizon: "",
    aggregate: "",
    fill: "",
    hyperparameters: {},
  };
}

const isTime = (t: string) => /^date(time)?$/i.test(t);
const isNumeric = (t: string) => /^(integer|float)$/i.test(t);
const looksLikeId = (name: string) => /(^id$|[_\s-]id$|^id[_\s-]|[a-z]Id$|ID$|^uuid$|^key$)/.test(name);

// Roles a dataset's columns start with. Classification/Regression: an id-like column is the Id,
// the last column that is not an Id or a time is the Target, everything else a Feature (dates
// too: the model reads their parts). Forecast: an id-like (else the first text) column is the
// series Id, the first date the Timestamp, the last number the Target, the rest ignored (a
// forecast has no future values of other columns).
export function defaultRoles(schema: SchemaColumn[], problem: ProblemType | "" = ""): Record<string, Role> {
  const roles: Record<string, Role> = {};
  const names = schema.map((c) => c.column_name);
  if (problem === "Forecast") {
    for (const n of names) roles[n] = "Ignore";
    const timestamp = schema.find((c) => isTime(c.data_type));
    const target = [...schema].reverse().find((c) => isNumeric(c.data_type) && c !== timestamp && !looksLikeId(c.column_name));
    const id =
      schema.find((c) => looksLikeId(c.column_name) && c !== target && c !== timestamp && !isTime(c.data_type)) ??
      schema.find((c) => /^string$/i.test(c.data_type) && c !== target);
    if (timestamp) roles[timestamp.column_name] = "Timestamp";
    if (target) roles[target.column_name] = "Target";
    if (id) roles[id.column_name] = "Id";
    return roles;
  }
  for (const n of names) roles[n] = "Feature";
  const id = schema.find((c) => looksLikeId(c.column_name) && !isTime(c.data_type) && !/^(float|boolean)$/i.test(c.data_type));
  if (id) roles[id.column_name] = "Id";
  const target = [...schema].reverse().find((c) => c !== id && !isTime(c.data_type));
  if (target) roles[target.column_name] = "Target";
  return roles;
}

// The problem type a target suggests: text, booleans and integers with few distinct values are
// classes; other numbers a regression. `distinct` is the count of distinct values in a sample.
export function suggestProblemType(schema: SchemaColumn[], roles: Record<string, Role>, distinct?: (column: string) => number | undefined): ProblemType | "" {
  const target = schema.find((c) => roles[c.column_name] === "Target");
  if (!target) return "";
  if (/^(string|boolean)$/i.test(target.data_type)) return "Classification";
  if (/^float$/i.test(target.data_type)) return "Regression";
  if (/^integer$/i.test(target.data_type)) {
    const n = distinct?.(target.column_name);
    return n !== undefined && n <= 10 ? "Classification" : "Regression";
  }
  return "";
}

// The issues the browser can find before asking the server, per step, keyed as the API's loc
// names the field ("predictor_name", "columns", "hyperparameters.max_depth", ...).
export function localIssues(draft: Draft, schema: SchemaColumn[], step: StepId, algorithms?: Record<string, string[]>): Map<string, string> {
  const issues = new Map<string, string>();
  const roleOf = (c: SchemaColumn) => draft.roles[c.column_name] ?? "Feature";
  const withRole = (r: Role) => schema.filter((c) => roleOf(c) === r);
  const problem = draft.problemType;
  if (step === "dataset") {
    if (draft.datasetId === null) issues.set("dataset_id", "Choose a dataset");
    if (!draft.predictorName.trim()) issues.set("predictor_name", draft.incremental ? "Name the predictor to continue" : "Give the predictor a name");
    else if (draft.predictorName.length > 255) issues.set("predictor_name", "At most 255 characters");
    if (draft.domain.length > 255) issues.set("domain", "At most 255 characters");
  }
  if (step === "columns") {
    const targets = withRole("Target");
    if (targets.length !== 1) issues.set("columns", targets.length === 0 ? "Choose the Target column (what the model predicts)" : "Only one column can be the Target");
    else if (withRole("Id").length > 1) issues.set("columns", "At most one Id column");
    else if (withRole("Timestamp").length > 1) issues.set("columns", "At most one Timestamp column");
    else if (problem !== "Forecast" && withRole("Feature").length === 0) issues.set("columns", "At least one column must be a Feature");
  }
  if (step === "problem") {
    const target = withRole("Target")[0];
    if (!problem) issues.set("problem_type", "Choose a problem type");
    else if (problem === "Regression" && target && !isNumeric(target.data_type)) issues.set("problem_type", `A Regression target must be an Integer or Float column; ${target.column_name} is ${target.data_type}`);
    else if (problem === "Forecast") {
      const ts = withRole("Timestamp");
      if (ts.length !== 1 || !isTime(ts[0]!.data_type)) issues.set("problem_type", "A Forecast needs one Timestamp column (Date or DateTime): set it on the column roles step");
      else if (target && !isNumeric(target.data_type)) issues.set("problem_type", `A Forecast target must be an Integer or Float column; ${target.column_name} is ${target.data_type}`);
    }
  }
  if (step === "algorithm") {
    const allowed = problem ? (algorithms?.[problem] ?? DEFAULT_ALGORITHMS[problem]) : [];
    if (problem && !allowed.includes(draft.algorithm)) issues.set("algorithm", `${draft.algorithm} is not available for ${problem}`);
    if (problem === "Forecast") {
      if (!draft.frequency) issues.set("frequency", "Choose the series' frequency");
      const h = Number(draft.horizon);
      if (!draft.horizon.trim()) issues.set("horizon", "How many periods ahead to forecast");
      else if (!Number.isInteger(h) || h < 1 || h > 1000) issues.set("horizon", "A whole number from 1 to 1000");
    }
    for (const f of hyperparametersFor(problem)) {
      const raw = (draft.hyperparameters[f.key] ?? "").trim();
      if (!raw) continue;
      const n = Number(raw);
      if (!Number.isFinite(n)) issues.set(`hyperparameters.${f.key}`, "A number");
      else if (f.integer && !Number.isInteger(n)) issues.set(`hyperparameters.${f.key}`, "A whole number");
      else if (n < f.min || n > f.max || (f.key === "learning_rate" && n <= 0)) issues.set(`hyperparameters.${f.key}`, `From ${f.min} to ${f.max}`);
    }
  }
  return issues;
}

export function allLocalIssues(draft: Draft, schema: SchemaColumn[], algorithms?: Record<string, string[]>): Map<string, string> {
  const all = new Map<string, string>();
  for (const s of STEPS) for (const [k, v] of localIssues(draft, schema, s.id, algorithms)) all.set(k, v);
  return all;
}

export function toCreateTraining(draft: Draft, schema: SchemaColumn[]): CreateTraining {
  const problem = draft.problemType as ProblemType;
  const hyperparameters: Record<string, number> = {};
  for (const f of hyperparametersFor(problem)) {
    const raw = (draft.hyperparameters[f.key] ?? "").trim();
    if (raw !== "" && Number.isFinite(Number(raw))) hyperparameters[f.key] = Number(raw);
  }
  const body: CreateTraining = {
    dataset_id: draft.datasetId!,
    predictor_name: draft.predictorName.trim(),
    domain: draft.domain.trim(),
    problem_type: problem,
    // Every column with its role, so nothing is left to the API's "unlisted is a Feature".
    columns: schema.map((c) => ({ column_name: c.column_name, data_type: c.data_type, attribute_name: draft.roles[c.column_name] ?? "Feature" })),
    algorithm: draft.algorithm,
    is_incremental: problem !== "Forecast" && draft.incremental,
    shap_enabled: problem !== "Forecast" && draft.shap,
    hyperparameters: Object.keys(hyperparameters).length > 0 ? (hyperparameters as CreateTraining["hyperparameters"]) : null,
  };
  if (problem === "Forecast") {
    body.frequency = draft.frequency as Frequency;
    body.horizon = Number(draft.horizon);
    if (draft.aggregate) body.aggregate = draft.aggregate as CreateTraining["aggregate"];
    if (draft.fill) body.fill = draft.fill as CreateTraining["fill"];
  }
  return body;
}

// The API's 422 (and 404/409) keyed like localIssues; the step each key belongs to.
export function issuesFromApi(error: ApiError, draft: Pick<Draft, "incremental">): Map<string, string> {
  const out = new Map<string, string>();
  for (const issue of error.issues) {
    const loc = issue.loc.filter((p) => p !== "body").map(String);
    if (loc.length === 0) continue;
    const key = loc[0] === "hyperparameters" && loc[1] ? `hyperparameters.${loc[1]}` : loc[0]!;
    if (!out.has(key)) out.set(key, issue.msg);
    else out.set(key, `${out.get(key)}; ${issue.msg}`);
  }
  if (error.issues.length === 0) {
    if (error.status === 409) out.set(draft.incremental ? "incremental" : "predictor_name", error.message);
    else if (error.status === 404) out.set(draft.incremental && /predictor/i.test(error.message) ? "predictor_name" : "dataset_id", error.message);
  }
  return out;
}

export function stepOf(key: string): StepId {
  if (key === "dataset_id" || key === "predictor_name" || key === "domain" || key === "is_incremental" || key === "incremental") return "dataset";
  if (key === "columns") return "columns";
  if (key === "problem_type") return "problem";
  return "algorithm"; // algorithm, shap_enabled, frequency, horizon, aggregate, fill, hyperparameters.*, num_workers
}

// A draft that continues a predictor as a new version: its name and problem type, its columns'
// roles from the model's schema (Id, Feature, Target; the rest ignored).
export function draftForNewVersion(base: { predictor_name?: string; domain?: string; problem_type?: string; dataset_id?: number }, schema: { column_name?: string; attribute_name?: string }[]): Draft {
  const d = emptyDraft();
  d.incremental = true;
  d.predictorName = base.predictor_name ?? "";
  d.domain = base.domain ?? "";
  d.problemType = (base.problem_type as ProblemType) ?? "";
  for (const c of schema) if (c.column_name && c.attribute_name) d.roles[c.column_name] = c.attribute_name as Role;
  d.rolesEdited = true;
  return d;
}

// Roles for the dataset chosen: what the draft has for columns the dataset has (a new version's
// roles, or earlier choices), defaults for the rest; with a base schema, unknown columns are
// ignored rather than made Features (the predictor's features must stay the same).
export function rolesForDataset(schema: SchemaColumn[], draft: Draft): Record<string, Role> {
  const defaults = defaultRoles(schema, draft.problemType);
  const out: Record<string, Role> = {};
  for (const c of schema) {
    const had = draft.roles[c.column_name];
    out[c.column_name] = had ?? (draft.incremental && draft.rolesEdited ? "Ignore" : defaults[c.column_name]!);
  }
  return out;
}
