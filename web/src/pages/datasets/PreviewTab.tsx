// The dataset's validated rows, one page at a time (GET /api/v1/dataset/view with skip/limit, and
// order_by/order once a column header is clicked: the server sorts the whole dataset): only the
// page shown is fetched and rendered, and the previous page stays while the next loads.
import { useMemo } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { createColumnHelper } from "@tanstack/react-table";
import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { DataTable, sortQuery, usePaging } from "../../components/DataTable";
import { Empty, ErrorMessage, Loading } from "../../components/States";
import { datasetPath, keys } from "./queries";

type DatasetDetail = components["schemas"]["DatasetDetail"];
type Row = Record<string, unknown>;
const column = createColumnHelper<Row>();

export function formatCell(v: unknown) {
  if (v === null || v === undefined) return <span className="cell-null">null</span>;
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

export function PreviewTab({ dataset }: { dataset: DatasetDetail }) {
  const id = dataset.id!;
  const paging = usePaging();
  // Any column of the schema sorts the rows (server-side, over the whole dataset).
  const sortable = useMemo(() => (dataset.dataset_schema ?? []).map((c) => c.column_name ?? ""), [dataset.dataset_schema]);
  const query = useQuery({
    queryKey: keys.preview(id, paging.skip, paging.size, paging.sortKey),
    queryFn: () => unwrap(api.GET("/api/v1/dataset/view", { params: { query: { dataset_id: id, skip: paging.skip, limit: paging.size, ...sortQuery(paging, sortable) } } })),
    placeholderData: keepPreviousData,
    enabled: dataset.is_valid !== false,
  });
  const schema = dataset.dataset_schema;
  const firstRow = query.data?.preview?.[0];
  // The rows on screen are the answer's (the previous page's while the next one loads).
  const shownSkip = query.data?.skip ?? paging.skip;
  const columns = useMemo(() => {
    const defs = schema?.length ? schema.map((c) => ({ name: c.column_name ?? "", type: c.data_type as string | undefined })) : Object.keys(firstRow ?? {}).map((name) => ({ name, type: undefined }));
    return [
      column.display({ id: "__row", header: "#", cell: (c) => (shownSkip + c.row.index + 1).toLocaleString() }),
      ...defs.map((d) =>
        column.accessor((row) => row[d.name], {
          id: d.name,
          header: () => (
            <>
              {d.name}
              {d.type && <span className="type">{d.type}</span>}
            </>
          ),
          cell: (c) => formatCell(c.getValue()),
        }),
      ),
    ];
  }, [schema, firstRow, shownSkip]);

  if (dataset.is_valid === false) {
    return (
      <Empty>
        No record of this dataset passed validation, so there is nothing to preview. <Link to={datasetPath(id, "report")}>See the validation report</Link>.
      </Empty>
    );
  }
  if (query.isLoading) return <Loading what="Loading rows" />;
  if (query.error) return <ErrorMessage error={query.error} retry={() => void query.refetch()} />;
  const data = query.data;
  const total = data?.total_rows ?? 0;
  if (total === 0) return <Empty>The dataset has no valid rows.</Empty>;
  const rows = data?.preview ?? [];
  return (
    <>
      <p className="hint">
        {total.toLocaleString()} valid rows, typed as the schema says. {query.isFetching && <span role="status">Loading the page…</span>}
      </p>
      {rows.length === 0 ? (
        <Empty>
          This page is past the last row.{" "}
          <button type="button" className="link" onClick={() => paging.setPage(0)}>
            Go to the first page
          </button>
        </Empty>
      ) : (
        <DataTable caption={`Rows of ${dataset.dataset_name ?? "the dataset"}`} columns={columns} rows={rows} total={total} paging={paging} sortable={sortable} busy={query.isFetching} rowKey={(_, i) => String(shownSkip + i)} />
      )}
    </>
  );
}
