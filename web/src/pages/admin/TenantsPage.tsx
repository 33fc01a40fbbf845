// Every tenant (superusers only), with create and a way to act in one.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { api, unwrap, type OrderBy } from "../../api/client";
import type { components } from "../../api/schema";
import { useMe, useSession } from "../../auth/useSession";
import { DataTable, sortQuery, usePaging } from "../../components/DataTable";
import { PageHeader } from "../../components/PageHeader";
import { QueryView } from "../../components/States";
import { AdminNav, formatTime, Guard, TextField } from "./common";
import { fieldIssues, generalError } from "./forms";

type Tenant = components["schemas"]["Tenant"];

export function TenantsPage() {
  return (
    <>
      <PageHeader title="Tenants">
        <p>Each tenant has its own users, roles, data and models. New tenants get the built-in roles.</p>
      </PageHeader>
      <AdminNav />
      <Guard permission="superuser" what="the tenants (platform superusers only)">
        <NewTenant />
        <TenantList />
      </Guard>
    </>
  );
}

function ActIn({ tenant }: { tenant: Tenant }) {
  const { session, actingTenant } = useSession();
  const { user } = useMe();
  const queryClient = useQueryClient();
  const current = (actingTenant ?? user?.tenant_id) === tenant.id;
  if (current) return <span className="badge ok">acting in</span>;
  return (
    <button
      type="button"
      onClick={() => {
        session.setActingTenant(tenant.id === user?.tenant_id ? null : tenant.id);
        void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== "me" && q.queryKey[0] !== "tenants" });
      }}
      aria-label={`Act in tenant ${tenant.name}`}
    >
      Act in
    </button>
  );
}

const column = createColumnHelper<Tenant>();
const SORTABLE: OrderBy<"/api/v1/tenants">[] = ["name", "id", "created_at"];
const columns = [
  column.accessor("name", { header: "Tenant" }),
  column.accessor("id", { header: "Id", cell: (c) => <code>{c.getValue()}</code> }),
  column.accessor("created_at", { header: "Created", cell: (c) => formatTime(c.getValue()) }),
  column.display({ id: "act", header: () => <span className="sr-only">Act in</span>, cell: (c) => <ActIn tenant={c.row.original} /> }),
];

function TenantList() {
  const paging = usePaging();
  const query = useQuery({
    queryKey: ["tenants", paging.skip, paging.size, paging.sortKey],
    queryFn: () => unwrap(api.GET("/api/v1/tenants", { params: { query: { skip: paging.skip, limit: paging.size, ...sortQuery(paging, SORTABLE) } } })),
    placeholderData: (previous) => previous,
  });
  return (
    <QueryView query={query} what="Loading tenants" isEmpty={(d) => d.count === 0} empty="No tenants.">
      {(data) => <DataTable caption="Tenants" columns={columns} rows={data.data} total={data.count} paging={paging} sortable={SORTABLE} busy={query.isFetching} rowKey={(t) => t.id} />}
    </QueryView>
  );
}

function NewTenant() {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/tenants", { body: { name: name.trim() } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["tenants"] });
      setName("");
    },
  });
  const issues = fieldIssues(create.error, ["name"]);
  const general = generalError(create.error, ["name"]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="create-inline" onSubmit={submit} noValidate aria-label="New tenant">
      <TextField id="tenant-name" label="New tenant" value={name} onChange={(v) => { setName(v); create.reset(); }} issue={issues.get("name")} />
      <button type="submit" className="primary" disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create tenant"}
      </button>
      {create.isSuccess && <span role="status">Created {create.data.name}.</span>}
      {general && (
        <p className="field-error" role="alert">
          {general}
        </p>
      )}
    </form>
  );
}
