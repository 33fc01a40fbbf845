// The tenant's users, paged (?page=, ?size=), with a way to create one for callers who may.
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { createColumnHelper } from "@tanstack/react-table";
import { api, unwrap, type OrderBy } from "../../api/client";
import type { components } from "../../api/schema";
import { DataTable, sortQuery, usePaging } from "../../components/DataTable";
import { PageHeader } from "../../components/PageHeader";
import { QueryView } from "../../components/States";
import { useMe } from "../../auth/useSession";
import { AdminNav, formatTime, Guard } from "./common";

type User = components["schemas"]["User"];
const column = createColumnHelper<User>();
const SORTABLE: OrderBy<"/api/v1/users/read-users">[] = ["username", "email", "is_active", "created_at"];
const columns = [
  column.accessor("username", {
    header: "User name",
    cell: (c) => <Link to={`/admin/users/${c.row.original.id}`}>{c.getValue()}</Link>,
  }),
  column.display({
    id: "name",
    header: "Name",
    cell: (c) => [c.row.original.first_name, c.row.original.last_name].filter(Boolean).join(" ") || "—",
  }),
  column.accessor("email", { header: "E-mail" }),
  column.accessor("is_active", {
    header: "Status",
    cell: (c) => (c.getValue() ? <span className="badge ok">active</span> : <span className="badge bad">inactive</span>),
  }),
  column.accessor("is_superuser", {
    header: "Superuser",
    cell: (c) => (c.getValue() ? <span className="badge run">superuser</span> : "—"),
  }),
  column.accessor("created_at", { header: "Created", cell: (c) => formatTime(c.getValue()) }),
];

export function UsersPage() {
  return (
    <>
      <Header />
      <AdminNav />
      <Guard permission="can_view_users" what="the users">
        <UserList />
      </Guard>
    </>
  );
}

function Header() {
  const { can } = useMe();
  return (
    <PageHeader
      title="Users"
      actions={
        can("can_manage_users") && (
          <Link className="button primary" to="/admin/users/new">
            New user
          </Link>
        )
      }
    >
      <p>The people of this tenant, their status and roles.</p>
    </PageHeader>
  );
}

function UserList() {
  const paging = usePaging();
  const query = useQuery({
    queryKey: ["users", paging.skip, paging.size, paging.sortKey],
    queryFn: () => unwrap(api.GET("/api/v1/users/read-users", { params: { query: { skip: paging.skip, limit: paging.size, ...sortQuery(paging, SORTABLE) } } })),
    placeholderData: (previous) => previous,
  });
  return (
    <QueryView query={query} what="Loading users" isEmpty={(d) => d.count === 0} empty="No users in this tenant yet.">
      {(data) => (
        <DataTable caption="Users" columns={columns} rows={data.data} total={data.count} paging={paging} sortable={SORTABLE} busy={query.isFetching} rowKey={(u) => String(u.id)} />
      )}
    </QueryView>
  );
}
