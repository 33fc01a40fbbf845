// Per-column statistics: POST generate_statistics queues a job, GET statistics is polled while
// it is queued or running, then each numeric column gets a histogram and its summary, each
// string column its most frequent values, booleans their true/false counts. ?column= shows one.
import { useMemo } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import { useUrlState } from "../../app/useUrlState";
import { useMe } from "../../auth/useSession";
import { Chart } from "../../components/Chart";
import { Empty, ErrorMessage, InProgress, Loading } from "../../components/States";
import { histogramOption, binLabels, topValuesHeight, topValuesOption, type ValueCount } from "../../charts/datasets";
import { formatNumber, isActive, parseStatistics, type ColumnStats, type Histogram } from "./statistics";
import { formatDate, keys } from "./queries";

export function StatisticsTab({ datasetId, hasValidRecords }: { datasetId: number; hasValidRecords: boolean }) {
  const { can } = useMe();
  const queryClient = useQueryClient();
  const url = useUrlState();
  const stats = useQuery({
    queryKey: keys.statistics(datasetId),
    queryFn: async () => {
      try {
        return await unwrap(api.GET("/api/v1/dataset/statistics", { params: { query: { dataset_id: datasetId } } }));
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null; // none generated yet
        throw e;
      }
    },
    refetchInterval: (q) => (isActive(q.state.data?.status) ? 1000 : false),
  });
  const generate = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/dataset/generate_statistics", { params: { query: { dataset_id: datasetId } } })),
    onSuccess: () => {
      // Show the queued job at once; polling takes over from there.
      queryClient.setQueryData(keys.statistics(datasetId), { dataset_id: datasetId, status: "queued" as const, created_at: new Date().toISOString() });
      void queryClient.invalidateQueries({ queryKey: keys.statistics(datasetId) });
    },
  });
  const parsed = useMemo(() => (stats.data?.status === "completed" ? parseStatistics(stats.data.statistics) : null), [stats.data]);

  const mayGenerate = can("can_generate_statistics");
  const job = stats.data;
  const running = isActive(job?.status) || generate.isPending;
  const generateButton = mayGenerate && (
    <button type="button" className={job ? undefined : "primary"} disabled={running || !hasValidRecords} onClick={() => generate.mutate()}>
      {generate.isPending ? "Starting…" : job ? "Compute again" : "Compute statistics"}
    </button>
  );

  if (stats.isLoading) return <Loading what="Loading statistics" />;
  if (stats.error) return <ErrorMessage error={stats.error} retry={() => void stats.refetch()} />;

  const selected = url.get("column");
  const columns = parsed?.columns ?? [];
  const shown = selected ? columns.filter((c) => c.column_name === selected) : columns;

  return (
    <>
      <div className="toolbar">
        {generateButton}
        {job?.status === "completed" && (
          <p className="hint">
            Computed {formatDate(job.finished_at)} over {formatNumber(parsed?.row_count)} valid rows.
          </p>
        )}
        {columns.length > 1 && (
          <div className="field">
            <label htmlFor="stats-column">Column</label>
            <select id="stats-column" value={selected} onChange={(e) => url.set({ column: e.target.value || null })}>
              <option value="">All columns ({columns.length})</option>
              {columns.map((c) => (
                <option key={c.column_name}>{c.column_name}</option>
              ))}
            </select>
          </div>
        )}
      </div>
      {generate.error && <ErrorMessage error={generate.error} />}
      {!hasValidRecords && <Empty>The dataset has no valid records to describe.</Empty>}
      {hasValidRecords && !job && !generate.isPending && (
        <Empty>{mayGenerate ? "No statistics yet. Compute them to see each column's distribution." : "No statistics were computed for this dataset yet."}</Empty>
      )}
      {running && (
        <InProgress label={job?.status === "running" ? `Computing statistics (started ${formatDate(job.created_at)})…` : "Statistics job queued…"} />
      )}
      {job?.status === "failed" && <ErrorMessage error={new Error(`The statistics job failed: ${job.error ?? "no reason given"}`)} />}
      {job?.status === "cancelled" && <Empty>The statistics job was cancelled.</Empty>}
      {job?.status === "completed" &&
        (shown.length === 0 ? (
          <Empty>{selected ? `There is no column "${selected}".` : "The dataset has no columns."}</Empty>
        ) : (
          <div className="stat-cards">
            {shown.map((c) => (
              <ColumnCard key={c.column_name} column={c} />
            ))}
          </div>
        ))}
    </>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function ColumnCard({ column: c }: { column: ColumnStats }) {
  const id = `stats-${c.column_name.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  return (
    <section className="card stat-card" aria-labelledby={id}>
      <h3 id={id}>
        {c.column_name} <span className="type">{c.data_type}</span>
      </h3>
      <dl className="stat-list">
        <Stat label="Values" value={formatNumber(c.count)} />
        <Stat label="Nulls" value={formatNumber(c.nulls)} />
        <Stat label="Distinct" value={formatNumber(c.distinct)} />
        {c.kind === "numeric" && (
          <>
            <Stat label="Min" value={formatNumber(c.min)} />
            <Stat label="Max" value={formatNumber(c.max)} />
            <Stat label="Mean" value={formatNumber(c.mean)} />
            <Stat label="Std dev" value={formatNumber(c.std)} />
            <Stat label="Q1" value={formatNumber(c.q1)} />
            <Stat label="Median" value={formatNumber(c.median)} />
            <Stat label="Q3" value={formatNumber(c.q3)} />
          </>
        )}
        {c.kind === "string" && (
          <>
            <Stat label="Shortest" value={c.min_length === null ? "—" : `${c.min_length} chars`} />
            <Stat label="Longest" value={c.max_length === null ? "—" : `${c.max_length} chars`} />
          </>
        )}
        {c.kind === "boolean" && (
          <>
            <Stat label="True" value={formatNumber(c.true_count)} />
            <Stat label="False" value={formatNumber(c.false_count)} />
          </>
        )}
        {c.kind === "time" && (
          <>
            <Stat label="Earliest" value={c.min ?? "—"} />
            <Stat label="Latest" value={c.max ?? "—"} />
          </>
        )}
      </dl>
      {c.kind === "numeric" &&
        (c.histogram ? (
          <>
            <HistogramChart histogram={c.histogram} column={c.column_name} />
            <AsTable
              caption={`Histogram of ${c.column_name}`}
              head={["Range", "Rows"]}
              rows={binLabels(c.histogram).map((l, i) => [l, formatNumber(c.histogram!.counts[i])])}
            />
          </>
        ) : (
          <p className="hint">No values to draw.</p>
        ))}
      {c.kind === "string" && (c.top_values?.length ? <TopValues values={c.top_values} column={c.column_name} /> : <p className="hint">No values to draw.</p>)}
      {c.kind === "boolean" && (c.count ?? 0) > 0 && (
        <TopValues
          column={c.column_name}
          title="Counts"
          values={[
            { value: "true", count: c.true_count ?? 0 },
            { value: "false", count: c.false_count ?? 0 },
          ]}
        />
      )}
    </section>
  );
}

function TopValues({ values, column, title = "Most frequent values" }: { values: ValueCount[]; column: string; title?: string }) {
  return (
    <>
      <h4 className="hint">{title}</h4>
      <TopValuesChart values={values} column={column} label={`${title} of ${column}`} />
      <AsTable caption={`${title} of ${column}`} head={["Value", "Rows"]} rows={values.map((v) => [v.value === "" ? "(empty)" : v.value, formatNumber(v.count)])} />
    </>
  );
}

function HistogramChart({ histogram, column }: { histogram: Histogram; column: string }) {
  const option = useMemo(() => histogramOption(histogram, column), [histogram, column]);
  return <Chart option={option} label={`Histogram of ${column}`} height={260} />;
}

function TopValuesChart({ values, column, label }: { values: ValueCount[]; column: string; label: string }) {
  const option = useMemo(() => topValuesOption(values, column), [values, column]);
  return <Chart option={option} label={label} height={topValuesHeight(values.length)} />;
}

// The chart's numbers as a table, for screen readers and for copying.
function AsTable({ caption, head, rows }: { caption: string; head: string[]; rows: string[][] }) {
  return (
    <details className="as-table">
      <summary>Show as a table</summary>
      <table className="data-table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {r.map((cell, j) => (
                <td key={j}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
