// The validation report of each uploaded file: missing and extra columns, then one table row
// per problem (column, kind, expected, count, sample records), each sample linking to the
// file's raw lines around that record. ?file= narrows it to one file.
import { Link } from "react-router-dom";
import { useUrlState } from "../../app/useUrlState";
import { Empty, QueryView } from "../../components/States";
import { hasProblems, reportRows, sampleRecords, formatRecordList, type DatasetFile, type ReportRow } from "./report";
import { linesPath, useFiles } from "./queries";

export function ReportTab({ datasetId }: { datasetId: number }) {
  const files = useFiles(datasetId);
  const url = useUrlState();
  const selected = url.get("file");
  return (
    <QueryView
      query={files}
      what="Loading the validation report"
      isEmpty={(d) => (d.data ?? []).filter((f) => f.kind !== "prediction").length === 0}
      empty="This dataset has no uploaded files."
    >
      {(data) => {
        const uploads = (data.data ?? []).filter((f) => f.kind !== "prediction");
        const withProblems = uploads.filter((f) => hasProblems(f.error_report));
        const shown = selected ? uploads.filter((f) => String(f.id) === selected) : withProblems;
        const clean = uploads.length - withProblems.length;
        return (
          <>
            <div className="toolbar">
              <div className="field">
                <label htmlFor="report-file">File</label>
                <select id="report-file" value={selected} onChange={(e) => url.set({ file: e.target.value || null })}>
                  <option value="">Every file with problems ({withProblems.length})</option>
                  {uploads.map((f) => (
                    <option key={f.id} value={String(f.id)}>
                      {f.file_name} {hasProblems(f.error_report) ? `(${(f.error_report?.invalid_records ?? 0).toLocaleString()} rejected)` : "(clean)"}
                    </option>
                  ))}
                </select>
              </div>
              <p className="hint">
                {clean} of {uploads.length} file(s) passed validation without a problem.
              </p>
            </div>
            {shown.length === 0 ? (
              <Empty>{selected ? "There is no such file in this dataset." : "Every record of every file passed validation."}</Empty>
            ) : (
              shown.map((f) => <FileReport key={f.id} datasetId={datasetId} file={f} />)
            )}
          </>
        );
      }}
    </QueryView>
  );
}

function FileReport({ datasetId, file }: { datasetId: number; file: DatasetFile }) {
  const report = file.error_report;
  const rows = reportRows(report);
  const fileId = file.id!;
  const total = file.total_records ?? 0;
  const invalid = report?.invalid_records ?? 0;
  const missing = report?.missing_columns ?? [];
  const extra = report?.extra_columns ?? [];
  const headingId = `report-file-${fileId}`;
  const allSamples = sampleRecords(rows);
  return (
    <section className="card report-file" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {file.file_name}
        {missing.length > 0 ? (
          <span className="badge bad">unusable: columns missing</span>
        ) : hasProblems(report) ? (
          <span className="badge bad">
            {invalid.toLocaleString()} of {total.toLocaleString()} records rejected
          </span>
        ) : (
          <span className="badge ok">clean</span>
        )}
      </h3>
      {missing.length > 0 && (
        <p className="notice warn">
          Missing columns: <strong>{missing.join(", ")}</strong>. The template needs them, so the file is unusable and none of its records were kept.
        </p>
      )}
      {extra.length > 0 && (
        <p className="notice">
          Extra columns not in the schema, left out of the validated data: <strong>{extra.join(", ")}</strong>.
        </p>
      )}
      {rows.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="data-table">
              <caption className="sr-only">Problems in {file.file_name}</caption>
              <thead>
                <tr>
                  <th scope="col">Column</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Expected</th>
                  <th scope="col">Count</th>
                  <th scope="col">Sample rows</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <ProblemRow key={r.key} row={r} datasetId={datasetId} fileId={fileId} />
                ))}
              </tbody>
            </table>
          </div>
          <p className="inline">
            {allSamples.length > 0 && <Link to={linesPath(datasetId, fileId, formatRecordList(allSamples))}>Show all sample rows in the file ({allSamples.length})</Link>}
            <span className="hint">Rows are record numbers in the file (the header is record 1). The report keeps the first 5 samples of each problem.</span>
          </p>
        </>
      )}
    </section>
  );
}

function ProblemRow({ row, datasetId, fileId }: { row: ReportRow; datasetId: number; fileId: number }) {
  const records = sampleRecords([row]);
  return (
    <tr>
      <td>{row.column ?? <span className="cell-null">whole row</span>}</td>
      <td>{row.kindLabel}</td>
      <td>{row.expected}</td>
      <td>{row.count.toLocaleString()}</td>
      <td className="wrap">
        <ul className="samples">
          {row.samples.map((s) => (
            <li key={`${s.row}:${s.value}`}>
              <Link to={linesPath(datasetId, fileId, String(s.row))} aria-label={`Row ${s.row}: ${s.value || "empty"} (show in the file)`}>
                row {s.row}
              </Link>
              : <code>{s.value || "(empty)"}</code>
            </li>
          ))}
        </ul>
        {records.length > 1 && (
          <Link to={linesPath(datasetId, fileId, formatRecordList(records))}>
            Show these {records.length} rows
          </Link>
        )}
        {row.count > row.samples.length && <p className="hint">{(row.count - row.samples.length).toLocaleString()} more not sampled</p>}
      </td>
    </tr>
  );
}
