// New training: a wizard whose step is in the URL (?step=), with the dataset (?dataset=) and, for
// a predictor's next version, the training it continues (?base=). The draft survives a reload
// (sessionStorage) while the URL names its dataset or step. The API's 422 is shown beside the
// field it names, on its step.
import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import { useUrlState } from "../../app/useUrlState";
import { PageHeader } from "../../components/PageHeader";
import { Empty, ErrorMessage, Loading } from "../../components/States";
import { useMe } from "../../auth/useSession";
import { FieldIssue } from "../../components/FieldIssue";
import { fetchAllTrainings, trainingKeys } from "./trainingApi";
import {
  AGGREGATES,
  DEFAULT_ALGORITHMS,
  defaultRoles,
  draftForNewVersion,
  emptyDraft,
  FILLS,
  FREQUENCIES,
  hyperparametersFor,
  issuesFromApi,
  localIssues,
  PROBLEM_TYPES,
  ROLES,
  rolesForDataset,
  STEPS,
  stepOf,
  suggestProblemType,
  toCreateTraining,
  type Algorithm,
  type Draft,
  type Frequency,
  type ProblemType,
  type Role,
  type SchemaColumn,
  type StepId,
} from "./wizard";
import "./training.css";

const STORAGE_KEY = "dataml.trainingWizard";

interface Stored {
  draft: Draft;
  rolesDataset: number | null;
  base: string;
}

function loadStored(base: string): Stored | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Stored;
    return s.base === base ? s : null;
  } catch {
    return null;
  }
}

const ALGORITHM_HINTS: Record<string, string> = {
  auto: "Trains each candidate, keeps the best on a validation split, and shows the leaderboard.",
  XGBoost: "Gradient-boosted trees.",
  RandomForest: "A forest of trees in one round (cannot be continued as a new version).",
  Linear: "Logistic or linear regression on standardised features.",
  SeasonalNaive: "Repeats the last season.",
  ETS: "Exponential smoothing (the best by AICc).",
  Theta: "The dynamic optimised Theta method.",
  Ensemble: "The mean of ETS, Theta and XGBoost.",
};
const FORECAST_HINTS: Record<string, string> = {
  auto: "Per series, the method with the lowest backtest MASE.",
  XGBoost: "One global booster over every series, forecast step by step.",
};

const ROLE_HINTS: Record<Role, string> = {
  Feature: "an input of the model",
  Target: "what the model predicts (exactly one)",
  Id: "identifies a row or a series (at most one; not an input)",
  Timestamp: "the time of a row (at most one; a Forecast's time axis)",
  Ignore: "left out",
};

