import { Link } from "react-router-dom";
import type { components } from "../../api/schema";
import { Empty } from "../../components/States";
import { formatDate } from "./queries";

type DatasetDetail = components["schemas"]["DatasetDetail"];

export function OverviewTab({ dataset: d }: { dataset: DatasetDetail }) {
  const total = d.total_records ?? 0;
  const valid = d.valid_records ?? 0;
  const schema = d.dataset_schema ?? [];
  return (
    <>
      <h2>Counts</h2>
      <ul className="metrics" aria-label="Counts">
        <li>
          <strong>{total.toLocaleString()}</strong> records uploaded
        </li>
        <li>
          <strong>{valid.toLocaleString()}</strong> valid
        </li>
        <li>
          <strong>{(total - valid).toLocaleString()}</strong> rejected
        </li>
        <li>
          <strong>{d.dataset_usability ?? "—"}</strong> usable
        </li>
        <li>
          <strong>{(d.file_count ?? 0).toLocaleString()}</strong> files
        </li>
        <li>
          <strong>{schema.length}</strong> columns
        </li>
      </ul>
      <h2>Details</h2>
      <dl className="overview-grid">
        <div>
          <dt>Usage</dt>
          <dd>{d.dataset_usage ?? d.usage}</dd>
        </div>
        <div>
          <dt>Template</dt>
          <dd>{d.template_id != null ? <Link to={`/templates/${d.template_id}`}>{d.template_name ?? `#${d.template_id}`}</Link> : "none (columns inferred from the first file)"}</dd>
        </div>
        <div>
          <dt>Source</dt>
          <dd>{d.data_source ?? "—"}</dd>
        </div>
        <div>
          <dt>Lake table</dt>
          <dd>{d.iceberg_table_name ? `silver.${d.iceberg_table_name}` : "—"}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            {formatDate(d.created_at)} by {d.created_by ?? "—"}
          </dd>
        </div>
        <div>
          <dt>Modified</dt>
          <dd>{formatDate(d.modified_at)}</dd>
        </div>
      </dl>
      <h2>Schema</h2>
      {schema.length === 0 ? (
        <Empty>The dataset has no schema yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="sr-only">Columns and types</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Column</th>
                <th scope="col">Type</th>
                <th scope="col">Default for empty cells</th>
              </tr>
            </thead>
            <tbody>
              {schema.map((c, i) => (
                <tr key={c.column_name ?? i}>
                  <td>{i + 1}</td>
                  <td>{c.column_name}</td>
                  <td>{c.data_type}</td>
                  <td>{c.default_value ?? <span className="cell-null">none</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
