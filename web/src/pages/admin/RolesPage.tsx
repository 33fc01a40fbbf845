// Roles (?tab=roles, paged by ?page=) and the permission catalogue (?tab=permissions, paged by
// ?ppage=), each with its create form for callers holding can_manage_roles.
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { api, unwrap, type OrderBy } from "../../api/client";
import type { components } from "../../api/schema";
import { useMe, useSession } from "../../auth/useSession";
import { DataTable, sortQuery, usePaging } from "../../components/DataTable";
import { PageHeader } from "../../components/PageHeader";
import { QueryView } from "../../components/States";
import { TabPanel, Tabs, useTab } from "../../components/Tabs";
import { AdminNav, formatTime, Guard, TextField } from "./common";
import { fieldIssues, generalError } from "./forms";
import { areaOf } from "./permissions";

type Role = components["schemas"]["Role"];
type Permission = components["schemas"]["Permission"];

const TABS = [
  { id: "roles", label: "Roles" },
  { id: "permissions", label: "Permission catalogue" },
];

const ROLE_SORTABLE: OrderBy<"/api/v1/rbac/roles">[] = ["name", "is_builtin", "created_at"];
const PERMISSION_SORTABLE: OrderBy<"/api/v1/rbac/permissions">[] = ["name", "is_builtin"];
const roleColumn = createColumnHelper<Role>();
const roleColumns = [
  roleColumn.accessor("name", { header: "Role", cell: (c) => <Link to={`/admin/roles/${c.row.original.id}`}>{c.getValue()}</Link> }),
  roleColumn.accessor("is_builtin", { header: "Kind", cell: (c) => (c.getValue() ? <span className="badge">built in</span> : <span className="badge run">custom</span>) }),
  roleColumn.accessor("permissions", { header: "Permissions", cell: (c) => c.getValue().length }),
  roleColumn.accessor("created_at", { header: "Created", cell: (c) => formatTime(c.getValue()) }),
];

const permColumn = createColumnHelper<Permission>();
const permColumns = [
  permColumn.accessor("name", { header: "Permission", cell: (c) => <code>{c.getValue()}</code> }),
  permColumn.display({ id: "area", header: "Area", cell: (c) => areaOf(c.row.original.name) }),
  permColumn.accessor("description", { header: "Description", cell: (c) => c.getValue() || "—" }),
  permColumn.accessor("is_builtin", { header: "Kind", cell: (c) => (c.getValue() ? <span className="badge">built in</span> : <span className="badge run">custom</span>) }),
];

export function RolesPage() {
  const [tab, setTab] = useTab(TABS);
  return (
    <>
      <PageHeader title="Roles & permissions">
        <p>A user may do what the permissions of their roles allow.</p>
      </PageHeader>
      <AdminNav />
      <Guard permission="can_view_roles" what="the roles">
        <Tabs tabs={TABS} current={tab} onSelect={setTab} label="Roles and permissions" />
        <TabPanel id={tab}>{tab === "roles" ? <RolesTab /> : <PermissionsTab />}</TabPanel>
      </Guard>
    </>
  );
}

function RolesTab() {
  const paging = usePaging();
  const { can } = useMe();
  const query = useQuery({
    queryKey: ["roles", paging.skip, paging.size, paging.sortKey],
    queryFn: () => unwrap(api.GET("/api/v1/rbac/roles", { params: { query: { skip: paging.skip, limit: paging.size, ...sortQuery(paging, ROLE_SORTABLE) } } })),
    placeholderData: (previous) => previous,
  });
  return (
    <>
      {can("can_manage_roles") && <NewRole />}
      <QueryView query={query} what="Loading roles" isEmpty={(d) => d.count === 0} empty="No roles in this tenant.">
        {(data) => <DataTable caption="Roles" columns={roleColumns} rows={data.data} total={data.count} paging={paging} sortable={ROLE_SORTABLE} busy={query.isFetching} rowKey={(r) => String(r.id)} />}
      </QueryView>
    </>
  );
}

function NewRole() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { actingTenant } = useSession();
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/rbac/roles", { body: { name: name.trim(), tenant_id: actingTenant ?? "" } })),
    onSuccess: (role) => {
      void queryClient.invalidateQueries({ queryKey: ["roles"] });
      queryClient.setQueryData(["role", role.id], role);
      navigate(`/admin/roles/${role.id}`);
    },
  });
  const issues = fieldIssues(create.error, ["name"]);
  const general = generalError(create.error, ["name"]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="create-inline" onSubmit={submit} noValidate aria-label="New role">
      <TextField id="role-name" label="New role" value={name} onChange={(v) => { setName(v); create.reset(); }} issue={issues.get("name")} hint="Letters, digits, _ . - ; starts with a letter." />
      <button type="submit" className="primary" disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create role"}
      </button>
      {general && (
        <p className="field-error" role="alert">
          {general}
        </p>
      )}
    </form>
  );
}

function PermissionsTab() {
  const paging = usePaging("p", 50);
  const { can } = useMe();
  const query = useQuery({
    queryKey: ["permissions", paging.skip, paging.size, paging.sortKey],
    queryFn: () => unwrap(api.GET("/api/v1/rbac/permissions", { params: { query: { skip: paging.skip, limit: paging.size, ...sortQuery(paging, PERMISSION_SORTABLE) } } })),
    placeholderData: (previous) => previous,
  });
  return (
    <>
      {can("can_manage_roles") && <NewPermission />}
      <QueryView query={query} what="Loading permissions" isEmpty={(d) => d.count === 0} empty="No permissions in this tenant.">
        {(data) => (
          <DataTable caption="Permission catalogue" columns={permColumns} rows={data.data} total={data.count} paging={paging} sortable={PERMISSION_SORTABLE} busy={query.isFetching} rowKey={(p) => String(p.id)} />
        )}
      </QueryView>
    </>
  );
}

function NewPermission() {
  const queryClient = useQueryClient();
  const { actingTenant } = useSession();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const create = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/rbac/permissions", { body: { name: name.trim(), description: description.trim(), tenant_id: actingTenant ?? "" } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["permissions"] });
      setName("");
      setDescription("");
    },
  });
  const fields = ["name", "description"];
  const issues = fieldIssues(create.error, fields);
  const general = generalError(create.error, fields);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="create-inline" onSubmit={submit} noValidate aria-label="New permission">
      <TextField id="perm-name" label="New permission" value={name} onChange={(v) => { setName(v); create.reset(); }} issue={issues.get("name")} hint="e.g. can_export_reports" />
      <TextField id="perm-description" label="Description" value={description} onChange={setDescription} issue={issues.get("description")} />
      <button type="submit" className="primary" disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create permission"}
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
