import { useState } from "react";
// One role: its permissions as a checklist grouped by area (each box grants or revokes at once),
// and delete for custom roles.
import { Link, useNavigate, useParams } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { useMe } from "../../auth/useSession";
import { PageHeader } from "../../components/PageHeader";
import { ErrorMessage, InProgress, QueryView } from "../../components/States";
import { AdminNav, formatTime, Guard } from "./common";
import { groupPermissions, idsByName, isLockedRole } from "./permissions";

type Role = components["schemas"]["Role"];

export function RoleDetail() {
  const { roleId } = useParams();
  const id = Number(roleId);
  const valid = Number.isInteger(id) && id > 0;
  const query = useQuery({
    queryKey: ["role", id],
    queryFn: () => unwrap(api.GET("/api/v1/rbac/roles/{role_id}", { params: { path: { role_id: id } } })),
    enabled: valid,
  });
  return (
    <>
      <PageHeader title={query.data ? `Role ${query.data.name}` : "Role"} actions={query.data && <DeleteRole role={query.data} />}>
        <p>
          <Link to="/admin/roles">Roles</Link> › {query.data?.name ?? roleId}
        </p>
      </PageHeader>
      <AdminNav />
      <Guard permission="can_view_roles" what="the roles">
        {!valid ? <ErrorMessage error={new Error("There is no role at this address.")} /> : <QueryView query={query} what="Loading the role">{(role) => <RolePermissions role={role} />}</QueryView>}
      </Guard>
    </>
  );
}

function DeleteRole({ role }: { role: Role }) {
  const { can } = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/rbac/roles/{role_id}", { params: { path: { role_id: role.id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["roles"] });
      void queryClient.invalidateQueries({ queryKey: ["user-roles"] });
      void queryClient.invalidateQueries({ queryKey: ["me"] });
      navigate("/admin/roles");
    },
  });
  if (role.is_builtin || !can("can_manage_roles")) return null;
  return (
    <>
      <button type="button" className="danger" disabled={remove.isPending} onClick={() => window.confirm(`Delete the role ${role.name}? Its users lose its permissions.`) && remove.mutate()}>
        {remove.isPending ? "Deleting…" : "Delete role"}
      </button>
      {remove.error && <ErrorMessage error={remove.error} />}
    </>
  );
}

function RolePermissions({ role }: { role: Role }) {
  const { can } = useMe();
  const queryClient = useQueryClient();
  const catalogue = useQuery({
    queryKey: ["permissions", "all"],
    queryFn: () => unwrap(api.GET("/api/v1/rbac/permissions", { params: { query: { limit: 1000 } } })),
  });
  const [pending, setPending] = useState<{ name: string; grant: boolean } | null>(null);
  const change = useMutation({
    mutationFn: async ({ name, grant }: { name: string; grant: boolean }) => {
      if (grant) {
        return unwrap(api.POST("/api/v1/rbac/roles/{role_id}/permissions", { params: { path: { role_id: role.id } }, body: { permission_name: name } }));
      }
      const permissionId = idsByName(catalogue.data?.data ?? []).get(name);
      if (permissionId === undefined) throw new Error(`The permission ${name} is not in the catalogue.`);
      return unwrap(api.DELETE("/api/v1/rbac/roles/{role_id}/permissions/{permission_id}", { params: { path: { role_id: role.id, permission_id: permissionId } } }));
    },
    onSettled: () => setPending(null),
    onSuccess: (updated) => {
      queryClient.setQueryData(["role", role.id], updated);
      void queryClient.invalidateQueries({ queryKey: ["roles"] });
      void queryClient.invalidateQueries({ queryKey: ["user-roles"] });
      // The caller may hold this role: their nav and buttons follow.
      void queryClient.invalidateQueries({ queryKey: ["me"] });
    },
  });
  const locked = isLockedRole(role);
  const editable = can("can_manage_roles") && !locked;
  const held = new Set(role.permissions);
  return (
    <>
      <ul className="metrics">
        <li>
          Kind <strong>{role.is_builtin ? "built in" : "custom"}</strong>
        </li>
        <li>
          Permissions <strong>{role.permissions.length}</strong>
        </li>
        <li>
          Created <strong>{formatTime(role.created_at)}</strong>
        </li>
      </ul>
      {locked && <p className="hint">The built-in admin role holds every permission and cannot be changed.</p>}
      {!can("can_manage_roles") && <p className="hint">You may look at this role; changing it takes can_manage_roles.</p>}
      {pending && <InProgress label={`${pending.grant ? "Granting" : "Revoking"} ${pending.name}`} />}
      {change.error && <ErrorMessage error={change.error} />}
      <QueryView query={catalogue} what="Loading the permission catalogue" isEmpty={(d) => d.count === 0} empty="The tenant has no permissions.">
        {(data) => {
          // Names the role holds that the catalogue page lacks still show.
          const known = new Set(data.data.map((p) => p.name));
          const items = [...data.data, ...role.permissions.filter((n) => !known.has(n)).map((name) => ({ name, description: "" }))];
          return (
            <div className="perm-groups">
              {groupPermissions(items).map((group) => (
                <fieldset key={group.area} className="card">
                  <legend>{group.area}</legend>
                  {group.items.map((p) => (
                    <label key={p.name} className="perm-item">
                      <input
                        type="checkbox"
                        checked={pending?.name === p.name ? pending.grant : held.has(p.name)}
                        disabled={!editable || pending !== null}
                        onChange={(e) => {
                          // Shown at once (set in this event), confirmed by the API's answer.
                          const next = { name: p.name, grant: e.target.checked };
                          setPending(next);
                          change.mutate(next);
                        }}
                      />
                      <span>
                        <code>{p.name}</code>
                        {p.description && <span className="desc">{p.description}</span>}
                      </span>
                    </label>
                  ))}
                </fieldset>
              ))}
            </div>
          );
        }}
      </QueryView>
    </>
  );
}
