import { useSyncExternalStore } from "react";
import { useQuery } from "@tanstack/react-query";
import { session } from "./session";
import { api, unwrap } from "../api/client";

// Re-renders when the session signs in, out, refreshes or switches tenant.
export function useSession() {
  const version = useSyncExternalStore(
    (cb) => session.subscribe(cb),
    () => `${session.accessToken ?? ""}|${session.actingTenant ?? ""}`,
  );
  return { session, signedIn: session.signedIn, actingTenant: session.actingTenant, version };
}

// The caller: their user and effective permissions (the nav shows what they may use).
export function useMe() {
  const { signedIn } = useSession();
  const user = useQuery({
    queryKey: ["me"],
    queryFn: () => unwrap(api.GET("/api/v1/users/me")),
    enabled: signedIn,
    staleTime: 60_000,
  });
  const permissions = useQuery({
    queryKey: ["me", "permissions"],
    queryFn: () => unwrap(api.GET("/api/v1/rbac/me/permissions")),
    enabled: signedIn,
    staleTime: 60_000,
  });
  const can = (permission: string) =>
    permissions.data?.is_superuser === true || (permissions.data?.permissions ?? []).includes(permission);
  return { user: user.data, permissions: permissions.data, can, loading: user.isLoading || permissions.isLoading };
}
