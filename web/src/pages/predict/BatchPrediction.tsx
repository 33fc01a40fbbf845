// A dataset in a batch: choose it (?dataset=), start, follow the job (?prediction=) until it ends,
// then its score, the first rows of the result and the download.
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, authorizedFetch, download, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import { useUrlState } from "../../app/useUrlState";
import { Empty, ErrorMessage, InProgress, Loading } from "../../components/States";
import { useMe } from "../../auth/useSession";
import type { Training } from "../training/trainingApi";
import { formatDate } from "../training/trainingApi";
import { FieldIssue } from "../../components/FieldIssue";
import { formatMetric, MetricCards, Section, StatusBadge } from "../training/parts";
import { parseCsv } from "./predictForm";

const POLL_MS = 2000;
const ACTIVE = ["submitted", "running"];

export function BatchPrediction({ training }: { training: Training }) {
  const id = training.id!;
  const url = useUrlState();
  const { can } = useMe();
  const queryClient = useQueryClient();
  const datasetParam = url.getInt("dataset", -1);
  const predictionId = url.getInt("prediction", -1);
  const [issues, setIssues] = useState<string[]>([]);
  const datasets = useQuery({
    queryKey: ["datasets", "validated", "all"],
    queryFn: () => unwrap(api.GET("/api/v1/dataset/list_validated", { params: { query: { skip: 0, limit: 1000 } } })),
  });
  const start = useMutation({
    mutationFn: (datasetId: number) => unwrap(api.POST("/api/v1/inference/batchPrediction", { body: { train_id: id, dataset_id: datasetId } })),
    onSuccess: (p) => {
      queryClient.setQueryData(["batch", p.prediction_id], p);
      void queryClient.invalidateQueries({ queryKey: ["predictions", id] });
      url.set({ prediction: p.prediction_id });
    },
    onError: (e) => {
      if (e instanceof ApiError) setIssues(e.issues.map((i) => i.msg));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setIssues([]);
    if (datasetParam < 0) {
      setIssues(["Choose a dataset to predict"]);
      return;
    }
    start.mutate(datasetParam);
  };
  const startError = start.error instanceof ApiError && start.error.issues.length > 0 ? null : start.error;
  return (
    <>
      {can("can_run_batch_prediction") && (
        <Section title="Predict a dataset">
          <form className="inline" onSubmit={submit} noValidate aria-label="Batch prediction">
            <label htmlFor="batch-dataset">Dataset</label>
            {datasets.isLoading ? (
              <Loading what="Loading datasets" />
            ) : datasets.error ? (
              <ErrorMessage error={datasets.error} retry={() => void datasets.refetch()} />
            ) : (
              <select
                id="batch-dataset"
                value={datasetParam >= 0 ? datasetParam : ""}
                onChange={(e) => url.set({ dataset: e.target.value || null })}
                aria-invalid={issues.length > 0}
                aria-describedby={issues.length > 0 ? "batch-dataset-error" : "batch-dataset-hint"}
              >
                <option value="">Choose a dataset…</option>
                {(datasets.data ?? []).map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.dataset_name} ({(d.valid_records ?? 0).toLocaleString()} rows{d.dataset_usage === "Prediction" ? ", for prediction" : ""})
                  </option>
                ))}
              </select>
            )}
            <button type="submit" className="primary" disabled={start.isPending || datasets.isLoading}>
              {start.isPending ? "Starting…" : "Start batch prediction"}
            </button>
          </form>
          <p id="batch-dataset-hint" className="hint">
            The dataset needs every input column of the model. When it also has the target column, the predictions are scored.
          </p>
          {issues.length > 0 && <FieldIssue id="batch-dataset-error" message={issues.join("; ")} />}
          {startError && <ErrorMessage error={startError} />}
        </Section>
      )}
      {predictionId >= 0 ? (
        <BatchStatus predictionId={predictionId} trainingId={id} problemType={training.problem_type} />
      ) : (
        <Empty>
          No batch prediction selected. Start one above, or open one from the <Link to={`?tab=log`}>predictions log</Link>.
        </Empty>
      )}
    </>
  );
}

