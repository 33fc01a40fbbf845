// A table over one page of server-side rows (TanStack Table in manual mode): the page, its size
// and the sort are URL state (?<prefix>page, ?<prefix>size, ?<prefix>sort=col|-col) that the
// caller turns into the API's skip/limit and order_by/order (sortQuery).
import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from "@tanstack/react-table";
import { useUrlState } from "../app/useUrlState";

export interface Paging {
  page: number; // 0-based
  size: number;
  skip: number;
  sort: SortingState;
  sortKey: string; // the URL's sort, for query keys
}

export const PAGE_SIZES = [10, 25, 50, 100];

// The API's order_by/order for the table's sort, when the list takes that field (a hand-edited
// ?sort= naming another one is ignored rather than answered with the API's 422).
export function sortQuery<Field extends string>(paging: Paging, sortable: readonly Field[]): { order_by?: Field; order?: "asc" | "desc" } {
  const first = paging.sort[0];
  const field = sortable.find((f) => f === first?.id);
  return field ? { order_by: field, order: first!.desc ? "desc" : "asc" } : {};
}

export function usePaging(prefix = "", defaultSize = 25): Paging & { setPage: (p: number) => void; setSize: (s: number) => void; setSort: (s: SortingState) => void } {
  const url = useUrlState();
  const page = url.getInt(`${prefix}page`, 1) - 1;
  const rawSize = url.getInt(`${prefix}size`, defaultSize);
  const size = PAGE_SIZES.includes(rawSize) ? rawSize : defaultSize;
  const sortParam = url.get(`${prefix}sort`);
  const sort: SortingState = sortParam ? [{ id: sortParam.replace(/^-/, ""), desc: sortParam.startsWith("-") }] : [];
  return {
    page: Math.max(0, page),
    size,
    skip: Math.max(0, page) * size,
    sort,
    sortKey: sortParam ?? "",
    setPage: (p) => url.set({ [`${prefix}page`]: p > 0 ? p + 1 : null }),
    setSize: (s) => url.set({ [`${prefix}size`]: s === defaultSize ? null : s, [`${prefix}page`]: null }),
    setSort: (s) => {
      const first = s[0];
      url.set({ [`${prefix}sort`]: first ? `${first.desc ? "-" : ""}${first.id}` : null, [`${prefix}page`]: null });
    },
  };
}

export function DataTable<Row>({
  caption,
  columns,
  rows,
  total,
  paging,
  sortable = [],
  busy = false,
  rowKey,
}: {
  caption: string;
  columns: ColumnDef<Row, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  rows: Row[];
  total?: number; // unknown: "next" is offered while a page comes back full
  paging: ReturnType<typeof usePaging>;
  sortable?: readonly string[]; // ids of the columns the server can sort by
  busy?: boolean;
  rowKey?: (row: Row, index: number) => string;
}) {
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    enableSorting: sortable.length > 0,
    state: { sorting: paging.sort },
    onSortingChange: (updater) => paging.setSort(typeof updater === "function" ? updater(paging.sort) : updater),
    getRowId: rowKey,
  });
  const pages = total === undefined ? undefined : Math.max(1, Math.ceil(total / paging.size));
  const hasNext = pages === undefined ? rows.length === paging.size : paging.page + 1 < pages;
  const first = rows.length === 0 ? 0 : paging.skip + 1;
  const last = paging.skip + rows.length;
  return (
    <div className="table-wrap" aria-busy={busy}>
      <table className="data-table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const canSort = sortable.includes(header.column.id) && header.column.getCanSort();
                const dir = header.column.getIsSorted();
                const label = flexRender(header.column.columnDef.header, header.getContext());
                return (
                  <th key={header.id} scope="col" aria-sort={dir === "asc" ? "ascending" : dir === "desc" ? "descending" : undefined}>
                    {canSort ? (
                      <button type="button" className="sort" onClick={header.column.getToggleSortingHandler()}>
                        {label}
                        <span aria-hidden="true">{dir === "asc" ? " ▲" : dir === "desc" ? " ▼" : ""}</span>
                      </button>
                    ) : (
                      label
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <nav className="pager" aria-label={`${caption} pages`}>
        <span>
          {first.toLocaleString()}–{last.toLocaleString()}
          {total !== undefined && ` of ${total.toLocaleString()}`}
        </span>
        <button type="button" onClick={() => paging.setPage(0)} disabled={paging.page === 0} aria-label="First page">
          «
        </button>
        <button type="button" onClick={() => paging.setPage(paging.page - 1)} disabled={paging.page === 0} aria-label="Previous page">
          ‹
        </button>
        <span>
          Page {paging.page + 1}
          {pages !== undefined && ` of ${pages.toLocaleString()}`}
        </span>
        <button type="button" onClick={() => paging.setPage(paging.page + 1)} disabled={!hasNext} aria-label="Next page">
          ›
        </button>
        {pages !== undefined && (
          <button type="button" onClick={() => paging.setPage(pages - 1)} disabled={!hasNext} aria-label="Last page">
            »
          </button>
        )}
        <label>
          Rows per page{" "}
          <select value={paging.size} onChange={(e) => paging.setSize(Number(e.target.value))}>
            {PAGE_SIZES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </nav>
    </div>
  );
}
