// One training: its status while it runs (terminate), then the model: metrics, evaluation charts
// (confusion matrix; ROC and precision-recall for two classes; residuals for regression), auto's
// leaderboard, feature importance and the predictor's versions. The tab is in the URL (?tab=).
import { useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, download, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import { useUrlState } from "../../app/useUrlState";
import { PageHeader } from "../../components/PageHeader";
import { Empty, ErrorMessage, InProgress, Loading, QueryView } from "../../components/States";
import { TabPanel, Tabs, useTab } from "../../components/Tabs";
import { useMe } from "../../auth/useSession";
import { confusionMatrixOption, prOption, readCurves, readResiduals, residualOption, rocOption } from "../../charts/modelEvaluation";
import { featureImportanceOption, leaderboardOption, rankImportance } from "../../charts/modelImportance";
import { backtestOption, type BacktestMetric } from "../../charts/forecastSeries";
import {
  fetchAllTrainings,
  formatDate,
  headlineMetric,
  isActive,
  trainingKeys,
  versionsOf,
  type ModelSummaryWithCurves,
  type Training,
} from "./trainingApi";
import { Chart, formatMetric, MetricCards, Section, StatusBadge, type MetricItem } from "./parts";
import { useDeleteTraining, useTerminateTraining } from "./TrainingList";
import "./training.css";

const POLL_MS = 3000;

export function useAllTrainings(pollWhile?: (all: Training[]) => boolean) {
  return useQuery({
    queryKey: trainingKeys.all,
    queryFn: fetchAllTrainings,
    refetchInterval: (q) => (pollWhile && q.state.data && pollWhile(q.state.data) ? POLL_MS : false),
  });
}

export function ModelPage() {
  const { trainId } = useParams();
  const id = Number(trainId);
  const all = useAllTrainings((list) => list.some((t) => t.id === id && isActive(t)));
  if (!Number.isInteger(id)) return <ErrorMessage error={new Error("Not a training id")} />;
  if (all.isLoading) return <Loading what="Loading the training" />;
  if (all.error) return <ErrorMessage error={all.error} retry={() => void all.refetch()} />;
  const training = all.data?.find((t) => t.id === id);
  if (!training) {
    return (
      <>
        <PageHeader title="Training not found" />
        <Empty>
          There is no training {id} in this tenant. <Link to="/training">All trainings</Link>
        </Empty>
      </>
    );
  }
  return <ModelView training={training} all={all.data ?? []} />;
}

function ModelView({ training, all }: { training: Training; all: Training[] }) {
  const id = training.id!;
  const { can } = useMe();
  const navigate = useNavigate();
  const terminate = useTerminateTraining();
  const remove = useDeleteTraining(() => navigate("/training"));
  const completed = training.train_status === "completed";
  const forecast = training.problem_type === "Forecast";
  const tabs = [
    { id: "overview", label: "Overview" },
    { id: "evaluation", label: forecast ? "Backtest" : "Evaluation" },
    ...(forecast ? [] : [{ id: "importance", label: "Feature importance" }]),
    { id: "versions", label: "Versions" },
  ];
  const [tab, setTab] = useTab(tabs);
  const summary = useQuery({
    queryKey: trainingKeys.summary(id),
    queryFn: () => unwrap(api.GET("/api/v1/train/model-summary", { params: { query: { train_id: id } } })) as Promise<ModelSummaryWithCurves>,
    enabled: completed,
  });
  const versions = versionsOf(all, training.predictor_name ?? "");
  const latest = versions[versions.length - 1];
  const name = `${training.predictor_name} v${training.version ?? 1}`;
  const canContinue = completed && latest?.id === id && !forecast && training.algorithm !== "RandomForest";

  return (
    <>
      <PageHeader
        title={name}
        actions={
          <>
            {completed && !forecast && can("can_run_inference") && (
              <Link className="button primary" to={`/predict/${id}`}>
                Predict
              </Link>
            )}
            {completed && forecast && can("can_run_inference") && (
              <Link className="button primary" to={`/forecasts?model=${id}`}>
                Forecast
              </Link>
            )}
            {canContinue && can("can_train_models") && (
              <Link className="button" to={`/training/new?base=${id}`}>
                Train a new version
              </Link>
            )}
            {completed && (
              <button type="button" onClick={() => void download(`/api/v1/train/download-schema/${id}`, `train_${id}_schema.json`)}>
                Download input schema
              </button>
            )}
            {isActive(training) && can("can_terminate_jobs") && training.ray_job_id && (
              <button type="button" className="danger" disabled={terminate.isPending} onClick={() => window.confirm(`Terminate the training of ${name}?`) && terminate.mutate(training)}>
                Terminate
              </button>
            )}
            {can("can_delete_models") && (
              <button type="button" className="danger" disabled={remove.isPending} onClick={() => window.confirm(`Delete ${name} and its model?`) && remove.mutate(training)}>
                Delete
              </button>
            )}
          </>
        }
      >
        <p className="inline">
          <StatusBadge status={training.train_status} label={training.training_status === "submitted_to_ray" ? "submitted to Ray" : training.train_status} />
          <span>{training.problem_type}</span>
          <span>·</span>
          <span>{algorithmLabel(training)}</span>
          <span>·</span>
          <span>
            dataset {training.dataset_name ?? <em>deleted</em>}
            {training.domain ? ` · ${training.domain}` : ""}
          </span>
        </p>
        <p>
          Created {formatDate(training.created_at)} by {training.created_by}
          {training.base_training_id ? (
            <>
              {" · continues "}
              <Link to={`/training/${training.base_training_id}`}>
                {versions.find((v) => v.id === training.base_training_id) ? `v${versions.find((v) => v.id === training.base_training_id)!.version}` : `training ${training.base_training_id}`}
              </Link>
            </>
          ) : null}
        </p>
      </PageHeader>
      {terminate.error && <ErrorMessage error={terminate.error} />}
      {remove.error && <ErrorMessage error={remove.error} />}
      {isActive(training) && (
        <InProgress label={training.train_status === "running" ? "Training… this page updates when it ends." : "Queued: waiting for a worker."} />
      )}
      {(training.train_status === "failed" || training.train_status === "terminated") && (
        <div className="state state-error" role="alert">
          <strong>{training.train_status === "failed" ? "The training failed." : "The training was terminated."}</strong> {training.error}
        </div>
      )}
      <Tabs tabs={tabs} current={tab} onSelect={setTab} label="Model" />
      <TabPanel id={tab}>
        {tab === "versions" ? (
          <VersionsPanel versions={versions} current={id} />
        ) : !completed ? (
          <Empty>The model&apos;s summary, charts and feature importance appear here once the training completes.</Empty>
        ) : (
          <QueryView query={summary} what="Loading the model summary">
            {(s) =>
              tab === "overview" ? (
                <OverviewPanel summary={s} />
              ) : tab === "evaluation" ? (
                forecast ? (
                  <BacktestPanel summary={s} />
                ) : (
                  <EvaluationPanel summary={s} />
                )
              ) : (
                <ImportancePanel training={training} />
              )
            }
          </QueryView>
        )}
      </TabPanel>
    </>
  );
}

export function algorithmLabel(t: Training): string {
  if (t.requested_algorithm !== "auto" || t.train_status !== "completed") return t.algorithm ?? "";
  if (t.algorithm === "auto") return "auto (a method per series)";
  return `auto → ${t.algorithm}`;
}

export function metricItems(s: ModelSummaryWithCurves): MetricItem[] {
  const m = s.model_summary ?? {};
  if (s.problem_type === "Classification")
    return [
      { label: "Accuracy", value: m.accuracy, format: "percent" },
      { label: "Precision (macro)", value: m.precision },
      { label: "Recall (macro)", value: m.recall },
      { label: "F1 (macro)", value: m.f1_score },
      { label: "ROC AUC", value: m.roc_auc },
      { label: "Log loss", value: m.log_loss },
    ];
  if (s.problem_type === "Regression")
    return [
      { label: "RMSE", value: m.rmse },
      { label: "MAE", value: m.mae },
      { label: "R²", value: m.r2 },
      { label: "MAPE", value: m.mape, format: "percent" },
    ];
  return [
    { label: "MASE", value: m.mase, hint: "Mean absolute scaled error of the backtest (below 1 beats the seasonal naive forecast)" },
    { label: "sMAPE", value: m.smape, hint: "Symmetric MAPE, 0 to 200" },
    { label: "MAE", value: m.mae },
    { label: "RMSE", value: m.rmse },
    { label: `Coverage of the ${Math.round((s.coverage_level ?? 0.95) * 100)}% interval`, value: m.coverage, format: "percent" },
  ];
}

function OverviewPanel({ summary: s }: { summary: ModelSummaryWithCurves }) {
  const forecast = s.problem_type === "Forecast";
  const rows = s.rows ?? {};
  const candidates = s.candidates ?? [];
  return (
    <>
      <Section title={forecast ? "Backtest metrics" : "Holdout metrics"}>
        <p className="hint">
          {s.model_summary?.model} ({s.model_summary?.algorithm})
          {forecast ? ` · ${s.series ?? 0} series, ${s.frequency}, horizon ${s.horizon}, season ${s.season_length}` : ` · ${rows.test ?? 0} holdout rows of ${rows.total ?? 0}`}
        </p>
        <MetricCards items={metricItems(s)} label="Metrics" />
      </Section>
      {!forecast && candidates.length > 0 && (
        <Section title="Auto's leaderboard">
          <p className="hint">Each candidate trained on 80% of the training rows and scored on the rest; the best (highlighted) was kept.</p>
          <div className="two-col">
            <Chart option={leaderboardOption(candidates, s.model_summary?.algorithm)} label={`Validation scores of the candidate algorithms; ${s.model_summary?.algorithm} was chosen`} height={60 + 40 * candidates.length} />
            <table className="data-table">
              <caption className="sr-only">Candidates</caption>
              <thead>
                <tr>
                  <th scope="col">Algorithm</th>
                  <th scope="col">Validation {candidates[0]?.validation_metric}</th>
                  <th scope="col">Chosen</th>
                </tr>
              </thead>
              <tbody>
                {candidates.map((c) => (
                  <tr key={c.algorithm}>
                    <th scope="row">{c.algorithm}</th>
                    <td>{c.validation_score === null ? "diverged" : formatMetric(c.validation_score)}</td>
                    <td>{c.algorithm === s.model_summary?.algorithm ? "✓ chosen" : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
      )}
      <Section title="Training details">
        <dl className="review">
          {forecast ? (
            <>
              <dt>Rows read</dt>
              <dd>{rows.read?.toLocaleString()}</dd>
              <dt>Periods</dt>
              <dd>
                {rows.periods?.toLocaleString()}
                {rows.filled ? ` (${rows.filled} filled)` : ""}
              </dd>
              <dt>Backtest windows</dt>
              <dd>{s.backtest_windows}</dd>
              {(s.series_too_short ?? 0) > 0 && (
                <>
                  <dt>Series too short to backtest</dt>
                  <dd>{s.series_too_short}</dd>
                </>
              )}
            </>
          ) : (
            <>
              <dt>Rows</dt>
              <dd>
                {rows.total?.toLocaleString()} ({rows.training?.toLocaleString()} training, {rows.test?.toLocaleString()} holdout
                {rows.without_target ? `, ${rows.without_target} without a target` : ""})
              </dd>
              <dt>Features after preprocessing</dt>
              <dd>{s.feature_count}</dd>
              {s.classes && s.classes.length > 0 && (
                <>
                  <dt>Classes</dt>
                  <dd>{s.classes.join(", ")}</dd>
                </>
              )}
              <dt>Boosting rounds</dt>
              <dd>
                {s.num_boost_round}
                {s.boosted_rounds_total !== s.num_boost_round ? ` (${s.boosted_rounds_total} in the model)` : ""}
              </dd>
            </>
          )}
          <dt>Version</dt>
          <dd>v{s.version}</dd>
          <dt>Workers</dt>
          <dd>{s.num_workers ?? 1}</dd>
          {s.timings?.total_seconds !== undefined && (
            <>
              <dt>Time</dt>
              <dd>{formatMetric(s.timings.total_seconds)} s</dd>
            </>
          )}
        </dl>
        {s.hyperparameters && (
          <details>
            <summary>Hyperparameters</summary>
            <dl className="review">
              {Object.entries(s.hyperparameters)
                .filter(([, v]) => v !== null && v !== undefined)
                .map(([k, v]) => (
                  <KeyValue key={k} k={k} v={String(v)} />
                ))}
            </dl>
          </details>
        )}
      </Section>
    </>
  );
}

function KeyValue({ k, v }: { k: string; v: string }) {
  return (
    <>
      <dt>{k}</dt>
      <dd>{v}</dd>
    </>
  );
}

function EvaluationPanel({ summary: s }: { summary: ModelSummaryWithCurves }) {
  const url = useUrlState();
  const normalized = url.get("cm") === "share";
  const classes = s.classes ?? [];
  const classification = s.problem_type === "Classification";
  const curves = readCurves(s.curves);
  const residuals = readResiduals(s.residuals);
  const matrix = s.confusion_matrix ?? null;
  const cmOption = useMemo(() => (matrix ? confusionMatrixOption(classes, matrix, normalized) : null), [classes, matrix, normalized]);
  if (!classification) {
    return (
      <Section title="Residuals on the holdout">
        {residuals ? (
          <>
            <p className="hint">Actual − predicted against the prediction for {residuals.length} holdout rows: an even band around zero is good; a funnel or a curve is not.</p>
            <Chart option={residualOption(residuals)} label={`Residual plot of ${residuals.length} holdout rows`} height={380} />
          </>
        ) : (
          <Empty>The residual plot is not available for this model (the model summary has no holdout residuals).</Empty>
        )}
      </Section>
    );
  }
  const perClass = s.per_class ?? {};
  const supports = classes.map((c) => perClass[c]?.support ?? 0);
  const total = supports.reduce((a, b) => a + b, 0);
  const positiveShare = classes.length === 2 && total > 0 ? supports[1]! / total : null;
  return (
    <>
      <Section
        title="Confusion matrix"
        actions={
          <div className="segmented" role="group" aria-label="Show the confusion matrix as">
            <button type="button" aria-pressed={!normalized} onClick={() => url.set({ cm: null })}>
              Counts
            </button>
            <button type="button" aria-pressed={normalized} onClick={() => url.set({ cm: "share" })}>
              Share of true class
            </button>
          </div>
        }
      >
        {matrix && cmOption ? (
          <>
            <Chart option={cmOption} label={`Confusion matrix of ${classes.length} classes (rows: true class, columns: predicted class)`} height={Math.max(300, 120 + 45 * classes.length)} />
            <details>
              <summary>As a table</summary>
              <div className="table-wrap contained">
                <table className="data-table">
                  <caption className="sr-only">Confusion matrix (rows: true class, columns: predicted class)</caption>
                  <thead>
                    <tr>
                      <th scope="col">True \ predicted</th>
                      {classes.map((c) => (
                        <th key={c} scope="col">
                          {c}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {classes.map((c, i) => (
                      <tr key={c}>
                        <th scope="row">{c}</th>
                        {classes.map((p, j) => (
                          <td key={p}>{matrix[i]?.[j] ?? 0}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          </>
        ) : (
          <Empty>No confusion matrix for this model.</Empty>
        )}
      </Section>
      <Section title="Per class">
        <div className="table-wrap contained">
          <table className="data-table">
            <caption className="sr-only">Holdout metrics per class</caption>
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col">Precision</th>
                <th scope="col">Recall</th>
                <th scope="col">F1</th>
                <th scope="col">Support</th>
              </tr>
            </thead>
            <tbody>
              {classes.map((c) => (
                <tr key={c}>
                  <th scope="row">{c}</th>
                  <td>{formatMetric(perClass[c]?.precision)}</td>
                  <td>{formatMetric(perClass[c]?.recall)}</td>
                  <td>{formatMetric(perClass[c]?.f1_score)}</td>
                  <td>{perClass[c]?.support ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      {classes.length === 2 ? (
        <div className="two-col">
          <Section title="ROC curve">
            {curves && curves.roc.length > 0 ? (
              <Chart option={rocOption(curves.roc, s.model_summary?.roc_auc)} label={`ROC curve, AUC ${formatMetric(s.model_summary?.roc_auc)}`} />
            ) : (
              <Empty>The ROC curve is not available for this model.</Empty>
            )}
          </Section>
          <Section title="Precision-recall curve">
            {curves && curves.pr.length > 0 ? (
              <Chart option={prOption(curves.pr, positiveShare)} label={`Precision-recall curve for class ${classes[1]}`} />
            ) : (
              <Empty>The precision-recall curve is not available for this model.</Empty>
            )}
          </Section>
        </div>
      ) : (
        <p className="hint">ROC and precision-recall curves are drawn for two-class models.</p>
      )}
    </>
  );
}

export function BacktestTable({ candidates }: { candidates: NonNullable<ModelSummaryWithCurves["candidates"]> }) {
  return (
    <div className="table-wrap contained">
      <table className="data-table">
        <caption className="sr-only">Backtest scores per candidate method</caption>
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col">MASE</th>
            <th scope="col">sMAPE</th>
            <th scope="col">MAE</th>
            <th scope="col">RMSE</th>
            <th scope="col">Series backtested</th>
            <th scope="col">Series using it</th>
          </tr>
        </thead>
        <tbody>
          {candidates.map((c) => (
            <tr key={c.algorithm}>
              <th scope="row">{c.algorithm}</th>
              <td>{formatMetric(c.mase)}</td>
              <td>{formatMetric(c.smape)}</td>
              <td>{formatMetric(c.mae)}</td>
              <td>{formatMetric(c.rmse)}</td>
              <td>{c.series_backtested ?? 0}</td>
              <td>{c.series_chosen ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function BacktestPanel({ summary: s }: { summary: ModelSummaryWithCurves }) {
  const url = useUrlState();
  const metric = (["mase", "smape", "mae", "rmse"].includes(url.get("metric")) ? url.get("metric") : "mase") as BacktestMetric;
  const candidates = s.candidates ?? [];
  return (
    <Section
      title="Backtest scores per candidate"
      actions={
        <label>
          Score{" "}
          <select value={metric} onChange={(e) => url.set({ metric: e.target.value === "mase" ? null : e.target.value })}>
            <option value="mase">MASE</option>
            <option value="smape">sMAPE</option>
            <option value="mae">MAE</option>
            <option value="rmse">RMSE</option>
          </select>
        </label>
      }
    >
      {candidates.length === 0 ? (
        <Empty>This model has no backtest scores.</Empty>
      ) : (
        <>
          <p className="hint">
            Rolling-origin backtest over {s.backtest_windows} window(s) of {s.horizon} periods; lower is better. Highlighted: methods the model forecasts at least one series with.
          </p>
          <Chart option={backtestOption(candidates, metric)} label={`Backtest ${metric.toUpperCase()} per candidate method`} height={60 + 40 * candidates.length} />
          <BacktestTable candidates={candidates} />
        </>
      )}
    </Section>
  );
}

function ImportancePanel({ training }: { training: Training }) {
  const id = training.id!;
  const { can } = useMe();
  const queryClient = useQueryClient();
  const [sampleRows, setSampleRows] = useState("1000");
  const importance = useQuery({
    queryKey: trainingKeys.importance(id),
    queryFn: async () => {
      try {
        return await unwrap(api.GET("/api/v1/train/view-feature-importance", { params: { query: { train_id: id } } }));
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null; // none generated yet
        throw e;
      }
    },
    refetchInterval: (q) => (q.state.data && ["submitted", "running"].includes(q.state.data.status ?? "") ? POLL_MS : false),
  });
  const generate = useMutation({
    mutationFn: () => unwrap(api.GET("/api/v1/train/generate-feature-importance", { params: { query: { train_id: id, sample_rows: Number(sampleRows) || 1000 } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: trainingKeys.importance(id) }),
  });
  const terminate = useMutation({
    mutationFn: (jobId: string) => unwrap(api.POST("/api/v1/ray/terminate_ray_job", { params: { query: { ray_job_id: jobId, usage: "shap" } } })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: trainingKeys.importance(id) }),
  });
  const canGenerate = can("can_generate_feature_importance");
  const data = importance.data;
  const running = !!data && ["submitted", "running"].includes(data.status ?? "");
  const generator = canGenerate && !running && (
    <form
      className="inline"
      onSubmit={(e) => {
        e.preventDefault();
        generate.mutate();
      }}
    >
      <label htmlFor="sample_rows">Sample rows</label>
      <input id="sample_rows" type="number" min={1} max={100000} value={sampleRows} onChange={(e) => setSampleRows(e.target.value)} className="narrow" />
      <button type="submit" className={data ? "" : "primary"} disabled={generate.isPending}>
        {generate.isPending ? "Starting…" : data ? "Generate again" : "Generate feature importance"}
      </button>
    </form>
  );
  if (importance.isLoading) return <Loading what="Loading feature importance" />;
  if (importance.error) return <ErrorMessage error={importance.error} retry={() => void importance.refetch()} />;
  const ranked = data?.status === "completed" ? rankImportance(data.feature_importance ?? {}, 1000) : [];
  return (
    <Section title="Feature importance" actions={generator}>
      {generate.error && <ErrorMessage error={generate.error} />}
      {terminate.error && <ErrorMessage error={terminate.error} />}
      {!data ? (
        <Empty>{canGenerate ? "No feature importance yet. Generate it: a job explains a sample of the dataset's rows with SHAP." : "No feature importance has been generated for this model."}</Empty>
      ) : running ? (
        <div className="inline">
          <InProgress label={data.status === "running" ? `Computing SHAP values over ${data.sample_rows} rows…` : "Feature importance job queued…"} />
          {can("can_terminate_jobs") && data.shap_job_id && (
            <button type="button" className="danger" disabled={terminate.isPending} onClick={() => terminate.mutate(data.shap_job_id!)}>
              Terminate
            </button>
          )}
        </div>
      ) : data.status !== "completed" ? (
        <div className="state state-error" role="alert">
          <strong>The feature importance job {data.status}.</strong> {data.error}
        </div>
      ) : ranked.length === 0 ? (
        <Empty>The job completed without any importance.</Empty>
      ) : (
        <>
          <p className="hint">
            Mean |SHAP| per input column over {data.sample_rows} sample rows (the model&apos;s margin{training.problem_type === "Classification" ? ", log-odds" : ""}), computed {formatDate(data.created_at)}.
          </p>
          <Chart option={featureImportanceOption(data.feature_importance ?? {})} label={`Feature importance of ${ranked.length} columns; most important ${ranked[0]?.name}`} height={Math.min(900, 60 + 28 * Math.min(ranked.length, 26))} />
          <details>
            <summary>As a table</summary>
            <table className="data-table">
              <caption className="sr-only">Feature importance</caption>
              <thead>
                <tr>
                  <th scope="col">Column</th>
                  <th scope="col">Mean |SHAP|</th>
                </tr>
              </thead>
              <tbody>
                {ranked.map((r) => (
                  <tr key={r.name}>
                    <th scope="row">{r.name}</th>
                    <td>{formatMetric(r.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </Section>
  );
}

function VersionsPanel({ versions, current }: { versions: Training[]; current: number }) {
  const byId = new Map(versions.map((v) => [v.id, v]));
  return (
    <Section title="Versions of this predictor">
      <p className="hint">A predictor&apos;s first training is v1; each incremental training continues the latest version as the next.</p>
      <div className="table-wrap contained">
        <table className="data-table">
          <caption className="sr-only">Versions</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Status</th>
              <th scope="col">Continues</th>
              <th scope="col">Algorithm</th>
              <th scope="col">Dataset</th>
              <th scope="col">Holdout metric</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => {
              const m = headlineMetric(v);
              const base = v.base_training_id ? byId.get(v.base_training_id) : undefined;
              return (
                <tr key={v.id} aria-current={v.id === current ? "page" : undefined} className={v.id === current ? "current-row" : undefined}>
                  <th scope="row">
                    {v.id === current ? (
                      <span>v{v.version} (this one)</span>
                    ) : (
                      <Link to={`/training/${v.id}`}>v{v.version}</Link>
                    )}
                  </th>
                  <td>
                    <StatusBadge status={v.train_status} />
                  </td>
                  <td>{v.base_training_id ? (base ? `v${base.version}` : `training ${v.base_training_id}`) : "—"}</td>
                  <td>{v.algorithm}</td>
                  <td>{v.dataset_name ?? "deleted"}</td>
                  <td>{m ? `${m.name} ${formatMetric(m.value, m.name === "Accuracy" ? "percent" : "number")}` : "—"}</td>
                  <td>{formatDate(v.created_at)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Section>
  );
}
