// Roles and permissions within a tenant, and the permission check every endpoint relies on.
// Callers pass the tenant they act in, already resolved from the Principal (see
// TenantsService::ResolveTenant): this service never trusts a tenant from a request body.
#pragma once

#include "core/principal.h"
#include "modules/rbac/rbac_repository.h"

namespace dataml::rbac {

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
  explicit RbacService(db::Database& db) : repo_(db) {}

  void SeedTenant(soci::session& sql, const std::string& tenant_id) { repo_.SeedTenant(sql, tenant_id); }

  // OK when the caller may use `permission` (superusers always may); PermissionDenied otherwise.
  Status Check(const Principal& caller, const std::string& permission);
  // The caller's permission names in their tenant (every catalogue name for a superuser).
  Result<std::vector<std::string>> EffectivePermissions(const Principal& caller);

  Result<Role> CreateRole(const std::string& tenant_id, const std::string& name);
  Result<Role> GetRole(const std::string& tenant_id, int64_t role_id);
  Result<RoleList> ListRoles(const std::string& tenant_id, int64_t skip, int64_t limit);
  Status DeleteRole(const std::string& tenant_id, int64_t role_id);

  Result<Permission> CreatePermission(const std::string& tenant_id, const std::string& name,
                                      const std::string& description);
  Result<PermissionList> ListPermissions(const std::string& tenant_id, int64_t skip, int64_t limit);

  // permission: by id, or by name when id is 0.
  Result<Role> Grant(const std::string& tenant_id, int64_t role_id, int64_t permission_id,
                     const std::string& permission_name);
  Result<Role> Revoke(const std::string& tenant_id, int64_t role_id, int64_t permission_id);

  // The user must already be known to belong to tenant_id (the caller checks that).
  Status AssignRole(const std::string& tenant_id, int64_t user_id, int64_t role_id);
  Status RemoveRole(const std::string& tenant_id, int64_t user_id, int64_t role_id);
  Result<std::vector<Role>> RolesOfUser(int64_t user_id) { return repo_.RolesOfUser(user_id); }

 private:
  RbacRepository repo_;
};

}  // namespace dataml::rbac
