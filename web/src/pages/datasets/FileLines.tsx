// A file's raw lines (GET /api/v1/files/view, the first lines of the upload as received):
// with ?rows=3,9 the report's offending records, marked, with a few lines around them; without,
// the first ?lines= lines. The API shows at most the first 1,000 lines of a file, so a record
// further down is listed with the report's sample value only.
import { useMemo } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import { useUrlState } from "../../app/useUrlState";
import { PageHeader } from "../../components/PageHeader";
import { Empty, ErrorMessage, Loading } from "../../components/States";
import { excerpt, linesToAsk, MAX_PREVIEW_LINES, parseRecordList, problemsByRecord, recordsOfLines, reportRows, type RecordProblem } from "./report";
import { datasetPath, keys, useDataset } from "./queries";
import "./datasets.css";

const DEFAULT_LINES = 50;

async function fetchLines(fileId: number, lines: number) {
  const data = await unwrap(api.GET("/api/v1/files/view", { params: { query: { file_id: fileId, lines } } }));
  return data.content_preview ?? [];
}

// Asks for more lines until the last wanted record is complete in them, the file ends or the
// API's limit is reached.
async function fetchUntil(fileId: number, lastRecord: number) {
  let asked = linesToAsk(lastRecord);
  for (;;) {
    const lines = await fetchLines(fileId, asked);
    const records = recordsOfLines(lines);
    const last = records.find((r) => r.record === lastRecord);
    const fileEnded = lines.length < asked;
    if ((last && last.complete && lines.length >= last.last + 2) || fileEnded || asked >= MAX_PREVIEW_LINES) return { lines, asked };
    asked = linesToAsk(lastRecord, asked);
  }
}

