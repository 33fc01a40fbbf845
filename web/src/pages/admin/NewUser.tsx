// Creates a user in the tenant acted in; the API's 422 and 409 appear beside their fields. The new
// user holds no roles: the next page (the user's) is where roles are given.
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { useSession } from "../../auth/useSession";
import { PageHeader } from "../../components/PageHeader";
import { AdminNav, Guard, TextField } from "./common";
import { EMPTY_USER, fieldIssues, generalError, toUserCreate, type UserFormValues } from "./forms";

const FIELDS = ["username", "email", "password", "first_name", "last_name", "tenant_id"] as const;

export function NewUser() {
  return (
    <>
      <PageHeader title="New user">
        <p>
          <Link to="/admin/users">Users</Link> › new
        </p>
      </PageHeader>
      <AdminNav />
      <Guard permission="can_manage_users" what="the form to create users">
        <NewUserForm />
      </Guard>
    </>
  );
}

function NewUserForm() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { actingTenant } = useSession();
  const [values, setValues] = useState<UserFormValues>(EMPTY_USER);
  const create = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/users/create-user", { body: toUserCreate(values, actingTenant) })),
    onSuccess: (user) => {
      void queryClient.invalidateQueries({ queryKey: ["users"] });
      queryClient.setQueryData(["user", user.id], user);
      navigate(`/admin/users/${user.id}?created=1`);
    },
  });
  const issues = fieldIssues(create.error, FIELDS);
  const general = generalError(create.error, FIELDS);
  const set = (k: keyof UserFormValues) => (v: string) => setValues((old) => ({ ...old, [k]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="form card" onSubmit={submit} noValidate aria-label="New user">
      <TextField id="username" label="User name" value={values.username} onChange={set("username")} issue={issues.get("username")} autoComplete="off" required hint="3 to 64 characters, no spaces; unique across the platform." />
      <TextField id="email" label="E-mail" type="email" value={values.email} onChange={set("email")} issue={issues.get("email")} autoComplete="off" required />
      <TextField
        id="password"
        label="Password"
        type="password"
        value={values.password}
        onChange={set("password")}
        issue={issues.get("password")}
        autoComplete="new-password"
        required
        hint="8 to 128 characters with a letter and a digit, not the user name."
      />
      <TextField id="first_name" label="First name" value={values.first_name} onChange={set("first_name")} issue={issues.get("first_name")} />
      <TextField id="last_name" label="Last name" value={values.last_name} onChange={set("last_name")} issue={issues.get("last_name")} />
      {issues.get("tenant_id") && (
        <p className="field-error" role="alert">
          Tenant: {issues.get("tenant_id")}
        </p>
      )}
      {general && (
        <p className="field-error" role="alert">
          {general}
        </p>
      )}
      <div className="inline">
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create user"}
        </button>
        <Link to="/admin/users">Cancel</Link>
      </div>
    </form>
  );
}
