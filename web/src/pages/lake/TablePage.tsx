// One lake table: metadata, columns with their SQL types, numeric statistics and distinct counts
// on demand (?stats=a,b&distinct=c keep which are open), and a dataset made from the table.
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, authorizedFetch, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import type { components } from "../../api/schema";
import { useMe } from "../../auth/useSession";
import { useUrlState } from "../../app/useUrlState";
import { Chart } from "../../components/Chart";
import { ErrorMessage, InProgress, Loading, QueryView } from "../../components/States";
import { numericSummaryOption } from "../../charts/lakeStats";
import { FieldIssue } from "../../components/FieldIssue";
import { formatTime } from "../admin/common";
import { fieldIssues, generalError } from "../admin/forms";
import { exactIntegerField, exactIntegerFieldAll, formatNumber, fromTableQuery, isNumeric, parseList, toggleInList, type FromTableValues } from "./lakeModel";

type SnapshotInfo = Omit<NonNullable<components["schemas"]["DatalakeTableMetadata"]["snapshots"]>[number], "snapshot_id" | "parent_snapshot_id"> & {
  snapshot_id: string;
  parent_snapshot_id: string | null;
};
type Metadata = Omit<components["schemas"]["DatalakeTableMetadata"], "current_snapshot_id" | "snapshots"> & {
  current_snapshot_id: string | null;
  snapshots: SnapshotInfo[];
};
type Column = components["schemas"]["DatalakeColumn"];
type UploadResult = components["schemas"]["UploadResult"];

// Read through fetch so the 64-bit snapshot id keeps its digits.
async function readMetadata(schema: string, table: string): Promise<Metadata> {
  const q = new URLSearchParams({ schema_name: schema, table_name: table });
  const text = await (await authorizedFetch(`/api/v1/datalake/table_metadata?${q}`)).text();
  const parsed = JSON.parse(text) as components["schemas"]["DatalakeTableMetadata"];
  const ids = exactIntegerFieldAll(text, "snapshot_id");
  const parents = exactIntegerFieldAll(text, "parent_snapshot_id");
  const snapshots = (parsed.snapshots ?? []).map((s, i) => ({ ...s, snapshot_id: ids[i] ?? String(s.snapshot_id), parent_snapshot_id: parents[i] ?? null }));
  return { ...parsed, current_snapshot_id: exactIntegerField(text, "current_snapshot_id"), snapshots };
}

export function TablePage({ schema, table }: { schema: string; table: string }) {
  const metadata = useQuery({ queryKey: ["lake", "metadata", schema, table], queryFn: () => readMetadata(schema, table) });
  const columns = useQuery({
    queryKey: ["lake", "columns", schema, table],
    queryFn: () => unwrap(api.GET("/api/v1/datalake/tables/columns", { params: { query: { schema_name: schema, table_name: table } } })),
  });
  // Statistics are of the current snapshot: a new commit asks again.
  const snapshot = metadata.data?.current_snapshot_id ?? "none";
  return (
    <>
      <section aria-labelledby="meta-h">
        <h2 id="meta-h">Metadata</h2>
        <QueryView query={metadata} what="Loading the table's metadata">
          {(m) => <MetadataView m={m} />}
        </QueryView>
      </section>
      <section className="lake-section" aria-labelledby="cols-h">
        <h2 id="cols-h">Columns</h2>
        <QueryView query={columns} what="Loading the columns" isEmpty={(d) => d.length === 0} empty="The table has no columns.">
          {(cols) => <Columns schema={schema} table={table} columns={cols} snapshot={snapshot} />}
        </QueryView>
      </section>
      {metadata.data && (
        <section className="lake-section card" aria-labelledby="ds-h">
          <h2 id="ds-h">Make a dataset from this table</h2>
          <FromTable schema={schema} table={table} current={metadata.data.current_snapshot_id} empty={metadata.data.record_count === 0} />
        </section>
      )}
    </>
  );
}

