// Create or edit a template: its name and columns (name, type, default). The API's 422 is shown
// beside the field its loc names.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import { FieldIssue } from "../../components/FieldIssue";
import { PageHeader } from "../../components/PageHeader";
import { ErrorMessage, Loading } from "../../components/States";
import { useMe } from "../../auth/useSession";
import { DATA_TYPES, fromDetail, localIssues, toInput, type ColumnRow, type DataType } from "./columnsForm";

export function TemplateEditor() {
  const { templateId } = useParams();
  const id = templateId ? Number(templateId) : undefined;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { can } = useMe();
  const keys = useRef(0);
  const nextKey = () => ++keys.current;

  const existing = useQuery({
    queryKey: ["template", id],
    queryFn: () => unwrap(api.GET("/api/v1/template/{template_id}", { params: { path: { template_id: id! } } })),
    enabled: id !== undefined && Number.isInteger(id),
  });
  const [name, setName] = useState("");
  const [rows, setRows] = useState<ColumnRow[]>([]);
  const [issues, setIssues] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    if (existing.data) {
      setName(existing.data.template_name);
      setRows(fromDetail(existing.data.template_schema ?? [], nextKey));
    }
  }, [existing.data]);

  const save = useMutation({
    mutationFn: () =>
      id === undefined
        ? unwrap(api.POST("/api/v1/template", { body: toInput(name, rows) }))
        : unwrap(api.PUT("/api/v1/template/update/{template_id}", { params: { path: { template_id: id } }, body: toInput(name, rows) })),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ["templates"] });
      queryClient.setQueryData(["template", saved.id], saved);
      navigate(`/templates/${saved.id}`, { replace: true });
    },
    onError: (error) => {
      if (error instanceof ApiError) setIssues(issuesFromApi(error, rows.length));
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/template/{template_id}", { params: { path: { template_id: id! } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["templates"] });
      navigate("/templates");
    },
  });

  if (id !== undefined && existing.isLoading) return <Loading what="Loading the template" />;
  if (existing.error) return <ErrorMessage error={existing.error} retry={() => void existing.refetch()} />;

  const editable = id === undefined ? can("can_create_template") : can("can_update_template");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = localIssues(name, rows);
    setIssues(found);
    if (found.size === 0) save.mutate();
  };
  const update = (i: number, change: Partial<ColumnRow>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const move = (i: number, delta: number) =>
    setRows((rs) => {
      const j = i + delta;
      if (j < 0 || j >= rs.length) return rs;
      const next = [...rs];
      [next[i], next[j]] = [next[j]!, next[i]!];
      return next;
    });
  const generalError = save.error instanceof ApiError && save.error.issues.length === 0 ? save.error.message : null;

  return (
    <>
      <PageHeader
        title={id === undefined ? "New template" : `Template ${existing.data?.template_name ?? ""}`}
        actions={
          id !== undefined &&
          can("can_delete_template") && (
            <button type="button" className="danger" disabled={remove.isPending} onClick={() => window.confirm("Delete this template?") && remove.mutate()}>
              Delete
            </button>
          )
        }
      />
      {remove.error && <ErrorMessage error={remove.error} />}
      <form className="form" onSubmit={submit} noValidate aria-label="Template">
        <div className="field">
          <label htmlFor="template_name">Name</label>
          <input
            id="template_name"
            value={name}
            disabled={!editable}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={issues.has("template_name")}
            aria-describedby={issues.has("template_name") ? "template_name-error" : undefined}
          />
          <FieldIssue id="template_name-error" message={issues.get("template_name")} />
        </div>
        <fieldset className="card">
          <legend>Columns</legend>
          {rows.length === 0 && <p className="hint">No columns yet.</p>}
          <FieldIssue id="template_schema-error" message={issues.get("template_schema")} />
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Type</th>
                <th scope="col">Default</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, i) => (
                <tr key={row.key}>
                  <td>
                    <input
                      aria-label={`Column ${i + 1} name`}
                      value={row.column_name}
                      disabled={!editable}
                      onChange={(e) => update(i, { column_name: e.target.value })}
                      aria-invalid={issues.has(`${i}.column_name`)}
                      aria-describedby={issues.has(`${i}.column_name`) ? `col-${i}-name-error` : undefined}
                    />
                    <FieldIssue id={`col-${i}-name-error`} message={issues.get(`${i}.column_name`)} />
                  </td>
                  <td>
                    <select
                      aria-label={`Column ${i + 1} type`}
                      value={row.data_type}
                      disabled={!editable}
                      onChange={(e) => update(i, { data_type: e.target.value as DataType })}
                      aria-invalid={issues.has(`${i}.data_type`)}
                    >
                      {DATA_TYPES.map((t) => (
                        <option key={t}>{t}</option>
                      ))}
                    </select>
                    <FieldIssue id={`col-${i}-type-error`} message={issues.get(`${i}.data_type`)} />
                  </td>
                  <td>
                    <input
                      aria-label={`Column ${i + 1} default`}
                      value={row.default_value}
                      placeholder="none"
                      disabled={!editable}
                      onChange={(e) => update(i, { default_value: e.target.value })}
                      aria-invalid={issues.has(`${i}.default_value`)}
                      aria-describedby={issues.has(`${i}.default_value`) ? `col-${i}-default-error` : undefined}
                    />
                    <FieldIssue id={`col-${i}-default-error`} message={issues.get(`${i}.default_value`)} />
                  </td>
                  <td className="inline">
                    <button type="button" aria-label={`Move column ${i + 1} up`} disabled={!editable || i === 0} onClick={() => move(i, -1)}>
                      ↑
                    </button>
                    <button type="button" aria-label={`Move column ${i + 1} down`} disabled={!editable || i === rows.length - 1} onClick={() => move(i, 1)}>
                      ↓
                    </button>
                    <button type="button" aria-label={`Remove column ${i + 1}`} disabled={!editable} onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}>
                      ✕
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {editable && (
            <button type="button" onClick={() => setRows((rs) => [...rs, { key: nextKey(), column_name: "", data_type: "String", default_value: "" }])}>
              Add column
            </button>
          )}
        </fieldset>
        {generalError && (
          <p className="field-error" role="alert">
            {generalError}
          </p>
        )}
        {editable && (
          <div className="inline">
            <button type="submit" className="primary" disabled={save.isPending}>
              {save.isPending ? "Saving…" : "Save template"}
            </button>
            {save.isSuccess && <span role="status">Saved.</span>}
          </div>
        )}
      </form>
    </>
  );
}

// The API's 422 issues keyed as the form keys its fields: "template_name", "<row>.<field>".
export function issuesFromApi(error: ApiError, rowCount: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const issue of error.issues) {
    const loc = issue.loc.filter((p) => p !== "body");
    if (loc[0] === "template_name") out.set("template_name", issue.msg);
    else if (loc[0] === "template_schema" && typeof loc[1] === "number" && loc[1] < rowCount && loc[2]) out.set(`${loc[1]}.${loc[2]}`, issue.msg);
    else if (loc[0] === "template_schema") out.set("template_schema", issue.msg);
  }
  // A 409 (name taken) belongs to the name.
  if (error.status === 409) out.set("template_name", error.message);
  return out;
}
