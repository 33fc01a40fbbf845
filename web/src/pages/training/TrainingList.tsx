// The tenant's trainings, newest first, with their live status: the list polls while any is
// queued or running. Terminate (can_terminate_jobs) and delete (can_delete_models) per row.
import { useState } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { api, unwrap, type OrderBy } from "../../api/client";
import { DataTable, sortQuery, usePaging } from "../../components/DataTable";
import { PageHeader } from "../../components/PageHeader";
import { ErrorMessage, QueryView } from "../../components/States";
import { useMe } from "../../auth/useSession";
import { formatDate, headlineMetric, isActive, trainingKeys, type Training } from "./trainingApi";
import { formatMetric, StatusBadge } from "./parts";
import "./training.css";

const POLL_MS = 3000;

const SORTABLE: OrderBy<"/api/v1/train/list">[] = ["predictor_name", "version", "problem_type", "algorithm", "dataset_name", "training_status", "created_at"];
export function useTerminateTraining() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (t: Training) =>
      unwrap(api.POST("/api/v1/ray/terminate_ray_job", { params: { query: { ray_job_id: t.ray_job_id ?? "", usage: "training" } } })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ["trainings"] }),
  });
}

export function useDeleteTraining(onDeleted?: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (t: Training) => unwrap(api.DELETE("/api/v1/train/delete/{id}", { params: { path: { id: t.id! } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["trainings"] });
      onDeleted?.();
    },
  });
}

export function TrainingList() {
  const paging = usePaging();
  const { can } = useMe();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);
  const query = useQuery({
    queryKey: trainingKeys.page(paging.skip, paging.size, paging.sortKey),
    queryFn: () => unwrap(api.GET("/api/v1/train/list", { params: { query: { skip: paging.skip, limit: paging.size, ...sortQuery(paging, SORTABLE) } } })),
    placeholderData: (previous) => previous,
    refetchInterval: (q) => ((q.state.data?.data ?? []).some(isActive) ? POLL_MS : false),
  });
  const refresh = useMutation({
    mutationFn: () => unwrap(api.GET("/api/v1/train/refresh", { params: { query: { skip: paging.skip, limit: paging.size, ...sortQuery(paging, SORTABLE) } } })),
    onSuccess: (data) => queryClient.setQueryData(trainingKeys.page(paging.skip, paging.size, paging.sortKey), data),
  });
  const terminate = useTerminateTraining();
  const remove = useDeleteTraining();
  const active = (query.data?.data ?? []).filter(isActive).length;

  const column = createColumnHelper<Training>();
  const columns = [
    column.accessor("predictor_name", {
      header: "Predictor",
      cell: (c) => <Link to={`/training/${c.row.original.id}`}>{c.getValue()}</Link>,
    }),
    column.accessor("version", { header: "Version", cell: (c) => `v${c.getValue() ?? 1}` }),
    column.accessor("problem_type", { header: "Problem" }),
    column.accessor("algorithm", {
      header: "Algorithm",
      cell: (c) => {
        const t = c.row.original;
        return t.requested_algorithm === "auto" && t.algorithm !== "auto" && t.train_status === "completed" ? `${t.algorithm} (auto)` : c.getValue();
      },
    }),
    column.accessor("dataset_name", { header: "Dataset", cell: (c) => c.getValue() ?? <span className="hint">deleted</span> }),
    // Sorted by the stored status (training_status), which train_status is read from.
    column.accessor("train_status", {
      id: "training_status",
      header: "Status",
      cell: (c) => {
        const t = c.row.original;
        return (
          <>
            <StatusBadge status={t.train_status} label={t.training_status === "submitted_to_ray" ? "submitted to Ray" : t.train_status} />
            {t.error && <span className="cell-error">{t.error}</span>}
          </>
        );
      },
    }),
    column.display({
      id: "metric",
      header: "Holdout metric",
      cell: (c) => {
        const m = headlineMetric(c.row.original);
        return m ? `${m.name} ${formatMetric(m.value, m.name === "Accuracy" ? "percent" : "number")}` : "—";
      },
    }),
    column.accessor("created_at", { header: "Created", cell: (c) => formatDate(c.getValue()) }),
    column.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: (c) => {
        const t = c.row.original;
        const name = `${t.predictor_name} v${t.version ?? 1}`;
        return (
          <span className="inline">
            {isActive(t) && can("can_terminate_jobs") && t.ray_job_id && (
              <button
                type="button"
                className="danger small"
                disabled={terminate.isPending}
                aria-label={`Terminate ${name}`}
                onClick={() => window.confirm(`Terminate the training of ${name}?`) && terminate.mutate(t, { onSuccess: () => setNotice(`Termination of ${name} requested.`) })}
              >
                Terminate
              </button>
            )}
            {can("can_delete_models") && (
              <button
                type="button"
                className="danger small"
                disabled={remove.isPending}
                aria-label={`Delete ${name}`}
                onClick={() => window.confirm(`Delete ${name} and its model?`) && remove.mutate(t, { onSuccess: () => setNotice(`${name} deleted.`) })}
              >
                Delete
              </button>
            )}
          </span>
        );
      },
    }),
  ];

  return (
    <>
      <PageHeader
        title="Training"
        actions={
          <>
            <button type="button" onClick={() => refresh.mutate()} disabled={refresh.isPending}>
              {refresh.isPending ? "Refreshing…" : "Refresh statuses"}
            </button>
            {can("can_train_models") && (
              <Link className="button primary" to="/training/new">
                New training
              </Link>
            )}
          </>
        }
      >
        <p>Predictors and their model versions. A training runs as a job; its status updates here by itself.</p>
      </PageHeader>
      {active > 0 && (
        <p className="state state-progress" role="status" aria-live="polite">
          <span className="spinner" aria-hidden="true" /> {active === 1 ? "1 training is" : `${active} trainings are`} queued or running; this list refreshes every {POLL_MS / 1000} s.
        </p>
      )}
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      {terminate.error && <ErrorMessage error={terminate.error} />}
      {remove.error && <ErrorMessage error={remove.error} />}
      {refresh.error && <ErrorMessage error={refresh.error} />}
      <QueryView
        query={query}
        what="Loading trainings"
        isEmpty={(d) => (d.total ?? 0) === 0}
        empty={
          <>
            No trainings yet.{" "}
            {can("can_train_models") ? <Link to="/training/new">Train a model</Link> : "Ask someone who may train models to start one."}
          </>
        }
      >
        {(data) => (
          <div className="contained-table">
            <DataTable caption="Trainings" columns={columns} rows={data.data ?? []} total={data.total} paging={paging} sortable={SORTABLE} busy={query.isFetching} rowKey={(t) => String(t.id)} />
          </div>
        )}
      </QueryView>
    </>
  );
}
