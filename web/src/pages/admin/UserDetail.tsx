// One user: their profile (PATCH), activation, and roles (assign, remove) with the permissions
// those roles add up to.
import { useEffect, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, authorizedFetch, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import type { components } from "../../api/schema";
import { useMe } from "../../auth/useSession";
import { PageHeader } from "../../components/PageHeader";
import { ErrorMessage, QueryView } from "../../components/States";
import { useUrlState } from "../../app/useUrlState";
import { AdminNav, formatTime, TextField } from "./common";
import { fieldIssues, generalError, profileOf, toUserUpdate, type ProfileValues } from "./forms";
import { effectivePermissions, groupPermissions } from "./permissions";

type User = components["schemas"]["User"];
const PROFILE_FIELDS = ["first_name", "last_name", "email"] as const;

export function UserDetail() {
  const { userId } = useParams();
  const id = Number(userId);
  const url = useUrlState();
  const { can, user: me, permissions } = useMe();
  const query = useQuery({
    queryKey: ["user", id],
    queryFn: () => unwrap(api.GET("/api/v1/users/{user_id}", { params: { path: { user_id: id } } })),
    enabled: Number.isInteger(id) && id > 0,
  });
  if (!Number.isInteger(id) || id <= 0) return <ErrorMessage error={new Error("There is no user at this address.")} />;
  const self = me?.id === id;
  return (
    <>
      <PageHeader title={query.data ? `User ${query.data.username}` : "User"}>
        <p>
          <Link to="/admin/users">Users</Link> › {query.data?.username ?? id}
        </p>
      </PageHeader>
      <AdminNav />
      {url.get("created") && query.data && (
        <p className="state state-empty" role="status">
          {query.data.username} was created. They hold no roles yet: give them one below.{" "}
          <button type="button" className="link" onClick={() => url.set({ created: null })}>
            Dismiss
          </button>
        </p>
      )}
      <QueryView query={query} what="Loading the user">
        {(user) => {
          // Only a superuser may change a superuser account.
          const mayManage = can("can_manage_users") && (!user.is_superuser || permissions?.is_superuser === true);
          return (
            <div className="admin-grid">
              <section className="card" aria-labelledby="profile-h">
                <h2 id="profile-h">Profile</h2>
                <ProfileForm user={user} editable={mayManage || self} />
              </section>
              <section className="card" aria-labelledby="status-h">
                <h2 id="status-h">Account</h2>
                <Status user={user} mayManage={mayManage} self={self} />
                {(mayManage || self) && <PasswordForm user={user} self={self} />}
              </section>
              {can("can_view_roles") && (
                <section className="card" aria-labelledby="roles-h">
                  <h2 id="roles-h">Roles</h2>
                  <UserRoles user={user} mayAssign={can("can_manage_roles")} />
                </section>
              )}
            </div>
          );
        }}
      </QueryView>
    </>
  );
}

function ProfileForm({ user, editable }: { user: User; editable: boolean }) {
  const queryClient = useQueryClient();
  const [values, setValues] = useState<ProfileValues>(profileOf(user));
  useEffect(() => setValues(profileOf(user)), [user]);
  const change = toUserUpdate(user, values);
  const save = useMutation({
    mutationFn: () => unwrap(api.PATCH("/api/v1/users/{user_id}", { params: { path: { user_id: user.id } }, body: change ?? {} })),
    onSuccess: (updated) => {
      queryClient.setQueryData(["user", user.id], updated);
      void queryClient.invalidateQueries({ queryKey: ["users"] });
      void queryClient.invalidateQueries({ queryKey: ["me"] });
    },
  });
  const issues = fieldIssues(save.error, PROFILE_FIELDS);
  const general = generalError(save.error, PROFILE_FIELDS);
  const set = (k: keyof ProfileValues) => (v: string) => {
    setValues((old) => ({ ...old, [k]: v }));
    save.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (change) save.mutate();
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Profile">
      <dl className="inline">
        <dt>User name</dt>
        <dd>{user.username}</dd>
      </dl>
      <TextField id="first_name" label="First name" value={values.first_name} onChange={set("first_name")} issue={issues.get("first_name")} disabled={!editable} />
      <TextField id="last_name" label="Last name" value={values.last_name} onChange={set("last_name")} issue={issues.get("last_name")} disabled={!editable} />
      <TextField id="email" label="E-mail" type="email" value={values.email} onChange={set("email")} issue={issues.get("email")} disabled={!editable} />
      {general && (
        <p className="field-error" role="alert">
          {general}
        </p>
      )}
      {editable && (
        <div className="inline">
          <button type="submit" className="primary" disabled={!change || save.isPending}>
            {save.isPending ? "Saving…" : "Save profile"}
          </button>
          {save.isSuccess && !change && <span role="status">Saved.</span>}
        </div>
      )}
    </form>
  );
}

function Status({ user, mayManage, self }: { user: User; mayManage: boolean; self: boolean }) {
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: () =>
      user.is_active
        ? unwrap(api.POST("/api/v1/users/{user_id}/deactivate", { params: { path: { user_id: user.id } } }))
        : unwrap(api.POST("/api/v1/users/{user_id}/activate", { params: { path: { user_id: user.id } } })),
    onSuccess: (updated) => {
      queryClient.setQueryData(["user", user.id], updated);
      void queryClient.invalidateQueries({ queryKey: ["users"] });
    },
  });
  return (
    <>
      <ul className="metrics">
        <li>
          Status <strong>{user.is_active ? <span className="badge ok">active</span> : <span className="badge bad">inactive</span>}</strong>
        </li>
        {user.is_superuser && (
          <li>
            Kind <strong><span className="badge run">superuser</span></strong>
          </li>
        )}
        <li>
          Created <strong>{formatTime(user.created_at)}</strong>
        </li>
        <li>
          Modified <strong>{formatTime(user.modified_at)}</strong>
        </li>
      </ul>
      {mayManage && !self && (
        <div className="inline">
          <button
            type="button"
            className={user.is_active ? "danger" : "primary"}
            disabled={toggle.isPending}
            onClick={() => (user.is_active ? window.confirm(`Deactivate ${user.username}? They will be signed out and cannot log in.`) : true) && toggle.mutate()}
          >
            {toggle.isPending ? "Saving…" : user.is_active ? "Deactivate" : "Activate"}
          </button>
          {!user.is_active && <span className="hint">An inactive user can neither log in nor use earlier tokens.</span>}
        </div>
      )}
      {self && <p className="hint">This is you: nobody can deactivate themselves.</p>}
      {toggle.error && <ErrorMessage error={toggle.error} />}
    </>
  );
}