export function FileLines() {
  const params = useParams();
  const datasetId = Number(params.datasetId);
  const fileId = Number(params.fileId);
  const url = useUrlState();
  const wanted = useMemo(() => parseRecordList(url.get("rows")), [url]);
  const lineCount = Math.min(MAX_PREVIEW_LINES, Math.max(1, url.getInt("lines", DEFAULT_LINES)));
  const last = wanted.at(-1);

  const dataset = useDataset(datasetId);
  const file = useQuery({
    queryKey: keys.file(fileId),
    queryFn: () => unwrap(api.GET("/api/v1/files/get_file_by_id", { params: { query: { file_id: fileId } } })),
    enabled: Number.isInteger(fileId),
  });
  const lines = useQuery({
    queryKey: keys.lines(fileId, last === undefined ? `first:${lineCount}` : `record:${last}`),
    queryFn: () => (last === undefined ? fetchLines(fileId, lineCount).then((l) => ({ lines: l, asked: lineCount })) : fetchUntil(fileId, last)),
    enabled: Number.isInteger(fileId),
    placeholderData: keepPreviousData,
  });

  const name = file.data?.file_name ?? `file ${fileId}`;
  const back = datasetPath(datasetId, "report", { file: String(fileId) });
  const header = (
    <PageHeader title={wanted.length ? `Rejected rows of ${name}` : `Raw lines of ${name}`}>
      <p>
        <Link to="/datasets">Datasets</Link> / <Link to={datasetPath(datasetId)}>{dataset.data?.dataset_name ?? `dataset ${datasetId}`}</Link> / <Link to={back}>validation report</Link>
      </p>
    </PageHeader>
  );
  if (!Number.isInteger(fileId) || !Number.isInteger(datasetId)) return <ErrorMessage error={new Error("There is no file at this address.")} />;
  if (file.isLoading || lines.isLoading) {
    return (
      <>
        {header}
        <Loading what="Loading the file's lines" />
      </>
    );
  }
  const error = file.error ?? lines.error;
  if (error || !lines.data) {
    return (
      <>
        {header}
        <ErrorMessage error={error ?? new Error("No answer")} retry={() => void Promise.all([file.refetch(), lines.refetch()])} />
      </>
    );
  }
  const text = lines.data.lines;
  if (text.length === 0) {
    return (
      <>
        {header}
        <Empty>The file is empty.</Empty>
      </>
    );
  }

  const problems = problemsByRecord(reportRows(file.data?.error_report));
  const { parts, missing } = wanted.length ? excerpt(text, wanted) : { parts: [{ gap: false as const, lines: excerptAll(text) }], missing: [] };
  const more = !wanted.length && text.length === lineCount && lineCount < MAX_PREVIEW_LINES;

  return (
    <>
      {header}
      <p className="hint">
        {wanted.length
          ? `Records ${wanted.join(", ")} as the file has them (the header is record 1), with the lines around them.`
          : `The first ${text.length.toLocaleString()} lines as uploaded.`}{" "}
        {lines.isFetching && <span role="status">Loading…</span>}
      </p>
      <div className="table-wrap">
        <table className="data-table raw-lines">
          <caption className="sr-only">{wanted.length ? "Rejected rows with the lines around them" : "The file's first lines"}</caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Record</th>
              <th scope="col">Text</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {parts.map((part) =>
              part.gap ? (
                <tr key={`gap-${part.from}`} className="gap">
                  <td colSpan={4}>
                    {part.from === part.to ? `line ${part.from.toLocaleString()}` : `lines ${part.from.toLocaleString()}–${part.to.toLocaleString()}`} not shown
                  </td>
                </tr>
              ) : (
                part.lines.map((l) => {
                  const found = l.record !== undefined ? problems.get(l.record) : undefined;
                  const flagged = l.offending || (!wanted.length && found !== undefined);
                  const firstOfRecord = l.record === undefined || !part.lines.some((o) => o.record === l.record && o.line < l.line);
                  return (
                    <tr key={l.line} className={flagged ? "offending" : undefined} id={`line-${l.line}`}>
                      <td className="num">{l.line}</td>
                      <td className="num">{firstOfRecord ? (l.record ?? "") : "″"}</td>
                      <td className="text">{flagged ? <mark>{l.text || " "}</mark> : l.text}</td>
                      <td className="wrap">{flagged && firstOfRecord && found && <Problems list={found} />}</td>
                    </tr>
                  );
                })
              ),
            )}
          </tbody>
        </table>
      </div>
      {more && (
        <button type="button" onClick={() => url.set({ lines: Math.min(MAX_PREVIEW_LINES, lineCount * 2) })}>
          Show more lines
        </button>
      )}
      {missing.length > 0 && (
        <div className="notice warn">
          <p>
            {missing.length === 1 ? `Record ${missing[0]} is` : `Records ${missing.join(", ")} are`} not within the first {MAX_PREVIEW_LINES.toLocaleString()} lines, the most the API shows of a file. What the report
            keeps of {missing.length === 1 ? "it" : "them"}:
          </p>
          <ul>
            {missing.map((r) => (
              <li key={r}>
                Record {r}: {problems.get(r) ? <Problems list={problems.get(r)!} /> : "not in the report"}
              </li>
            ))}
          </ul>
        </div>
      )}
      <p>
        <Link to={back}>Back to the validation report</Link>
      </p>
    </>
  );
}

function excerptAll(text: string[]) {
  const recordOf = new Map<number, number>();
  for (const r of recordsOfLines(text)) for (let l = r.first; l <= r.last; l++) recordOf.set(l, r.record);
  return text.map((t, i) => ({ line: i + 1, text: t, record: recordOf.get(i + 1), offending: false }));
}

function Problems({ list }: { list: RecordProblem[] }) {
  return (
    <>
      {list.map((p, i) => (
        <span key={i}>
          {i > 0 && "; "}
          {p.column && p.kind === "type_mismatch" ? (
            <>
              <strong>{p.column}</strong>: <code>{p.value || "(empty)"}</code> is not {article(p.expected)}
            </>
          ) : (
            <>
              {p.column && <strong>{p.column}: </strong>}
              {p.kindLabel}
              {p.expected && ` (expected ${p.expected})`}
            </>
          )}
        </span>
      ))}
    </>
  );
}

function article(type: string) {
  return /^[AEIOU]/i.test(type) ? `an ${type}` : `a ${type}`;
}
