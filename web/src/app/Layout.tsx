import { NavLink, Outlet, useNavigate } from "react-router-dom";
import { useQueryClient } from "@tanstack/react-query";
import { useMe, useSession } from "../auth/useSession";
import { TenantSwitcher } from "./TenantSwitcher";
import { NAV } from "./nav";

export function Layout() {
  const { session } = useSession();
  const { user, permissions, can } = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const logout = async () => {
    await session.logout();
    queryClient.clear();
    navigate("/login", { replace: true });
  };
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">dataml</span>
        <div className="topbar-right">
          {permissions?.is_superuser && user && <TenantSwitcher ownTenant={user.tenant_id} />}
          <span className="who">{user?.username}</span>
          <button type="button" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </header>
      <nav className="sidebar" aria-label="Main">
        <ul>
          {NAV.filter((item) => !item.permission || can(item.permission)).map((item) => (
            <li key={item.to}>
              <NavLink to={item.to}>{item.label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