function UserRoles({ user, mayAssign }: { user: User; mayAssign: boolean }) {
  const queryClient = useQueryClient();
  const { user: me } = useMe();
  const held = useQuery({
    queryKey: ["user-roles", user.id],
    queryFn: () => unwrap(api.GET("/api/v1/rbac/users/{user_id}/roles", { params: { path: { user_id: user.id } } })),
  });
  const all = useQuery({
    queryKey: ["roles", "all"],
    queryFn: () => unwrap(api.GET("/api/v1/rbac/roles", { params: { query: { limit: 1000 } } })),
    enabled: mayAssign,
  });
  const [choice, setChoice] = useState("");
  const afterChange = (next: components["schemas"]["UserRoles"]) => {
    queryClient.setQueryData(["user-roles", user.id], next);
    if (me?.id === user.id) void queryClient.invalidateQueries({ queryKey: ["me"] });
  };
  const assign = useMutation({
    mutationFn: (roleId: number) => unwrap(api.POST("/api/v1/rbac/users/{user_id}/roles", { params: { path: { user_id: user.id } }, body: { role_id: roleId } })),
    onSuccess: (next) => {
      afterChange(next);
      setChoice("");
    },
  });
  const remove = useMutation({
    mutationFn: (roleId: number) => unwrap(api.DELETE("/api/v1/rbac/users/{user_id}/roles/{role_id}", { params: { path: { user_id: user.id, role_id: roleId } } })),
    onSuccess: afterChange,
  });

  return (
    <QueryView query={held} what="Loading the user's roles">
      {(data) => {
        const heldIds = new Set(data.roles.map((r) => r.id));
        const available = (all.data?.data ?? []).filter((r) => !heldIds.has(r.id));
        const perms = effectivePermissions(data.roles);
        return (
          <>
            {user.is_superuser && <p className="hint">A superuser holds every permission whatever their roles.</p>}
            {data.roles.length === 0 ? (
              <p className="state state-empty">No roles: this user may do nothing yet.</p>
            ) : (
              <ul className="role-list" aria-label="Roles held">
                {data.roles.map((r) => (
                  <li key={r.id}>
                    <span>
                      <Link to={`/admin/roles/${r.id}`}>{r.name}</Link> <span className="hint">({r.permissions.length} permissions)</span>
                    </span>
                    {mayAssign && (
                      <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate(r.id)} aria-label={`Remove role ${r.name}`}>
                        Remove
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {mayAssign && (
              <form
                className="create-inline"
                aria-label="Give a role"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (choice) assign.mutate(Number(choice));
                }}
              >
                <div className="field">
                  <label htmlFor="assign-role">Give a role</label>
                  <select id="assign-role" value={choice} onChange={(e) => setChoice(e.target.value)} disabled={!all.data}>
                    <option value="">{all.isLoading ? "Loading roles…" : available.length ? "Choose a role" : "No other roles"}</option>
                    {available.map((r) => (
                      <option key={r.id} value={r.id}>
                        {r.name}
                      </option>
                    ))}
                  </select>
                </div>
                <button type="submit" className="primary" disabled={!choice || assign.isPending}>
                  {assign.isPending ? "Assigning…" : "Assign"}
                </button>
              </form>
            )}
            {all.error && <ErrorMessage error={all.error} retry={() => void all.refetch()} />}
            {(assign.error || remove.error) && <ErrorMessage error={assign.error ?? remove.error} />}
            <h3>Permissions from these roles</h3>
            {perms.length === 0 ? (
              <p className="hint">None.</p>
            ) : (
              groupPermissions(perms.map((name) => ({ name }))).map((g) => (
                <div key={g.area}>
                  <p className="hint">{g.area}</p>
                  <ul className="tag-list">
                    {g.items.map((p) => (
                      <li key={p.name} className="badge">
                        {p.name}
                      </li>
                    ))}
                  </ul>
                </div>
              ))
            )}
          </>
        );
      }}
    </QueryView>
  );
}


const PASSWORD_FIELDS = ["new_password", "current_password"] as const;

// POST /api/v1/reset-password as a form body (a password does not belong in a URL). One's own
// password needs the current one; an administrator's reset of another user's does not.
function PasswordForm({ user, self }: { user: User; self: boolean }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const reset = useMutation({
    mutationFn: async () => {
      const body = new URLSearchParams({ user_name: user.username, new_password: next });
      if (self) body.set("current_password", current);
      await authorizedFetch("/api/v1/reset-password", { method: "POST", body });
    },
    onSuccess: () => {
      setCurrent("");
      setNext("");
    },
  });
  const issues = fieldIssues(reset.error, PASSWORD_FIELDS);
  // "Current password is incorrect" (400) belongs beside that field.
  if (reset.error instanceof ApiError && reset.error.status === 400 && /current password/i.test(reset.error.message)) issues.set("current_password", reset.error.message);
  const placed = reset.error instanceof ApiError && reset.error.issues.length === 0 && issues.size > 0;
  const general = placed ? null : generalError(reset.error, PASSWORD_FIELDS);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    reset.mutate();
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label={self ? "Change your password" : `Reset the password of ${user.username}`}>
      <h3>{self ? "Change your password" : "Reset the password"}</h3>
      {self && (
        <TextField id="current_password" label="Current password" type="password" autoComplete="current-password" value={current} onChange={(v) => { setCurrent(v); reset.reset(); }} issue={issues.get("current_password")} />
      )}
      <TextField
        id="new_password"
        label="New password"
        type="password"
        autoComplete="new-password"
        value={next}
        onChange={(v) => {
          setNext(v);
          reset.reset();
        }}
        issue={issues.get("new_password")}
        hint={self ? "Your sessions end: you log in again with the new password." : "Their sessions end: they log in again with the new password."}
      />
      {general && (
        <p className="field-error" role="alert">
          {general}
        </p>
      )}
      <div className="inline">
        <button type="submit" disabled={reset.isPending || !next}>
          {reset.isPending ? "Saving…" : self ? "Change password" : "Reset password"}
        </button>
        {reset.isSuccess && <span role="status">Password changed.</span>}
      </div>
    </form>
  );
}
