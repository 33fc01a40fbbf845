// Every job of the tenant, newest first (GET /api/v1/jobs), filtered by ?status= and ?kind=, paged
// by ?page=; polled while any listed job is queued or running.
import { useMemo, useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { authorizedFetch, type OrderBy } from "../../api/client";
import { ApiError } from "../../api/errors";
import { useUrlState } from "../../app/useUrlState";
import { DataTable, sortQuery, usePaging } from "../../components/DataTable";
import { PageHeader } from "../../components/PageHeader";
import { ErrorMessage, QueryView } from "../../components/States";
import { formatTime } from "../admin/common";
import { NowContext, shortTime, TerminateButton, useNow, useNowContext } from "./common";
import { anyActive, formatDuration, jobsListPath, KIND_LABELS, KINDS, parseJobList, runMs, statusClass, STATUSES, subjectLink, waitMs, type Job, type JobQuery } from "./jobsModel";
import "./jobs.css";

const POLL_MS = 3000;

async function fetchJobs(q: JobQuery) {
  try {
    return parseJobList(await (await authorizedFetch(jobsListPath(q))).json());
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) {
      throw new ApiError(e.status, `This server cannot list jobs (GET /api/v1/jobs answered ${e.status}). A job can still be opened by its id below.`);
    }
    throw e;
  }
}

// Asked again only after a server error or a network failure: a 4xx or an answer of another shape
// will not change.
const retry = (count: number, error: unknown) => count < 2 && (error instanceof ApiError ? error.status >= 500 : error instanceof TypeError);

function Duration({ job }: { job: Job }) {
  const now = useNowContext();
  const run = runMs(job, now);
  return run === null ? <span className="hint">waiting {formatDuration(waitMs(job, now))}</span> : <>{formatDuration(run)}</>;
}

function When({ iso }: { iso: string | null | undefined }) {
  const now = useNowContext();
  return iso ? <time dateTime={iso} title={formatTime(iso)}>{shortTime(iso, now)}</time> : <>—</>;
}

const SORTABLE: OrderBy<"/api/v1/jobs">[] = ["id", "kind", "backend", "status", "created_at", "started_at", "finished_at"];

// Defined once: a cell function made anew each render would remount its cell (and lose a
// terminate in flight).
const column = createColumnHelper<Job>();
const baseColumns = [
  column.accessor("id", { header: "Job", cell: (c) => <Link to={`/jobs/${c.getValue()}`}>#{c.getValue()}</Link> }),
  column.accessor("kind", { header: "Kind", cell: (c) => KIND_LABELS[c.getValue() ?? ""] ?? c.getValue() }),
  column.accessor("subject", {
    header: "Works on",
    cell: (c) => {
      const link = subjectLink(c.getValue());
      return link ? <Link to={link.to}>{link.label}</Link> : (c.getValue() ?? "—");
    },
  }),
  column.accessor("backend", {
    header: "Backend",
    cell: (c) => (
      <>
        {c.getValue() ?? "—"}
        {c.row.original.backend_status && <span className="hint"> ({c.row.original.backend_status})</span>}
      </>
    ),
  }),
  column.accessor("status", { header: "Status", cell: (c) => <span className={statusClass(c.getValue())}>{c.getValue()}</span> }),
  column.accessor("created_at", { header: "Queued", cell: (c) => <When iso={c.getValue()} /> }),
  column.accessor("started_at", { header: "Started", cell: (c) => <When iso={c.getValue()} /> }),
  column.accessor("finished_at", { header: "Finished", cell: (c) => <When iso={c.getValue()} /> }),
  column.display({ id: "duration", header: "Duration", cell: (c) => <Duration job={c.row.original} /> }),
  column.accessor("error", {
    header: "Error",
    cell: (c) => (c.getValue() ? <span className="job-error" title={c.getValue() ?? undefined}>{c.getValue()}</span> : "—"),
  }),
];

export function JobsPage() {
  const url = useUrlState();
  const paging = usePaging();
  const status = url.get("status");
  const kind = url.get("kind");
  const query = useQuery({
    queryKey: ["jobs", "list", { skip: paging.skip, limit: paging.size, status, kind, sort: paging.sortKey }],
    queryFn: () => fetchJobs({ skip: paging.skip, limit: paging.size, status, kind, ...sortQuery(paging, SORTABLE) }),
    placeholderData: (previous) => previous,
    refetchInterval: (q) => (anyActive(q.state.data) ? POLL_MS : false),
    retry,
  });
  const polling = anyActive(query.data);
  const now = useNow(polling);
  const filtered = Boolean(status || kind);
  const [terminated, setTerminated] = useState<{ id: number; error: unknown | null } | null>(null);
  const columns = useMemo(
    () => [
      ...baseColumns,
      column.display({
        id: "actions",
        header: () => <span className="sr-only">Actions</span>,
        cell: (c) => <TerminateButton job={c.row.original} onDone={(error) => setTerminated({ id: c.row.original.id!, error })} />,
      }),
    ],
    [],
  );
  return (
    <>
      <PageHeader title="Jobs">
        <p>Statistics, training, feature importance, batch prediction and forecast jobs, local or on Ray, newest first.</p>
      </PageHeader>
      <form className="jobs-filters" aria-label="Filter jobs" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="job-status">Status</label>
          <select id="job-status" value={status} onChange={(e) => url.set({ status: e.target.value, page: null })}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="job-kind">Kind</label>
          <select id="job-kind" value={kind} onChange={(e) => url.set({ kind: e.target.value, page: null })}>
            <option value="">Any kind</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        {filtered && (
          <button type="button" onClick={() => url.set({ status: null, kind: null, page: null })}>
            Clear filters
          </button>
        )}
        <span className="hint" role="status" aria-live="polite">
          {polling ? "Jobs are running: refreshing every 3 s." : ""}
        </span>
      </form>
      {terminated?.error ? (
        <ErrorMessage error={terminated.error} />
      ) : (
        terminated && (
          <p className="state state-empty" role="status">
            Job #{terminated.id} was terminated.
          </p>
        )
      )}
      <NowContext.Provider value={now}>
        <QueryView
          query={query}
          what="Loading jobs"
          isEmpty={(d) => d.total === 0}
          empty={filtered ? "No jobs match these filters." : "No jobs yet. Statistics, trainings and batch predictions start them."}
        >
          {(data) => <DataTable caption="Jobs" columns={columns} rows={data.data} total={data.total} paging={paging} sortable={SORTABLE} busy={query.isFetching} rowKey={(j) => String(j.id)} />}
        </QueryView>
      </NowContext.Provider>
      <OpenJob />
    </>
  );
}

function OpenJob() {
  const navigate = useNavigate();
  const [id, setId] = useState("");
  const valid = /^\d+$/.test(id.trim());
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (valid) navigate(`/jobs/${id.trim()}`);
  };
  return (
    <form className="jobs-open" onSubmit={submit} aria-label="Open a job by id">
      <div className="field">
        <label htmlFor="open-job">Open a job by id</label>
        <input id="open-job" inputMode="numeric" value={id} onChange={(e) => setId(e.target.value)} />
      </div>
      <button type="submit" disabled={!valid}>
        Open
      </button>
    </form>
  );
}
