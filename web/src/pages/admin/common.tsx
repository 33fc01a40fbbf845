// Pieces the admin pages share: their sub-navigation, a field's message, the "not allowed" state.
import type { ReactNode } from "react";
import { NavLink } from "react-router-dom";
import { useMe } from "../../auth/useSession";
import { Loading } from "../../components/States";
import "./admin.css";
import { FieldIssue } from "../../components/FieldIssue";

export function AdminNav() {
  const { can, permissions } = useMe();
  const links = [
    { to: "/admin/users", label: "Users", show: can("can_view_users") },
    { to: "/admin/roles", label: "Roles & permissions", show: can("can_view_roles") },
    { to: "/admin/tenants", label: "Tenants", show: permissions?.is_superuser === true },
  ].filter((l) => l.show);
  if (links.length < 2) return null;
  return (
    <nav className="admin-nav" aria-label="Administration">
      {links.map((l) => (
        <NavLink key={l.to} to={l.to}>
          {l.label}
        </NavLink>
      ))}
    </nav>
  );
}

// Renders children only for callers holding `permission` (or superusers, for "superuser").
export function Guard({ permission, what, children }: { permission: string; what: string; children: ReactNode }) {
  const { can, permissions, loading } = useMe();
  if (loading || !permissions) return <Loading what="Checking your permissions" />;
  const allowed = permission === "superuser" ? permissions.is_superuser : can(permission);
  if (!allowed) {
    return (
      <div className="state state-empty" role="note">
        You may not see {what}: it takes the <code>{permission}</code> permission. Ask an administrator.
      </div>
    );
  }
  return <>{children}</>;
}

// A labelled input whose API message sits beneath it.
export function TextField({
  id,
  label,
  value,
  onChange,
  issue,
  type = "text",
  disabled,
  autoComplete,
  hint,
  required,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  issue?: string;
  type?: string;
  disabled?: boolean;
  autoComplete?: string;
  hint?: string;
  required?: boolean;
}) {
  const described = [issue ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required && <span aria-hidden="true"> *</span>}
      </label>
      <input
        id={id}
        type={type}
        value={value}
        disabled={disabled}
        autoComplete={autoComplete}
        required={required}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={issue ? true : undefined}
        aria-describedby={described}
      />
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      <FieldIssue id={`${id}-error`} message={issue} />
    </div>
  );
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
