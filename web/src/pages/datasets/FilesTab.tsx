// The dataset's files: download, raw lines, report, delete (with a confirm), and adding files
// (validated against the dataset's schema, sent with a progress bar).
import { useRef, useState } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, download, unwrap } from "../../api/client";
import { uploadFiles, type UploadProgress } from "../../api/upload";
import { errorMessage } from "../../api/errors";
import { useMe } from "../../auth/useSession";
import { ErrorMessage, QueryView } from "../../components/States";
import { DropZone, UploadProgressBar } from "./DropZone";
import { hasProblems, rejectedAnything, type DatasetFile } from "./report";
import { datasetPath, formatDate, keys, linesPath, useFiles } from "./queries";
import type { UploadResult } from "./DatasetUpload";

export function FilesTab({ datasetId }: { datasetId: number }) {
  const files = useFiles(datasetId);
  const { can } = useMe();
  const queryClient = useQueryClient();
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [downloading, setDownloading] = useState<number | null>(null);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: keys.dataset(datasetId) });
    void queryClient.invalidateQueries({ queryKey: keys.list });
  };

  const remove = useMutation({
    mutationFn: (file: DatasetFile) => unwrap(api.DELETE("/api/v1/files/delete/{file_id}", { params: { path: { file_id: file.id! } } })),
    onSuccess: refresh,
  });

  const save = async (file: DatasetFile) => {
    setDownloadError(null);
    setDownloading(file.id!);
    try {
      await download(`/api/v1/files/download?file_id=${file.id}`, file.file_name ?? `file-${file.id}.csv`);
    } catch (e) {
      setDownloadError(`${file.file_name}: ${errorMessage(e)}`);
    } finally {
      setDownloading(null);
    }
  };
  const confirmDelete = (file: DatasetFile) => {
    if (window.confirm(`Delete the file "${file.file_name}" and its ${(file.valid_records ?? 0).toLocaleString()} valid records from the dataset?`)) remove.mutate(file);
  };

  return (
    <>
      <h2>Files</h2>
      {downloadError && <ErrorMessage error={new Error(downloadError)} />}
      {remove.error && <ErrorMessage error={remove.error} />}
      <QueryView query={files} what="Loading files" isEmpty={(d) => (d.data ?? []).length === 0} empty="This dataset has no files.">
        {(data) => (
          <div className="table-wrap" aria-busy={files.isFetching}>
            <table className="data-table">
              <caption className="sr-only">Files of the dataset</caption>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Valid records</th>
                  <th scope="col">Columns</th>
                  <th scope="col">Uploaded</th>
                  <th scope="col">Validation</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {(data.data ?? []).map((f) => (
                  <tr key={f.id}>
                    <td>{f.file_name}</td>
                    <td>{f.kind === "prediction" ? "prediction results" : "upload"}</td>
                    <td>
                      {(f.valid_records ?? 0).toLocaleString()} of {(f.total_records ?? 0).toLocaleString()}
                    </td>
                    <td>{f.total_fields ?? "—"}</td>
                    <td>{formatDate(f.created_at)}</td>
                    <td>
                      {f.kind === "prediction" ? (
                        "—"
                      ) : hasProblems(f.error_report) ? (
                        <Link to={datasetPath(datasetId, "report", { file: String(f.id) })}>
                          {(f.error_report?.missing_columns?.length ?? 0) > 0 ? "columns missing" : `${(f.error_report?.invalid_records ?? 0).toLocaleString()} rejected`}
                          <span className="sr-only"> in {f.file_name}: the validation report</span>
                        </Link>
                      ) : (
                        <span className="badge ok">clean</span>
                      )}
                    </td>
                    <td className="inline">
                      {can("can_view_files") && (
                        <Link to={linesPath(datasetId, f.id!)} aria-label={`Raw lines of ${f.file_name}`}>
                          Raw lines
                        </Link>
                      )}
                      {can("can_download_files") && (
                        <button type="button" disabled={downloading === f.id} onClick={() => void save(f)} aria-label={`Download ${f.file_name}`}>
                          {downloading === f.id ? "Downloading…" : "Download"}
                        </button>
                      )}
                      {can("can_delete_files") && (
                        <button
                          type="button"
                          className="danger"
                          disabled={remove.isPending && remove.variables?.id === f.id}
                          onClick={() => confirmDelete(f)}
                          aria-label={`Delete ${f.file_name}`}
                        >
                          {remove.isPending && remove.variables?.id === f.id ? "Deleting…" : "Delete"}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
      {can("can_add_files") && <AddFiles datasetId={datasetId} onAdded={refresh} />}
    </>
  );
}

function AddFiles({ datasetId, onAdded }: { datasetId: number; onAdded: () => void }) {
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [localError, setLocalError] = useState<string | undefined>();
  const abort = useRef<AbortController | null>(null);
  const add = useMutation({
    mutationFn: () => {
      abort.current = new AbortController();
      setProgress({ loaded: 0, total: files.reduce((n, f) => n + f.size, 0) });
      return uploadFiles<UploadResult>("/api/v1/files/add", { dataset_id: datasetId }, files, setProgress, abort.current.signal);
    },
    onSuccess: () => {
      setFiles([]);
      onAdded();
    },
    onSettled: () => {
      setProgress(null);
      abort.current = null;
    },
  });
  const submit = () => {
    const empty = files.find((f) => f.size === 0);
    const problem = files.length === 0 ? "Choose at least one CSV file" : empty ? `${empty.name} is empty` : undefined;
    setLocalError(problem);
    if (!problem) add.mutate();
  };
  const result = add.data;
  const rejected = result && rejectedAnything(result.files);
  const added = result?.files ?? [];
  return (
    <section className="card add-files" aria-labelledby="add-files-heading">
      <h2 id="add-files-heading">Add files</h2>
      <p className="hint">New files are validated against the dataset's schema like the first upload.</p>
      <DropZone id="add-files" files={files} onChange={setFiles} disabled={add.isPending} error={localError ?? (add.error ? errorMessage(add.error) : undefined)} />
      {progress && <UploadProgressBar progress={progress} onCancel={() => abort.current?.abort()} />}
      <div className="inline">
        <button type="button" className="primary" disabled={add.isPending} onClick={submit}>
          {add.isPending ? "Uploading…" : files.length === 0 ? "Add files" : `Add ${files.length === 1 ? "1 file" : `${files.length} files`}`}
        </button>
      </div>
      {result && (
        <div className={`notice${rejected ? " warn" : ""}`} role="status">
          <p>
            Added {added.map((f) => `${f.file_name} (${(f.valid_records ?? 0).toLocaleString()} of ${(f.total_records ?? 0).toLocaleString()} records valid)`).join(", ")}.
          </p>
          {rejected && (
            <p>
              <Link to={datasetPath(datasetId, "report", added.length === 1 ? { file: String(added[0]!.id) } : {})}>See the validation report</Link>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
