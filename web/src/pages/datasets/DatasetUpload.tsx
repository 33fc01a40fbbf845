// Upload a new dataset: its name, usage, an optional template (without one the schema is
// inferred from the first file) and lake table, and the CSV files, sent with a progress bar.
// The API's refusals show beside the field they concern; after the upload the dataset's page
// opens, on its validation report when records were rejected.
import { useRef, useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { uploadFiles, type UploadProgress } from "../../api/upload";
import { PageHeader } from "../../components/PageHeader";
import { useMe } from "../../auth/useSession";
import { Empty, Loading } from "../../components/States";
import { DropZone, UploadProgressBar } from "./DropZone";
import { localUploadIssues, toUploadParams, uploadIssues, type UploadField, type UploadFields } from "./uploadForm";
import { rejectedAnything } from "./report";
import { datasetPath, keys } from "./queries";
import "./datasets.css";
import { FieldIssue } from "../../components/FieldIssue";

export type UploadResult = components["schemas"]["UploadResult"];

export function DatasetUpload() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { can, loading } = useMe();
  const [fields, setFields] = useState<UploadFields>({ dataset_name: "", usage: "t", template_id: "", iceberg_table_name: "" });
  const [files, setFiles] = useState<File[]>([]);
  const [issues, setIssues] = useState<Map<UploadField | "", string>>(new Map());
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const abort = useRef<AbortController | null>(null);

  const templates = useQuery({
    queryKey: ["templates", "all"],
    queryFn: () => unwrap(api.GET("/api/v1/template/list", { params: { query: { skip: 0, limit: 1000 } } })),
  });

  const upload = useMutation({
    mutationFn: () => {
      abort.current = new AbortController();
      setProgress({ loaded: 0, total: files.reduce((n, f) => n + f.size, 0) });
      return uploadFiles<UploadResult>("/api/v1/dataset/upload", toUploadParams(fields), files, setProgress, abort.current.signal);
    },
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: keys.list });
      const id = result.dataset_id!;
      navigate(rejectedAnything(result.files) ? datasetPath(id, "report") : datasetPath(id), { state: { uploaded: result } });
    },
    onError: (error) => setIssues(uploadIssues(error)),
    onSettled: () => {
      setProgress(null);
      abort.current = null;
    },
  });

  if (loading) return <Loading what="Loading" />;
  if (!can("can_upload_dataset")) {
    return (
      <>
        <PageHeader title="Upload dataset" />
        <Empty>You do not have permission to upload datasets.</Empty>
      </>
    );
  }

  const set = (change: Partial<UploadFields>) => setFields((f) => ({ ...f, ...change }));
  const busy = upload.isPending;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = localUploadIssues(fields, files);
    setIssues(found);
    if (found.size === 0) upload.mutate();
    else document.getElementById(`upload-${[...found.keys()][0]}`)?.focus();
  };
  const describe = (name: UploadField, hint?: string) => ({
    "aria-invalid": issues.has(name) || undefined,
    "aria-describedby": [hint && `upload-${name}-hint`, issues.has(name) && `upload-${name}-error`].filter(Boolean).join(" ") || undefined,
  });
  const templateList = templates.data?.data ?? [];

  return (
    <>
      <PageHeader title="Upload dataset">
        <p>
          <Link to="/datasets">Datasets</Link> / upload
        </p>
      </PageHeader>
      <form className="form" onSubmit={submit} noValidate aria-label="Upload dataset" aria-busy={busy}>
        <div className="field">
          <label htmlFor="upload-dataset_name">Name</label>
          <input id="upload-dataset_name" value={fields.dataset_name} disabled={busy} maxLength={255} onChange={(e) => set({ dataset_name: e.target.value })} {...describe("dataset_name")} />
          <FieldIssue id="upload-dataset_name-error" message={issues.get("dataset_name")} />
        </div>
        <fieldset className="field" aria-describedby={issues.has("usage") ? "upload-usage-error" : undefined}>
          <legend>Usage</legend>
          <div className="inline">
            <label>
              <input type="radio" name="usage" id="upload-usage" value="t" checked={fields.usage === "t"} disabled={busy} onChange={() => set({ usage: "t" })} /> Training
            </label>
            <label>
              <input type="radio" name="usage" value="p" checked={fields.usage === "p"} disabled={busy} onChange={() => set({ usage: "p" })} /> Prediction
            </label>
          </div>
          <FieldIssue id="upload-usage-error" message={issues.get("usage")} />
        </fieldset>
        <div className="field">
          <label htmlFor="upload-template_id">Template</label>
          <select
            id="upload-template_id"
            value={fields.template_id}
            disabled={busy || templates.isLoading}
            onChange={(e) => set({ template_id: e.target.value })}
            {...describe("template_id", "hint")}
          >
            <option value="">None: infer the columns from the first file</option>
            {templateList.map((t) => (
              <option key={t.id} value={String(t.id)}>
                {t.template_name} ({t.no_of_columns} columns)
              </option>
            ))}
          </select>
          <p id="upload-template_id-hint" className="hint">
            {templates.isLoading
              ? "Loading templates…"
              : templates.error
                ? `The templates could not be loaded (${templates.error.message}); you can still upload without one.`
                : "Records whose cells do not fit the template's types are rejected and listed in the validation report."}
          </p>
          <FieldIssue id="upload-template_id-error" message={issues.get("template_id")} />
        </div>
        <div className="field">
          <label htmlFor="upload-iceberg_table_name">Lake table (optional)</label>
          <input
            id="upload-iceberg_table_name"
            value={fields.iceberg_table_name}
            disabled={busy}
            placeholder="e.g. orders"
            onChange={(e) => set({ iceberg_table_name: e.target.value })}
            {...describe("iceberg_table_name", "hint")}
          />
          <p id="upload-iceberg_table_name-hint" className="hint">
            With a template: the valid records are also appended to the lake table silver.&lt;name&gt;.
          </p>
          <FieldIssue id="upload-iceberg_table_name-error" message={issues.get("iceberg_table_name")} />
        </div>
        <DropZone id="upload-files" files={files} onChange={setFiles} disabled={busy} error={issues.get("files")} />
        {progress && <UploadProgressBar progress={progress} onCancel={() => abort.current?.abort()} />}
        {issues.get("") && (
          <p className="field-error" role="alert">
            {issues.get("")}
          </p>
        )}
        <div className="inline">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Uploading…" : "Upload"}
          </button>
          <Link to="/datasets">Back to datasets</Link>
        </div>
      </form>
    </>
  );
}

