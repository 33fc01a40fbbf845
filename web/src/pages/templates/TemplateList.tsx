import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { createColumnHelper } from "@tanstack/react-table";
import { api, unwrap, type OrderBy } from "../../api/client";
import type { components } from "../../api/schema";
import { DataTable, sortQuery, usePaging } from "../../components/DataTable";
import { PageHeader } from "../../components/PageHeader";
import { QueryView } from "../../components/States";
import { useMe } from "../../auth/useSession";

type Template = components["schemas"]["TemplateSummary"];
const column = createColumnHelper<Template>();
const SORTABLE: OrderBy<"/api/v1/template/list">[] = ["template_name", "modified_by", "modified_at"];
const columns = [
  column.accessor("template_name", {
    header: "Name",
    cell: (c) => <Link to={`/templates/${c.row.original.id}`}>{c.getValue()}</Link>,
  }),
  column.accessor("no_of_columns", { header: "Columns" }),
  column.accessor("modified_by", { header: "Modified by" }),
  column.accessor("modified_at", { header: "Modified" }),
];

export function TemplateList() {
  const paging = usePaging();
  const { can } = useMe();
  const query = useQuery({
    queryKey: ["templates", paging.skip, paging.size, paging.sortKey],
    queryFn: () => unwrap(api.GET("/api/v1/template/list", { params: { query: { skip: paging.skip, limit: paging.size, ...sortQuery(paging, SORTABLE) } } })),
    placeholderData: (previous) => previous,
  });
  return (
    <>
      <PageHeader
        title="Templates"
        actions={
          can("can_create_template") && (
            <Link className="button primary" to="/templates/new">
              New template
            </Link>
          )
        }
      >
        <p>The columns and types an upload is validated against.</p>
      </PageHeader>
      <QueryView query={query} what="Loading templates" isEmpty={(d) => d.total === 0} empty="No templates yet. Create one to validate uploads against it.">
        {(data) => <DataTable caption="Templates" columns={columns} rows={data.data} total={data.total} paging={paging} sortable={SORTABLE} busy={query.isFetching} />}
      </QueryView>
    </>
  );
}
