import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { useSession } from "../auth/useSession";

// Superusers act in any tenant: every tenant-scoped request then carries ?tenant_id=.
export function TenantSwitcher({ ownTenant }: { ownTenant: string }) {
  const { session, actingTenant } = useSession();
  const queryClient = useQueryClient();
  const tenants = useQuery({
    queryKey: ["tenants", "all"],
    queryFn: () => unwrap(api.GET("/api/v1/tenants", { params: { query: { limit: 1000 } } })),
  });
  const current = actingTenant ?? ownTenant;
  return (
    <label className="tenant-switcher">
      Tenant{" "}
      <select
        value={current}
        disabled={!tenants.data}
        onChange={(e) => {
          session.setActingTenant(e.target.value === ownTenant ? null : e.target.value);
          // Everything cached belongs to the tenant we leave.
          void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== "me" && q.queryKey[0] !== "tenants" });
        }}
      >
        {(tenants.data?.data ?? []).map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
        {!tenants.data && <option value={current}>…</option>}
      </select>
    </label>
  );
}
