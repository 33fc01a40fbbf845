// Roles and permissions within a tenant, and the permission check every endpoint relies on.
// Callers pass the tenant they act in, already resolved from the Principal (see
// TenantsService::ResolveTenant): this service never trusts a tenant from a request body.
#pragma once

#include <chrono>
#include <string_view>

#include "core/principal.h"
#include "core/ttl_cache.h"
#include "modules/rbac/rbac_repository.h"

namespace dataml::rbac {

// How long the permissions read for one user's permission checks may be reused. Grants,
// revocations and role changes made through this process take effect at once; those made by
// another server sharing the database are seen here up to this long later. Kept as short as
// the user cache's (users::kActiveUserCacheTtl), for the same reason.
inline constexpr std::chrono::seconds kPermissionCacheTtl{1};
inline constexpr size_t kPermissionCacheCapacity = 4096;

struct RoleList {
  std::vector<Role> roles;
  int64_t count = 0;
};
struct PermissionList {
  std::vector<Permission> permissions;
  int64_t count = 0;
};

class RbacService {
 public:
  explicit RbacService(db::Database& db)
      : repo_(db), held_(kPermissionCacheCapacity, kPermissionCacheTtl) {}

  void SeedTenant(soci::session& sql, const std::string& tenant_id) { repo_.SeedTenant(sql, tenant_id); }

  // OK when the caller may use `permission` (superusers always may); PermissionDenied otherwise.
  // Reads the caller's permissions through a cache (see kPermissionCacheTtl).
  Status Check(const Principal& caller, std::string_view permission);
  // The caller's permission names in their tenant (every catalogue name for a superuser).
  Result<std::vector<std::string>> EffectivePermissions(const Principal& caller);

  Result<Role> CreateRole(const std::string& tenant_id, const std::string& name);
  Result<Role> GetRole(const std::string& tenant_id, int64_t role_id);
  Result<RoleList> ListRoles(const std::string& tenant_id, int64_t skip, int64_t limit, const SortKey& sort = {});
  Status DeleteRole(const std::string& tenant_id, int64_t role_id);

  Result<Permission> CreatePermission(const std::string& tenant_id, const std::string& name,
                                      const std::string& description);
  Result<PermissionList> ListPermissions(const std::string& tenant_id, int64_t skip, int64_t limit,
                                         const SortKey& sort = {});

  // permission: by id, or by name when id is 0.
  Result<Role> Grant(const std::string& tenant_id, int64_t role_id, int64_t permission_id,
                     const std::string& permission_name);
  Result<Role> Revoke(const std::string& tenant_id, int64_t role_id, int64_t permission_id);

  // The user must already be known to belong to tenant_id (the caller checks that).
  Status AssignRole(const std::string& tenant_id, int64_t user_id, int64_t role_id);
  Status RemoveRole(const std::string& tenant_id, int64_t user_id, int64_t role_id);
  Result<std::vector<Role>> RolesOfUser(int64_t user_id) { return repo_.RolesOfUser(user_id); }

 private:
  // The permission names a user holds in one tenant, sorted.
  struct HeldPermissions {
    std::string tenant_id;
    std::vector<std::string> names;
  };

  RbacRepository repo_;
  // By user id. Every method here that changes who holds what forgets the users concerned.
  TtlCache<int64_t, HeldPermissions> held_;
};

}  // namespace dataml::rbac