function MetadataView({ m }: { m: Metadata }) {
  return (
    <>
      <ul className="metrics">
        <li>
          Records <strong>{m.record_count.toLocaleString("en-US")}</strong>
        </li>
        <li>
          Data files <strong>{m.file_count.toLocaleString("en-US")}</strong>
        </li>
        <li>
          Owner <strong>{m.owner ?? "—"}</strong>
        </li>
        <li>
          Created <strong>{formatTime(m.created_time)}</strong>
        </li>
        <li>
          Last commit <strong>{formatTime(m.last_access_time)}</strong>
        </li>
        <li>
          Format <strong>{m.format}</strong>
        </li>
      </ul>
      <dl className="meta-list">
        <dt>Current snapshot</dt>
        <dd>{m.current_snapshot_id ? <code>{m.current_snapshot_id}</code> : "none (the table has no commits)"}</dd>
        <dt>Location</dt>
        <dd className="lake-location">
          <code>{m.location}</code>
        </dd>
      </dl>
      <h3 id="snapshots-h">Snapshots</h3>
      {m.snapshots.length === 0 ? (
        <p className="hint">No commits yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-labelledby="snapshots-h">
            <thead>
              <tr>
                <th scope="col">Snapshot</th>
                <th scope="col">Committed</th>
                <th scope="col">Operation</th>
                <th scope="col">Records added</th>
                <th scope="col">Records in total</th>
                <th scope="col">Parent</th>
              </tr>
            </thead>
            <tbody>
              {m.snapshots.map((snap) => (
                <tr key={snap.snapshot_id}>
                  <td>
                    <code>{snap.snapshot_id}</code>
                    {snap.snapshot_id === m.current_snapshot_id && <span className="badge ok"> current</span>}
                  </td>
                  <td>{formatTime(snap.committed_at)}</td>
                  <td>{snap.operation ?? "—"}</td>
                  <td>{snap.added_records === null ? "—" : snap.added_records.toLocaleString("en-US")}</td>
                  <td>{snap.total_records === null ? "—" : snap.total_records.toLocaleString("en-US")}</td>
                  <td>{snap.parent_snapshot_id ? <code>{snap.parent_snapshot_id}</code> : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function Columns({ schema, table, columns, snapshot }: { schema: string; table: string; columns: Column[]; snapshot: string }) {
  const url = useUrlState();
  const stats = parseList(url.get("stats"));
  const distinct = parseList(url.get("distinct"));
  const shownStats = columns.filter((c) => stats.includes(c.column_name) && isNumeric(c.data_type));
  return (
    <>
      <div className="table-wrap">
        <table className="data-table">
          <caption className="sr-only">Columns of {schema}.{table}</caption>
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">SQL type</th>
              <th scope="col">Distinct values</th>
              <th scope="col">Numeric statistics</th>
            </tr>
          </thead>
          <tbody>
            {columns.map((c) => (
              <tr key={c.column_name}>
                <th scope="row">{c.column_name}</th>
                <td>
                  <code>{c.data_type}</code>
                </td>
                <td>
                  {distinct.includes(c.column_name) ? (
                    <DistinctCount schema={schema} table={table} column={c.column_name} snapshot={snapshot} />
                  ) : (
                    <button type="button" onClick={() => url.set({ distinct: toggleInList(url.get("distinct"), c.column_name) })} aria-label={`Count distinct values of ${c.column_name}`}>
                      Count distinct
                    </button>
                  )}
                </td>
                <td>
                  {isNumeric(c.data_type) ? (
                    <button
                      type="button"
                      aria-pressed={stats.includes(c.column_name)}
                      onClick={() => url.set({ stats: toggleInList(url.get("stats"), c.column_name) })}
                      aria-label={`${stats.includes(c.column_name) ? "Hide" : "Show"} statistics of ${c.column_name}`}
                    >
                      {stats.includes(c.column_name) ? "Hide statistics" : "Show statistics"}
                    </button>
                  ) : (
                    <span className="hint">not numeric</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {shownStats.length > 0 && (
        <div className="lake-stats lake-section">
          {shownStats.map((c) => (
            <NumericStats key={c.column_name} schema={schema} table={table} column={c.column_name} snapshot={snapshot} />
          ))}
        </div>
      )}
    </>
  );
}

function DistinctCount({ schema, table, column, snapshot }: { schema: string; table: string; column: string; snapshot: string }) {
  const query = useQuery({
    queryKey: ["lake", "distinct", schema, table, column, snapshot],
    queryFn: () => unwrap(api.GET("/api/v1/datalake/distinct-count", { params: { query: { schema, table, column } } })),
    staleTime: Infinity,
  });
  if (query.isLoading) return <Loading what="Counting" />;
  if (query.error) return <ErrorMessage error={query.error} retry={() => void query.refetch()} />;
  return (
    <span>
      <strong>{formatNumber(query.data?.distinct_count)}</strong> {query.data?.exact ? <span className="hint">exact</span> : <span className="hint">estimate</span>}
    </span>
  );
}

function NumericStats({ schema, table, column, snapshot }: { schema: string; table: string; column: string; snapshot: string }) {
  const query = useQuery({
    queryKey: ["lake", "numeric", schema, table, column, snapshot],
    queryFn: () => unwrap(api.GET("/api/v1/datalake/numeric_stats", { params: { query: { schema_name: schema, table_name: table, column_name: column } } })),
    staleTime: Infinity,
  });
  return (
    <section className="card" aria-labelledby={`stats-${column}`}>
      <h3 id={`stats-${column}`}>{column}</h3>
      <QueryView query={query} what={`Computing statistics of ${column}`}>
        {(s) => {
          const option = numericSummaryOption(s);
          return (
            <>
              <ul className="metrics">
                {(
                  [
                    ["Count", s.count],
                    ["Mean", s.mean],
                    ["Std dev", s.std_dev],
                    ["Min", s.min],
                    ["Median", s.median],
                    ["Max", s.max],
                  ] as const
                ).map(([label, v]) => (
                  <li key={label}>
                    {label} <strong>{formatNumber(v)}</strong>
                  </li>
                ))}
              </ul>
              {option ? <Chart option={option} label={`Range, mean ± standard deviation, median of ${column}`} height={140} /> : <p className="hint">No values to draw.</p>}
            </>
          );
        }}
      </QueryView>
    </section>
  );
}

const FIELDS = ["dataset_name", "usage", "snapshot_id", "table_name", "schema_name"] as const;

function FromTable({ schema, table, current, empty }: { schema: string; table: string; current: string | null; empty: boolean }) {
  const { can } = useMe();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<FromTableValues>({ dataset_name: table, usage: "t", snapshot_id: "" });
  const [local, setLocal] = useState<Map<string, string>>(new Map());
  const make = useMutation({
    mutationFn: async (query: URLSearchParams) => {
      const text = await (await authorizedFetch(`/api/v1/dataset/from_iceberg?${query}`, { method: "POST" })).text();
      const result = JSON.parse(text) as UploadResult;
      return { ...result, snapshot_id: exactIntegerField(text, "snapshot_id") };
    },
    onSuccess: () => void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] === "datasets" }),
  });
  if (!can("can_upload_dataset")) return <p className="hint">Making a dataset takes the can_upload_dataset permission.</p>;
  const api422 = fieldIssues(make.error, FIELDS);
  // "Snapshot not found" (404) belongs beside the snapshot id.
  if (make.error instanceof ApiError && make.error.status === 404 && /snapshot/i.test(make.error.message)) api422.set("snapshot_id", make.error.message);
  const issue = (k: string) => local.get(k) ?? api422.get(k);
  // A 409 or 404 placed beside its field is not said again above the button.
  const placedWhole = make.error instanceof ApiError && make.error.issues.length === 0 && api422.size > 0;
  const general = placedWhole ? null : generalError(make.error, ["dataset_name", "usage", "snapshot_id"]);
  const set = (change: Partial<FromTableValues>) => {
    setValues((v) => ({ ...v, ...change }));
    setLocal(new Map());
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const built = fromTableQuery(values, schema, table);
    if ("issues" in built) {
      setLocal(built.issues);
      return;
    }
    setLocal(new Map());
    make.mutate(built.query);
  };
  const described = (id: string, hint?: boolean) => [issue(id) ? `ft-${id}-error` : null, hint ? `ft-${id}-hint` : null].filter(Boolean).join(" ") || undefined;
  return (
    <>
      <p className="hint">Copies the rows of a snapshot into a new dataset; later commits to the table do not change it.</p>
      {empty && <p className="hint">This table has no rows: the API will refuse to make a dataset of it.</p>}
      <form className="form" onSubmit={submit} noValidate aria-label="Make a dataset from this table">
        <div className="field">
          <label htmlFor="ft-dataset_name">Dataset name</label>
          <input id="ft-dataset_name" value={values.dataset_name} onChange={(e) => set({ dataset_name: e.target.value })} aria-invalid={issue("dataset_name") ? true : undefined} aria-describedby={described("dataset_name")} />
          <FieldIssue id="ft-dataset_name-error" message={issue("dataset_name")} />
        </div>
        <fieldset className="usage-choice" aria-describedby={described("usage")}>
          <legend>Usage</legend>
          <label>
            <input type="radio" name="usage" value="t" checked={values.usage === "t"} onChange={() => set({ usage: "t" })} /> Training
          </label>
          <label>
            <input type="radio" name="usage" value="p" checked={values.usage === "p"} onChange={() => set({ usage: "p" })} /> Prediction
          </label>
        </fieldset>
        <FieldIssue id="ft-usage-error" message={issue("usage")} />
        <div className="field">
          <label htmlFor="ft-snapshot_id">Snapshot id (optional)</label>
          <input
            id="ft-snapshot_id"
            inputMode="numeric"
            value={values.snapshot_id}
            placeholder={current ?? ""}
            onChange={(e) => set({ snapshot_id: e.target.value })}
            aria-invalid={issue("snapshot_id") ? true : undefined}
            aria-describedby={described("snapshot_id", true)}
          />
          <p id="ft-snapshot_id-hint" className="hint">
            Empty: the current snapshot{current ? ` (${current})` : ""}.
          </p>
          <FieldIssue id="ft-snapshot_id-error" message={issue("snapshot_id")} />
        </div>
        {general && (
          <p className="field-error" role="alert">
            {api422.get("table_name") ?? general}
          </p>
        )}
        <div className="inline">
          <button type="submit" className="primary" disabled={make.isPending}>
            {make.isPending ? "Making the dataset…" : "Make dataset"}
          </button>
        </div>
      </form>
      {make.isPending && <InProgress label="Copying the snapshot's rows into a new dataset" />}
      {make.data && (
        <p className="state state-empty lake-result" role="status">
          Dataset <Link to={`/datasets/${make.data.dataset_id}`}>{make.data.dataset_name}</Link> was made from snapshot <code>{make.data.snapshot_id}</code>
          {make.data.files?.[0] ? ` (${formatNumber(make.data.files[0].valid_records)} records)` : ""}.{" "}
          <Link to={`/datasets/${make.data.dataset_id}`}>Open the dataset</Link>
        </p>
      )}
    </>
  );
}
