// The tenant's datalake: namespaces (?schema=) → their tables → a table (?schema=&table=).
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import { useUrlState } from "../../app/useUrlState";
import { PageHeader } from "../../components/PageHeader";
import { Empty, QueryView } from "../../components/States";
import { Guard } from "../admin/common";
import { schemaDescription } from "./lakeModel";
import { TablePage } from "./TablePage";
import "./lake.css";

export const lakeHref = (schema?: string, table?: string) => {
  const q = new URLSearchParams();
  if (schema) q.set("schema", schema);
  if (table) q.set("table", table);
  const s = q.toString();
  return s ? `/lake?${s}` : "/lake";
};

export function LakePage() {
  const url = useUrlState();
  const schema = url.get("schema");
  const table = url.get("table");
  return (
    <>
      <PageHeader title={table ? `${schema}.${table}` : "Datalake"}>
        <Breadcrumb schema={schema} table={table} />
      </PageHeader>
      <Guard permission="can_view_datalake" what="the datalake">
        {schema && table ? <TablePage key={`${schema}.${table}`} schema={schema} table={table} /> : <Browser schema={schema} />}
      </Guard>
    </>
  );
}

function Breadcrumb({ schema, table }: { schema: string; table: string }) {
  if (!schema) return <p>The tenant's Iceberg tables: bronze (raw), silver (validated) and gold (results).</p>;
  return (
    <nav className="breadcrumb" aria-label="Breadcrumb">
      <ol>
        <li>
          <Link to="/lake">Datalake</Link>
        </li>
        <li>{table ? <Link to={lakeHref(schema)}>{schema}</Link> : <span aria-current="page">{schema}</span>}</li>
        {table && (
          <li>
            <span aria-current="page">{table}</span>
          </li>
        )}
      </ol>
    </nav>
  );
}

function Browser({ schema }: { schema: string }) {
  const schemas = useQuery({
    queryKey: ["lake", "schemas"],
    queryFn: () => unwrap(api.GET("/api/v1/datalake/schemas")),
  });
  return (
    <div className="lake-browser">
      <section className="card" aria-labelledby="schemas-h">
        <h2 id="schemas-h">Schemas</h2>
        <QueryView query={schemas} what="Loading schemas" isEmpty={(d) => d.schemas.length === 0} empty="The lake has no namespaces yet.">
          {(data) => (
            <ul className="lake-list">
              {data.schemas.map((s) => (
                <li key={s}>
                  <Link to={lakeHref(s)} aria-current={s === schema ? "true" : undefined}>
                    {s}
                    {schemaDescription(s) && <span className="hint">{schemaDescription(s)}</span>}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </QueryView>
      </section>
      <section className="card" aria-labelledby="tables-h">
        <h2 id="tables-h">{schema ? `Tables in ${schema}` : "Tables"}</h2>
        {schema ? <Tables schema={schema} /> : <Empty>Choose a schema to see its tables.</Empty>}
      </section>
    </div>
  );
}

function Tables({ schema }: { schema: string }) {
  const tables = useQuery({
    queryKey: ["lake", "tables", schema],
    queryFn: () => unwrap(api.GET("/api/v1/datalake/schemas/tables", { params: { query: { schema_name: schema } } })),
  });
  const emptyText =
    schema === "silver"
      ? "No tables in silver yet. Upload a dataset that names an Iceberg table and its valid rows land here."
      : schema === "gold"
        ? "No tables in gold yet. Completed batch predictions append their results here."
        : `No tables in ${schema} yet.`;
  return (
    <QueryView query={tables} what={`Loading the tables of ${schema}`} isEmpty={(d) => d.tables.length === 0} empty={emptyText}>
      {(data) => (
        <ul className="lake-list">
          {data.tables.map((t) => (
            <li key={t}>
              <Link to={lakeHref(schema, t)}>{t}</Link>
            </li>
          ))}
        </ul>
      )}
    </QueryView>
  );
}