export function TrainingWizard() {
  const url = useUrlState();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { can } = useMe();
  const base = url.get("base");
  const stepParam = url.get("step", "dataset");
  const datasetParam = url.getInt("dataset", -1);
  const datasetId = datasetParam >= 0 ? datasetParam : null;

  // The draft is restored on a reload mid-way (the URL names a dataset or a step); a bare
  // /training/new starts afresh.
  const resuming = url.get("step") !== "" || url.get("dataset") !== "";
  const stored = useMemo(() => (resuming ? loadStored(base) : null), [base]);
  const [draft, setDraftState] = useState<Draft>(() => stored?.draft ?? emptyDraft());
  const [rolesDataset, setRolesDataset] = useState<number | null>(stored?.rolesDataset ?? null);
  const [issues, setIssues] = useState<Map<string, string>>(new Map());
  const [baseLoaded, setBaseLoaded] = useState(!base || stored !== null);
  const fullDraft: Draft = { ...draft, datasetId };

  useEffect(() => {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ draft, rolesDataset, base } satisfies Stored));
  }, [draft, rolesDataset, base]);

  const setDraft = (change: Partial<Draft>) => setDraftState((d) => ({ ...d, ...change }));

  // A new version: the predictor, problem type and roles of the training it continues.
  const baseTraining = useQuery({
    queryKey: ["training", Number(base), "base"],
    queryFn: async () => {
      const id = Number(base);
      const all = await fetchAllTrainings();
      const t = all.find((x) => x.id === id);
      if (!t) throw new ApiError(404, `No training ${id} in this tenant`);
      const schema = await unwrap(api.GET("/api/v1/train/download-schema/{train_id}", { params: { path: { train_id: id } } }));
      return { training: t, schema: schema.schema ?? [] };
    },
    enabled: !!base && !baseLoaded,
  });
  useEffect(() => {
    if (baseTraining.data && !baseLoaded) {
      const { training, schema } = baseTraining.data;
      setDraftState(draftForNewVersion(training, schema));
      setRolesDataset(null);
      setBaseLoaded(true);
      if (datasetId === null && training.dataset_id !== undefined) url.set({ dataset: training.dataset_id });
    }
  }, [baseTraining.data, baseLoaded, datasetId, url]);

  const datasets = useQuery({
    queryKey: ["datasets", "validated", "all"],
    queryFn: () => unwrap(api.GET("/api/v1/dataset/list_validated", { params: { query: { skip: 0, limit: 1000 } } })),
  });
  const details = useQuery({
    queryKey: ["train", "details", datasetId],
    queryFn: () =>
      unwrap(api.POST("/api/v1/train/get_details", { body: { dataset_id: datasetId!, predictor_name: "", domain: "", problem_type: "" } })),
    enabled: datasetId !== null,
  });
  const sample = useQuery({
    queryKey: ["dataset", datasetId, "view", 0, 200],
    queryFn: () => unwrap(api.GET("/api/v1/dataset/view", { params: { query: { dataset_id: datasetId!, skip: 0, limit: 200 } } })),
    enabled: datasetId !== null,
  });
  const schema: SchemaColumn[] = useMemo(
    () => (details.data?.dataset_schema ?? []).map((c) => ({ column_name: c.column_name ?? "", data_type: c.data_type ?? "String" })),
    [details.data],
  );
  const algorithms = details.data?.algorithms_by_problem_type;

  // Roles follow the dataset: defaults (or the base version's roles) whenever another one is chosen.
  useEffect(() => {
    if (!details.data || datasetId === null || rolesDataset === datasetId || !baseLoaded) return;
    setDraftState((d) => ({ ...d, roles: rolesForDataset(schema, d), rolesEdited: d.incremental }));
    setRolesDataset(datasetId);
  }, [details.data, datasetId, rolesDataset, schema, baseLoaded]);

  const distinct = useMemo(() => {
    const rows = sample.data?.preview ?? [];
    return (column: string) => new Set(rows.map((r) => JSON.stringify((r as Record<string, unknown>)[column] ?? null))).size;
  }, [sample.data]);
  const suggestion = suggestProblemType(schema, draft.roles, sample.data ? distinct : undefined);

  const step: StepId = STEPS.some((s) => s.id === stepParam) ? (stepParam as StepId) : "dataset";
  const stepIndex = STEPS.findIndex((s) => s.id === step);
  // The first step whose checks fail: later steps cannot be opened before it is fixed.
  const firstBlocked = STEPS.findIndex((s) => s.id !== "review" && localIssues(fullDraft, schema, s.id, algorithms).size > 0);
  const reachable = (i: number) => firstBlocked === -1 || i <= firstBlocked;
  const goTo = (id: StepId) => url.set({ step: id === "dataset" ? null : id });

  const create = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/train", { body: toCreateTraining(fullDraft, schema) })),
    onSuccess: (t) => {
      sessionStorage.removeItem(STORAGE_KEY);
      void queryClient.invalidateQueries({ queryKey: ["trainings"] });
      void queryClient.invalidateQueries({ queryKey: trainingKeys.all });
      navigate(`/training/${t.id}`);
    },
    onError: (error) => {
      if (error instanceof ApiError) setIssues(issuesFromApi(error, draft));
    },
  });

  const next = (e: FormEvent) => {
    e.preventDefault();
    const found = localIssues(fullDraft, schema, step, algorithms);
    setIssues(found);
    if (found.size > 0) return;
    if (step === "columns" && !draft.problemType && suggestion) setDraft({ problemType: suggestion });
    if (step === "review") {
      create.mutate();
      return;
    }
    goTo(STEPS[stepIndex + 1]!.id);
  };

  const chooseProblem = (p: ProblemType) => {
    const change: Partial<Draft> = { problemType: p };
    const allowed = algorithms?.[p] ?? DEFAULT_ALGORITHMS[p];
    if (!allowed.includes(draft.algorithm)) change.algorithm = "auto";
    // Forecast reads the columns differently (a Timestamp, a series Id): fresh defaults unless
    // the user set the roles themselves.
    if (!draft.rolesEdited) change.roles = defaultRoles(schema, p);
    if (p === "Forecast") change.shap = false;
    setDraft(change);
  };

  if (!can("can_train_models")) {
    return (
      <>
        <PageHeader title="New training" />
        <Empty>You need the permission to train models (can_train_models).</Empty>
      </>
    );
  }
  if (base && !baseLoaded) {
    if (baseTraining.error) return <ErrorMessage error={baseTraining.error} retry={() => void baseTraining.refetch()} />;
    return <Loading what="Loading the predictor to continue" />;
  }

  const issue = (key: string) => issues.get(key);
  const describedBy = (key: string) => (issues.has(key) ? `${key.replace(/\W/g, "-")}-error` : undefined);
  const datasetName = datasets.data?.find((d) => d.id === datasetId)?.dataset_name;
  const otherIssues = [...issues].filter(([k]) => stepOf(k) !== step || !isShownOn(k, step));

  return (
    <>
      <PageHeader title={draft.incremental ? `New version of ${draft.predictorName}` : "New training"} actions={<Link to="/training">Back to trainings</Link>}>
        <p>{draft.incremental ? "Continue the predictor's latest model on a dataset with the same columns." : "Train a predictor's first model on a validated dataset."}</p>
      </PageHeader>
      <nav aria-label="Training steps">
        <ol className="wizard-steps">
          {STEPS.map((s, i) => (
            <li key={s.id} className={i === stepIndex ? "current" : i < stepIndex ? "done" : ""}>
              <button type="button" className="link" aria-current={i === stepIndex ? "step" : undefined} disabled={!reachable(i)} onClick={() => goTo(s.id)}>
                <span className="step-number" aria-hidden="true">
                  {i + 1}
                </span>{" "}
                {s.label}
              </button>
            </li>
          ))}
        </ol>
      </nav>
      <form className="form wizard" onSubmit={next} noValidate aria-labelledby="wizard-step-title">
        <h2 id="wizard-step-title">
          Step {stepIndex + 1} of {STEPS.length}: {STEPS[stepIndex]!.label}
        </h2>
        {otherIssues.length > 0 && (
          <div className="state state-error" role="alert">
            <strong>The server refused the training:</strong>
            <ul>
              {otherIssues.map(([k, msg]) => (
                <li key={k}>
                  {msg}{" "}
                  {stepOf(k) !== step && (
                    <button type="button" className="link" onClick={() => goTo(stepOf(k))}>
                      Fix on “{STEPS.find((s) => s.id === stepOf(k))!.label}”
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </div>
        )}

        {step === "dataset" && (
          <>
            <div className="field">
              <label htmlFor="dataset_id">Dataset</label>
              {datasets.isLoading ? (
                <Loading what="Loading datasets" />
              ) : datasets.error ? (
                <ErrorMessage error={datasets.error} retry={() => void datasets.refetch()} />
              ) : (datasets.data ?? []).length === 0 ? (
                <Empty>
                  No validated datasets yet. <Link to="/datasets">Upload one</Link> first.
                </Empty>
              ) : (
                <select
                  id="dataset_id"
                  value={datasetId ?? ""}
                  onChange={(e) => url.set({ dataset: e.target.value || null })}
                  aria-invalid={issues.has("dataset_id")}
                  aria-describedby={describedBy("dataset_id")}
                >
                  <option value="">Choose a dataset…</option>
                  {(datasets.data ?? []).map((d) => (
                    <option key={d.id} value={d.id}>
                      {d.dataset_name} ({(d.valid_records ?? 0).toLocaleString()} valid rows)
                    </option>
                  ))}
                </select>
              )}
              <FieldIssue id="dataset_id-error" message={issue("dataset_id")} />
              {details.error && <ErrorMessage error={details.error} retry={() => void details.refetch()} />}
              {details.data && (
                <p className="hint">
                  {schema.length} columns: {schema.map((c) => `${c.column_name} (${c.data_type})`).join(", ")}
                </p>
              )}
            </div>
            <div className="field">
              <label htmlFor="predictor_name">Predictor name</label>
              <input
                id="predictor_name"
                value={draft.predictorName}
                readOnly={draft.incremental && !!base}
                onChange={(e) => setDraft({ predictorName: e.target.value })}
                aria-invalid={issues.has("predictor_name")}
                aria-describedby={describedBy("predictor_name") ?? "predictor_name-hint"}
              />
              <p id="predictor_name-hint" className="hint">
                {draft.incremental ? "The predictor this training adds a version to." : "Unique in the tenant (ignoring case)."}
              </p>
              <FieldIssue id="predictor_name-error" message={issue("predictor_name")} />
            </div>
            <div className="field">
              <label htmlFor="domain">Domain (optional)</label>
              <input id="domain" value={draft.domain} onChange={(e) => setDraft({ domain: e.target.value })} aria-invalid={issues.has("domain")} aria-describedby={describedBy("domain")} />
              <FieldIssue id="domain-error" message={issue("domain")} />
            </div>
            <div className="field checkbox">
              <label>
                <input
                  type="checkbox"
                  checked={draft.incremental}
                  disabled={!!base}
                  onChange={(e) => setDraft({ incremental: e.target.checked, rolesEdited: draft.rolesEdited })}
                  aria-describedby="incremental-hint"
                />{" "}
                A new version of an existing predictor
              </label>
              <p id="incremental-hint" className="hint">
                Continues the predictor&apos;s latest completed model (same problem type, target and features; not RandomForest or Forecast).
              </p>
              <FieldIssue id="incremental-error" message={issue("incremental") ?? issue("is_incremental")} />
            </div>
          </>
        )}

        {step === "columns" && (
          <StepData query={details} what="Loading the dataset's columns">
            <fieldset className="card">
              <legend>The role of each column</legend>
              <p className="hint">
                {ROLES.map((r) => (
                  <span key={r} className="role-hint">
                    <strong>{r}</strong>: {ROLE_HINTS[r]}.{" "}
                  </span>
                ))}
              </p>
              <FieldIssue id="columns-error" message={issue("columns")} />
              <div className="table-wrap contained">
                <table className="data-table">
                  <caption className="sr-only">Column roles</caption>
                  <thead>
                    <tr>
                      <th scope="col">Column</th>
                      <th scope="col">Type</th>
                      <th scope="col">Sample values</th>
                      <th scope="col">Role</th>
                    </tr>
                  </thead>
                  <tbody>
                    {schema.map((c, i) => (
                      <tr key={c.column_name}>
                        <th scope="row">{c.column_name}</th>
                        <td>{c.data_type}</td>
                        <td className="sample">{sampleValues(sample.data?.preview, c.column_name)}</td>
                        <td>
                          <select
                            aria-label={`Role of ${c.column_name}`}
                            id={`role-${i}`}
                            value={draft.roles[c.column_name] ?? "Feature"}
                            onChange={(e) => setDraft({ roles: { ...draft.roles, [c.column_name]: e.target.value as Role }, rolesEdited: true })}
                            aria-describedby={issues.has("columns") ? "columns-error" : undefined}
                          >
                            {ROLES.map((r) => (
                              <option key={r}>{r}</option>
                            ))}
                          </select>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {!draft.incremental && (
                <button type="button" onClick={() => setDraft({ roles: defaultRoles(schema, draft.problemType), rolesEdited: false })}>
                  Reset to the suggested roles
                </button>
              )}
            </fieldset>
          </StepData>
        )}

        {step === "problem" && (
          <fieldset className="card" aria-describedby={describedBy("problem_type")}>
            <legend>What should the model do?</legend>
            {suggestion && !draft.incremental && <p className="hint">Suggested from the target column: {suggestion}.</p>}
            {draft.incremental && <p className="hint">A new version keeps its predictor&apos;s problem type.</p>}
            {(details.data?.problem_types ?? PROBLEM_TYPES).map((p) => (
              <label key={p} className="choice">
                <input
                  type="radio"
                  name="problem_type"
                  value={p}
                  checked={draft.problemType === p}
                  disabled={draft.incremental && draft.problemType !== p}
                  onChange={() => chooseProblem(p)}
                />{" "}
                <strong>{p}</strong>{" "}
                <span className="hint">
                  {p === "Classification" && "predict a class (2 to 100 distinct target values)"}
                  {p === "Regression" && "predict a number (an Integer or Float target)"}
                  {p === "Forecast" && "forecast each series ahead in time (a Timestamp, a numeric Target, an optional series Id)"}
                </span>
              </label>
            ))}
            <FieldIssue id="problem_type-error" message={issue("problem_type")} />
            {draft.problemType === "Forecast" && !draft.rolesEdited && <p className="hint">The column roles were set for a forecast; check them on the column roles step.</p>}
          </fieldset>
        )}

        {step === "algorithm" && (
          <>
            <fieldset className="card" aria-describedby={describedBy("algorithm")}>
              <legend>Algorithm</legend>
              {draft.incremental && <p className="hint">A new version keeps its predictor&apos;s algorithm (anything but auto must be the same).</p>}
              {(draft.problemType ? (algorithms?.[draft.problemType] ?? DEFAULT_ALGORITHMS[draft.problemType]) : []).map((a) => (
                <label key={a} className="choice">
                  <input type="radio" name="algorithm" value={a} checked={draft.algorithm === a} onChange={() => setDraft({ algorithm: a as Algorithm })} /> <strong>{a}</strong>{" "}
                  <span className="hint">{(draft.problemType === "Forecast" ? FORECAST_HINTS[a] : undefined) ?? ALGORITHM_HINTS[a]}</span>
                </label>
              ))}
              <FieldIssue id="algorithm-error" message={issue("algorithm")} />
            </fieldset>
            {draft.problemType === "Forecast" ? (
              <fieldset className="card">
                <legend>The series</legend>
                <div className="field">
                  <label htmlFor="frequency">Frequency</label>
                  <select id="frequency" value={draft.frequency} onChange={(e) => setDraft({ frequency: e.target.value as Frequency | "" })} aria-invalid={issues.has("frequency")} aria-describedby={describedBy("frequency")}>
                    <option value="">Choose…</option>
                    {FREQUENCIES.map((f) => (
                      <option key={f}>{f}</option>
                    ))}
                  </select>
                  <FieldIssue id="frequency-error" message={issue("frequency")} />
                </div>
                <div className="field">
                  <label htmlFor="horizon">Horizon (periods ahead)</label>
                  <input id="horizon" type="number" min={1} max={1000} step={1} value={draft.horizon} onChange={(e) => setDraft({ horizon: e.target.value })} aria-invalid={issues.has("horizon")} aria-describedby={describedBy("horizon")} />
                  <FieldIssue id="horizon-error" message={issue("horizon")} />
                </div>
                <div className="field">
                  <label htmlFor="aggregate">Rows in one period</label>
                  <select id="aggregate" value={draft.aggregate} onChange={(e) => setDraft({ aggregate: e.target.value })} aria-describedby={describedBy("aggregate") ?? "aggregate-hint"}>
                    <option value="">Refuse (one row per period)</option>
                    {AGGREGATES.map((a) => (
                      <option key={a} value={a}>
                        Combine: {a}
                      </option>
                    ))}
                  </select>
                  <p id="aggregate-hint" className="hint">
                    How rows falling in one period (or off the grid) combine.
                  </p>
                  <FieldIssue id="aggregate-error" message={issue("aggregate")} />
                </div>
                <div className="field">
                  <label htmlFor="fill">Missing periods</label>
                  <select id="fill" value={draft.fill} onChange={(e) => setDraft({ fill: e.target.value })} aria-describedby={describedBy("fill")}>
                    <option value="">Refuse (no gaps)</option>
                    {FILLS.map((f) => (
                      <option key={f} value={f}>
                        Fill: {f}
                      </option>
                    ))}
                  </select>
                  <FieldIssue id="fill-error" message={issue("fill")} />
                </div>
              </fieldset>
            ) : (
              <div className="field checkbox card">
                <label>
                  <input type="checkbox" checked={draft.shap} onChange={(e) => setDraft({ shap: e.target.checked })} aria-describedby="shap-hint" /> Compute feature importance (SHAP) when the training completes
                </label>
                <p id="shap-hint" className="hint">
                  A job explains 1000 sample rows; it can also be started later from the model page.
                </p>
                <FieldIssue id="shap_enabled-error" message={issue("shap_enabled")} />
              </div>
            )}
            <details className="card" open={[...issues.keys()].some((k) => k.startsWith("hyperparameters"))}>
              <summary>Hyperparameters (optional)</summary>
              <div className="hp-grid">
                {hyperparametersFor(draft.problemType).map((h) => {
                  const key = `hyperparameters.${h.key}`;
                  return (
                    <div className="field" key={h.key}>
                      <label htmlFor={`hp-${h.key}`}>{h.label}</label>
                      <input
                        id={`hp-${h.key}`}
                        inputMode="decimal"
                        value={draft.hyperparameters[h.key] ?? ""}
                        placeholder={h.hint}
                        onChange={(e) => setDraft({ hyperparameters: { ...draft.hyperparameters, [h.key]: e.target.value } })}
                        aria-invalid={issues.has(key)}
                        aria-describedby={describedBy(key) ?? `hp-${h.key}-hint`}
                      />
                      <p id={`hp-${h.key}-hint`} className="hint">
                        {h.hint}
                      </p>
                      <FieldIssue id={`${key.replace(/\W/g, "-")}-error`} message={issue(key)} />
                    </div>
                  );
                })}
              </div>
              <FieldIssue id="hyperparameters-error" message={issue("hyperparameters")} />
            </details>
          </>
        )}

        {step === "review" && (
          <div className="card">
            <dl className="review">
              <dt>Dataset</dt>
              <dd>{datasetName ?? (datasetId !== null ? `#${datasetId}` : "—")}</dd>
              <dt>Predictor</dt>
              <dd>
                {draft.predictorName} {draft.incremental && <span className="badge">new version</span>}
              </dd>
              {draft.domain && (
                <>
                  <dt>Domain</dt>
                  <dd>{draft.domain}</dd>
                </>
              )}
              <dt>Problem type</dt>
              <dd>{draft.problemType}</dd>
              {ROLES.filter((r) => r !== "Feature").map((r) => {
                const cols = schema.filter((c) => (draft.roles[c.column_name] ?? "Feature") === r).map((c) => c.column_name);
                return cols.length > 0 ? (
                  <ReviewRow key={r} label={r}>
                    {cols.join(", ")}
                  </ReviewRow>
                ) : null;
              })}
              <ReviewRow label="Features">
                {schema
                  .filter((c) => (draft.roles[c.column_name] ?? "Feature") === "Feature")
                  .map((c) => c.column_name)
                  .join(", ") || "none"}
              </ReviewRow>
              <dt>Algorithm</dt>
              <dd>{draft.algorithm}</dd>
              {draft.problemType === "Forecast" ? (
                <>
                  <dt>Frequency and horizon</dt>
                  <dd>
                    {draft.frequency}, {draft.horizon} periods{draft.aggregate && `, combine ${draft.aggregate}`}
                    {draft.fill && `, fill ${draft.fill}`}
                  </dd>
                </>
              ) : (
                <>
                  <dt>Feature importance</dt>
                  <dd>{draft.shap ? "computed after training" : "not computed"}</dd>
                </>
              )}
              {Object.entries(draft.hyperparameters).some(([, v]) => v.trim()) && (
                <>
                  <dt>Hyperparameters</dt>
                  <dd>
                    {Object.entries(draft.hyperparameters)
                      .filter(([, v]) => v.trim())
                      .map(([k, v]) => `${k} ${v}`)
                      .join(", ")}
                  </dd>
                </>
              )}
            </dl>
            <details>
              <summary>The request</summary>
              <pre className="request">{JSON.stringify(toCreateTraining(fullDraft, schema), null, 2)}</pre>
            </details>
          </div>
        )}

        {create.error && !(create.error instanceof ApiError && (create.error.issues.length > 0 || [404, 409].includes(create.error.status))) && <ErrorMessage error={create.error} />}
        <div className="inline">
          {stepIndex > 0 && (
            <button type="button" onClick={() => goTo(STEPS[stepIndex - 1]!.id)}>
              Back
            </button>
          )}
          <button type="submit" className="primary" disabled={create.isPending || (step !== "dataset" && datasetId !== null && details.isLoading)}>
            {step === "review" ? (create.isPending ? "Starting…" : "Start training") : "Continue"}
          </button>
          {create.isPending && (
            <span role="status" className="hint">
              Submitting the training…
            </span>
          )}
        </div>
      </form>
    </>
  );
}

// Whether the step renders the field's message beside the field (else the banner lists it).
function isShownOn(key: string, step: StepId): boolean {
  const onStep: Record<StepId, string[]> = {
    dataset: ["dataset_id", "predictor_name", "domain", "incremental", "is_incremental"],
    columns: ["columns"],
    problem: ["problem_type"],
    algorithm: ["algorithm", "frequency", "horizon", "aggregate", "fill", "shap_enabled", "hyperparameters"],
    review: [],
  };
  return onStep[step].includes(key) || (step === "algorithm" && key.startsWith("hyperparameters."));
}

function ReviewRow({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function StepData<T>({ query, what, children }: { query: { data: T | undefined; error: unknown; isLoading: boolean; refetch: () => unknown }; what: string; children: ReactNode }) {
  if (query.error) return <ErrorMessage error={query.error} retry={() => void query.refetch()} />;
  if (query.isLoading || query.data === undefined) return <Loading what={what} />;
  return <>{children}</>;
}

function sampleValues(rows: Record<string, unknown>[] | undefined, column: string): string {
  if (!rows) return "";
  const seen: string[] = [];
  for (const r of rows) {
    const v = r[column];
    const text = v === null || v === undefined ? "∅" : String(v);
    if (!seen.includes(text)) seen.push(text);
    if (seen.length >= 4) break;
  }
  return seen.join(", ");
}
