// One job (GET /api/v1/jobs/{job_id}), polled while queued or running, with terminate.
import { Link, useParams } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import { PageHeader } from "../../components/PageHeader";
import { ErrorMessage, InProgress, QueryView } from "../../components/States";
import { formatTime } from "../admin/common";
import { TerminateButton, useNow } from "./common";
import { formatDuration, isActive, KIND_LABELS, runMs, statusClass, subjectLink, waitMs, type Job } from "./jobsModel";
import "./jobs.css";

export function JobDetail() {
  const { jobId } = useParams();
  const id = Number(jobId);
  const valid = /^\d+$/.test(jobId ?? "") && id > 0;
  const query = useQuery({
    queryKey: ["job", id],
    queryFn: () => unwrap(api.GET("/api/v1/jobs/{job_id}", { params: { path: { job_id: id } } })),
    enabled: valid,
    refetchInterval: (q) => (isActive(q.state.data?.status) ? 2000 : false),
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  });
  return (
    <>
      <PageHeader title={`Job #${jobId ?? ""}`} actions={query.data && <TerminateButton job={query.data} />}>
        <p>
          <Link to="/jobs">Jobs</Link> › #{jobId}
        </p>
      </PageHeader>
      {!valid ? <ErrorMessage error={new Error("A job id is a positive whole number.")} /> : <QueryView query={query} what="Loading the job">{(job) => <JobView job={job} />}</QueryView>}
    </>
  );
}

function JobView({ job }: { job: Job }) {
  const active = isActive(job.status);
  const now = useNow(active);
  const subject = subjectLink(job.subject);
  return (
    <>
      {active && <InProgress label={job.status === "queued" ? "Queued: waiting for a worker" : "Running"} />}
      <dl className="job-detail">
        <dt>Status</dt>
        <dd>
          <span className={statusClass(job.status)}>{job.status}</span>
        </dd>
        <dt>Kind</dt>
        <dd>{KIND_LABELS[job.kind ?? ""] ?? job.kind}</dd>
        <dt>Works on</dt>
        <dd>{subject ? <Link to={subject.to}>{subject.label}</Link> : job.subject}</dd>
        <dt>Backend</dt>
        <dd>
          {job.backend}
          {job.backend_ref && (
            <>
              {" "}
              · Ray submission <code>{job.backend_ref}</code>
            </>
          )}
          {job.backend_status && <> · Ray says {job.backend_status}</>}
        </dd>
        <dt>Started by</dt>
        <dd>{job.created_by ?? "—"}</dd>
        <dt>Attempts</dt>
        <dd>{job.attempts ?? "—"}</dd>
        <dt>Queued</dt>
        <dd>{formatTime(job.created_at)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(job.started_at)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(job.finished_at)}</dd>
        <dt>Waited</dt>
        <dd>{formatDuration(waitMs(job, now))}</dd>
        <dt>Ran</dt>
        <dd>{formatDuration(runMs(job, now))}</dd>
      </dl>
      {job.error && (
        <section aria-labelledby="job-error-h">
          <h2 id="job-error-h">Error</h2>
          <pre className="job-pre bad" tabIndex={0}>{job.error}</pre>
        </section>
      )}
      {job.result && (
        <section aria-labelledby="job-result-h">
          <h2 id="job-result-h">Result</h2>
          <pre className="job-pre" tabIndex={0}>{JSON.stringify(job.result, null, 2)}</pre>
        </section>
      )}
    </>
  );
}