function BatchStatus({ predictionId, trainingId, problemType }: { predictionId: number; trainingId: number; problemType?: string }) {
  const { can } = useMe();
  const queryClient = useQueryClient();
  const result = useQuery({
    queryKey: ["batch", predictionId],
    queryFn: () => unwrap(api.GET("/api/v1/inference/result", { params: { query: { prediction_id: predictionId } } })),
    refetchInterval: (q) => (q.state.data && ACTIVE.includes(q.state.data.status ?? "") ? POLL_MS : false),
  });
  const terminate = useMutation({
    mutationFn: (jobId: number) => unwrap(api.POST("/api/v1/ray/terminate_ray_job", { params: { query: { ray_job_id: String(jobId), usage: "batch_prediction" } } })),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ["batch", predictionId] });
      void queryClient.invalidateQueries({ queryKey: ["predictions", trainingId] });
    },
  });
  const p = result.data;
  const done = p?.status === "completed";
  const preview = useQuery({
    queryKey: ["batch", predictionId, "preview", p?.file_id],
    queryFn: async () => parseCsv(await (await authorizedFetch(`/api/v1/files/download?file_id=${p!.file_id}`)).text(), 10),
    enabled: done && typeof p?.file_id === "number" && can("can_download_files"),
    staleTime: Infinity,
  });
  const [downloadError, setDownloadError] = useState<unknown>(null);
  if (result.isLoading) return <Loading what="Loading the batch prediction" />;
  if (result.error) return <ErrorMessage error={result.error} retry={() => void result.refetch()} />;
  if (!p) return null;
  if (p.train_id !== undefined && p.train_id !== trainingId) {
    return <Empty>Batch prediction {predictionId} belongs to another model.</Empty>;
  }
  const active = ACTIVE.includes(p.status ?? "");
  return (
    <Section title={`Batch prediction ${predictionId}`}>
      <p className="inline">
        <StatusBadge status={p.status} />
        <span>
          dataset #{p.dataset_id} · {(p.no_of_records ?? 0).toLocaleString()} rows · started {formatDate(p.created_at)} by {p.created_by}
          {p.finished_at ? ` · finished ${formatDate(p.finished_at)}` : ""}
        </span>
      </p>
      {active && (
        <div className="inline">
          <ol className="batch-steps" aria-label="Progress">
            <li className="done">Submitted</li>
            <li className={p.status === "running" ? "current" : ""} aria-current={p.status === "running" ? "step" : undefined}>
              Predicting {(p.no_of_records ?? 0).toLocaleString()} rows
            </li>
            <li>Scored and saved</li>
          </ol>
          <InProgress label={p.status === "running" ? "Running: the worker predicts every row…" : "Queued: waiting for a worker…"} />
          {can("can_terminate_jobs") && typeof p.job_id === "number" && (
            <button type="button" className="danger" disabled={terminate.isPending} onClick={() => window.confirm("Terminate this batch prediction?") && terminate.mutate(p.job_id!)}>
              Terminate
            </button>
          )}
        </div>
      )}
      {terminate.error && <ErrorMessage error={terminate.error} />}
      {(p.status === "failed" || p.status === "terminated") && (
        <div className="state state-error" role="alert">
          <strong>The batch prediction {p.status}.</strong> {p.error}
        </div>
      )}
      {done && (
        <>
          <MetricCards
            label="Result"
            items={[
              { label: "Rows predicted", value: p.no_of_records },
              { label: "Rows scored", value: p.scored_records ?? 0 },
              ...(problemType === "Classification" ? [{ label: "Accuracy", value: p.accuracy ?? null, format: "percent" as const }] : []),
              ...(problemType === "Regression" ? [{ label: "RMSE", value: p.rmse ?? null }] : []),
            ]}
          />
          {(p.scored_records ?? 0) === 0 && <p className="hint">Not scored: the dataset has no values of the model&apos;s target.</p>}
          {typeof p.file_id === "number" ? (
            <>
              {can("can_download_files") && (
                <button
                  type="button"
                  className="primary"
                  onClick={() => {
                    setDownloadError(null);
                    download(`/api/v1/files/download?file_id=${p.file_id}`, `prediction_${predictionId}.csv`).catch(setDownloadError);
                  }}
                >
                  Download the result (CSV)
                </button>
              )}
              {downloadError !== null && <ErrorMessage error={downloadError} />}
              {preview.data && preview.data.header.length > 0 && (
                <div className="table-wrap contained">
                  <table className="data-table">
                    <caption>First rows of the result</caption>
                    <thead>
                      <tr>
                        {preview.data.header.map((h) => (
                          <th key={h} scope="col">
                            {h}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {preview.data.rows.map((r, i) => (
                        <tr key={i}>
                          {r.map((v, j) => (
                            <td key={j}>{/^-?\d+\.\d{5,}$/.test(v) ? formatMetric(Number(v)) : v}</td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              {preview.error && <ErrorMessage error={preview.error} />}
            </>
          ) : (
            <p className="hint">The result file has been deleted.</p>
          )}
        </>
      )}
    </Section>
  );
}
