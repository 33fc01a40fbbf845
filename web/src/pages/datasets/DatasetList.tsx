import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { createColumnHelper } from "@tanstack/react-table";
import { api, unwrap, type OrderBy } from "../../api/client";
import type { components } from "../../api/schema";
import { DataTable, sortQuery, usePaging } from "../../components/DataTable";
import { PageHeader } from "../../components/PageHeader";
import { QueryView } from "../../components/States";
import { useMe } from "../../auth/useSession";
import { formatDate, keys } from "./queries";
import "./datasets.css";

type Dataset = components["schemas"]["Dataset"];
const column = createColumnHelper<Dataset>();
const SORTABLE: OrderBy<"/api/v1/dataset/list">[] = ["dataset_name", "dataset_usage", "template_name", "file_count", "valid_records", "created_by", "created_at"];
const columns = [
  column.accessor("dataset_name", {
    header: "Name",
    cell: (c) => <Link to={`/datasets/${c.row.original.id}`}>{c.getValue()}</Link>,
  }),
  column.accessor("dataset_usage", { header: "Usage" }),
  column.accessor("template_name", {
    header: "Template",
    cell: (c) => {
      const t = c.row.original.template_id;
      return t != null ? <Link to={`/templates/${t}`}>{c.getValue() ?? `#${t}`}</Link> : <span className="hint">inferred</span>;
    },
  }),
  column.accessor("file_count", { header: "Files" }),
  column.accessor("valid_records", {
    header: "Valid records",
    cell: (c) => {
      const d = c.row.original;
      return `${(d.valid_records ?? 0).toLocaleString()} of ${(d.total_records ?? 0).toLocaleString()}`;
    },
  }),
  column.accessor("dataset_usability", {
    header: "Usable",
    cell: (c) => <span className={`badge ${c.row.original.is_valid ? "ok" : "bad"}`}>{c.getValue() ?? "—"}</span>,
  }),
  column.accessor("created_by", { header: "Created by" }),
  column.accessor("created_at", { header: "Created", cell: (c) => formatDate(c.getValue()) }),
];

export function DatasetList() {
  const paging = usePaging();
  const { can } = useMe();
  const query = useQuery({
    queryKey: [...keys.list, paging.skip, paging.size, paging.sortKey],
    queryFn: () => unwrap(api.GET("/api/v1/dataset/list", { params: { query: { skip: paging.skip, limit: paging.size, ...sortQuery(paging, SORTABLE) } } })),
    placeholderData: keepPreviousData,
  });
  const uploadButton = can("can_upload_dataset") && (
    <Link className="button primary" to="/datasets/upload">
      Upload dataset
    </Link>
  );
  return (
    <>
      <PageHeader title="Datasets" actions={uploadButton}>
        <p>Uploaded CSV files, validated against a template, ready to train or predict from.</p>
      </PageHeader>
      <QueryView
        query={query}
        what="Loading datasets"
        isEmpty={(d) => (d.total ?? 0) === 0 && paging.page === 0}
        empty={<p>No datasets yet.{can("can_upload_dataset") ? " Upload a CSV file to make one." : ""}</p>}
      >
        {(data) => (
          <DataTable
            caption="Datasets"
            columns={columns}
            rows={data.data ?? []}
            total={data.total}
            paging={paging}
            sortable={SORTABLE}
            busy={query.isFetching}
            rowKey={(d) => String(d.id)}
          />
        )}
      </QueryView>
    </>
  );
}
