// SQL for roles, permissions and their assignments. Every query names its tenant.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "db/database.h"
#include "core/sort_key.h"

namespace dataml::rbac {

struct Permission {
  int64_t id = 0;
  std::string tenant_id;
  std::string name;
  std::string description;
  bool is_builtin = false;
  std::string created_at;
};

struct Role {
  int64_t id = 0;
  std::string tenant_id;
  std::string name;
  bool is_builtin = false;
  std::string created_at;
  std::vector<std::string> permissions;  // names, sorted
};

nlohmann::json ToJson(const Permission& permission);
nlohmann::json ToJson(const Role& role);

class RbacRepository {
 public:
  explicit RbacRepository(db::Database& db) : db_(db) {}

  // Built-in permissions and roles for a new tenant, in the caller's transaction.
  void SeedTenant(soci::session& sql, const std::string& tenant_id);

  Result<Role> InsertRole(const std::string& tenant_id, const std::string& name);
  Result<std::optional<Role>> FindRole(const std::string& tenant_id, int64_t role_id);
  Result<std::optional<Role>> FindRoleByName(const std::string& tenant_id, const std::string& name);
  Result<std::vector<Role>> ListRoles(const std::string& tenant_id, int64_t skip, int64_t limit,
                                      const SortKey& sort = {});
  Result<int64_t> CountRoles(const std::string& tenant_id);
  Status DeleteRole(const std::string& tenant_id, int64_t role_id);

  Result<Permission> InsertPermission(const std::string& tenant_id, const std::string& name,
                                      const std::string& description);
  Result<std::optional<Permission>> FindPermission(const std::string& tenant_id, int64_t id);
  Result<std::optional<Permission>> FindPermissionByName(const std::string& tenant_id,
                                                         const std::string& name);
  Result<std::vector<Permission>> ListPermissions(const std::string& tenant_id, int64_t skip,
                                                  int64_t limit, const SortKey& sort = {});
  Result<int64_t> CountPermissions(const std::string& tenant_id);

  // Idempotent: granting a held permission or assigning a held role changes nothing.
  Status Grant(int64_t role_id, int64_t permission_id);
  Status Revoke(int64_t role_id, int64_t permission_id);
  Status Assign(int64_t user_id, int64_t role_id);
  Status Unassign(int64_t user_id, int64_t role_id);
  Result<std::vector<Role>> RolesOfUser(int64_t user_id);

  Result<bool> UserHasPermission(int64_t user_id, const std::string& tenant_id,
                                 const std::string& permission);
  Result<std::vector<std::string>> PermissionsOfUser(int64_t user_id, const std::string& tenant_id);

 private:
  db::Database& db_;
};

}  // namespace dataml::rbac
