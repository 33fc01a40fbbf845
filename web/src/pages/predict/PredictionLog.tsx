// The model's predictions log (GET /api/v1/inference/predictions), newest first, paged in the URL
// (?logpage=, ?logsize=). A batch row opens its status and result.
import { Link } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { api, download, unwrap, type OrderBy } from "../../api/client";
import type { components } from "../../api/schema";
import { DataTable, sortQuery, usePaging } from "../../components/DataTable";
import { QueryView } from "../../components/States";
import { useMe } from "../../auth/useSession";
import { formatDate, type Training } from "../training/trainingApi";
import { formatMetric, StatusBadge } from "../training/parts";
import { describeOutput } from "./predictForm";

type Entry = NonNullable<components["schemas"]["PredictionList"]["data"]>[number];
const column = createColumnHelper<Entry>();

const SORTABLE: OrderBy<"/api/v1/inference/predictions">[] = ["date", "prediction_type", "status", "no_of_records", "created_by"];
export function PredictionLog({ training }: { training: Training }) {
  const id = training.id!;
  const paging = usePaging("log", 25);
  const { can } = useMe();
  const query = useQuery({
    queryKey: ["predictions", id, paging.skip, paging.size, paging.sortKey],
    queryFn: () => unwrap(api.GET("/api/v1/inference/predictions", { params: { query: { train_id: id, skip: paging.skip, limit: paging.size, ...sortQuery(paging, SORTABLE) } } })),
    placeholderData: (previous) => previous,
    refetchInterval: (q) => ((q.state.data?.data ?? []).some((e) => e.status === "submitted" || e.status === "running") ? 3000 : false),
  });
  const columns = [
    column.accessor("date", { header: "When", cell: (c) => formatDate(c.getValue()) }),
    column.accessor("prediction_type", { header: "Kind" }),
    column.accessor("status", { header: "Status", cell: (c) => <StatusBadge status={c.getValue()} /> }),
    column.accessor("no_of_records", { header: "Rows", cell: (c) => (c.getValue() ?? 0).toLocaleString() }),
    column.accessor("input_data", {
      header: "Input",
      cell: (c) => {
        const e = c.row.original;
        if (e.prediction_type === "batch") return `dataset #${e.dataset_id ?? "?"}`;
        const text = c.getValue() ?? "";
        return (
          <span className="log-input" title={text}>
            {text.length > 60 ? `${text.slice(0, 60)}…` : text}
          </span>
        );
      },
    }),
    column.accessor("output", {
      header: "Answer or score",
      cell: (c) => {
        const e = c.row.original;
        if (e.prediction_type === "batch") {
          if (e.status !== "completed") return e.error ?? "";
          if (typeof e.accuracy === "number") return `Accuracy ${formatMetric(e.accuracy, "percent")} on ${e.scored_records} rows`;
          if (typeof e.rmse === "number") return `RMSE ${formatMetric(e.rmse)} on ${e.scored_records} rows`;
          return "not scored";
        }
        return describeOutput(c.getValue());
      },
    }),
    column.accessor("created_by", { header: "By" }),
    column.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: (c) => {
        const e = c.row.original;
        if (e.prediction_type !== "batch") return null;
        return (
          <span className="inline">
            <Link to={`?tab=batch&prediction=${e.prediction_id}`} aria-label={`Open batch prediction ${e.prediction_id}`}>
              Open
            </Link>
            {typeof e.file_id === "number" && can("can_download_files") && (
              <button type="button" className="small" aria-label={`Download the result of batch prediction ${e.prediction_id}`} onClick={() => void download(`/api/v1/files/download?file_id=${e.file_id}`, `prediction_${e.prediction_id}.csv`)}>
                Download
              </button>
            )}
          </span>
        );
      },
    }),
  ];
  return (
    <QueryView query={query} what="Loading the predictions log" isEmpty={(d) => (d.total ?? 0) === 0} empty="No predictions with this model yet.">
      {(data) => (
        <div className="contained-table">
          <DataTable caption="Predictions log" columns={columns} rows={data.data ?? []} total={data.total} paging={paging} sortable={SORTABLE} busy={query.isFetching} rowKey={(e) => String(e.prediction_id)} />
        </div>
      )}
    </QueryView>
  );
}
