#include "modules/rbac/rbac_service.h"

#include <algorithm>
#include <regex>

#include "modules/rbac/permission_catalog.h"

namespace dataml::rbac {
namespace {

Status ValidateRoleName(const std::string& name) {
  static const std::regex kPattern("^[A-Za-z][A-Za-z0-9_.-]{0,63}$");
  if (std::regex_match(name, kPattern)) return Status::OK();
  return Status::Invalid({{{"name"},
                           "Role name must start with a letter and hold 1 to 64 letters, digits, "
                           "'_', '.' or '-'",
                           "value_error"}});
}

Status ValidatePermissionName(const std::string& name) {
  static const std::regex kPattern("^[a-z][a-z0-9_]{2,63}$");
  if (std::regex_match(name, kPattern)) return Status::OK();
  return Status::Invalid({{{"name"},
                           "Permission name must be 3 to 64 lower-case letters, digits or '_', "
                           "starting with a letter (e.g. can_train_models)",
                           "value_error"}});
}

}  // namespace

Status RbacService::Check(const Principal& caller, std::string_view permission) {
  if (caller.is_superuser) return Status::OK();
  auto load = [&]() -> Result<HeldPermissions> {
    DATAML_ASSIGN_OR_RETURN(auto names, repo_.PermissionsOfUser(caller.user_id, caller.tenant_id));
    // The database's ORDER BY follows its collation; binary_search needs std::string's order.
    std::sort(names.begin(), names.end());
    return HeldPermissions{caller.tenant_id, std::move(names)};
  };
  DATAML_ASSIGN_OR_RETURN(auto held, held_.GetOrLoad(caller.user_id, load));
  bool allowed = false;
  if (held->tenant_id == caller.tenant_id) {
    allowed = std::binary_search(held->names.begin(), held->names.end(), permission);
  } else {
    // A principal's tenant is its user's, so this is not expected; answer it exactly anyway.
    DATAML_ASSIGN_OR_RETURN(allowed, repo_.UserHasPermission(caller.user_id, caller.tenant_id,
                                                             std::string(permission)));
  }
  if (allowed) return Status::OK();
  return Status::PermissionDenied("Missing permission: " + std::string(permission));
}

Result<std::vector<std::string>> RbacService::EffectivePermissions(const Principal& caller) {
  if (!caller.is_superuser) return repo_.PermissionsOfUser(caller.user_id, caller.tenant_id);
  std::vector<std::string> all;
  for (const CatalogPermission& p : PermissionCatalog()) all.push_back(p.name);
  std::sort(all.begin(), all.end());
  return all;
}

Result<Role> RbacService::CreateRole(const std::string& tenant_id, const std::string& name) {
  DATAML_RETURN_NOT_OK(ValidateRoleName(name));
  DATAML_ASSIGN_OR_RETURN(auto existing, repo_.FindRoleByName(tenant_id, name));
  if (existing) return Status::AlreadyExists("A role named '" + name + "' already exists in this tenant");
  return repo_.InsertRole(tenant_id, name);
}

Result<Role> RbacService::GetRole(const std::string& tenant_id, int64_t role_id) {
  DATAML_ASSIGN_OR_RETURN(auto role, repo_.FindRole(tenant_id, role_id));
  if (!role) return Status::NotFound("Role not found");
  return *role;
}

Result<RoleList> RbacService::ListRoles(const std::string& tenant_id, int64_t skip, int64_t limit,
                                        const SortKey& sort) {
  RoleList out;
  DATAML_ASSIGN_OR_RETURN(out.roles, repo_.ListRoles(tenant_id, skip, limit, sort));
  DATAML_ASSIGN_OR_RETURN(out.count, repo_.CountRoles(tenant_id));
  return out;
}

Status RbacService::DeleteRole(const std::string& tenant_id, int64_t role_id) {
  DATAML_ASSIGN_OR_RETURN(Role role, GetRole(tenant_id, role_id));
  if (role.is_builtin) return Status::FailedPrecondition("Built-in role '" + role.name + "' cannot be deleted");
  Status deleted = repo_.DeleteRole(tenant_id, role_id);
  held_.Clear();
  return deleted;
}

Result<Permission> RbacService::CreatePermission(const std::string& tenant_id, const std::string& name,
                                                 const std::string& description) {
  DATAML_RETURN_NOT_OK(ValidatePermissionName(name));
  DATAML_ASSIGN_OR_RETURN(auto existing, repo_.FindPermissionByName(tenant_id, name));
  if (existing) {
    return Status::AlreadyExists("A permission named '" + name + "' already exists in this tenant");
  }
  return repo_.InsertPermission(tenant_id, name, description);
}

Result<PermissionList> RbacService::ListPermissions(const std::string& tenant_id, int64_t skip,
                                                    int64_t limit, const SortKey& sort) {
  PermissionList out;
  DATAML_ASSIGN_OR_RETURN(out.permissions, repo_.ListPermissions(tenant_id, skip, limit, sort));
  DATAML_ASSIGN_OR_RETURN(out.count, repo_.CountPermissions(tenant_id));
  return out;
}

Result<Role> RbacService::Grant(const std::string& tenant_id, int64_t role_id, int64_t permission_id,
                                const std::string& permission_name) {
  DATAML_ASSIGN_OR_RETURN(Role role, GetRole(tenant_id, role_id));
  std::optional<Permission> permission;
  if (permission_id > 0) {
    DATAML_ASSIGN_OR_RETURN(permission, repo_.FindPermission(tenant_id, permission_id));
  } else {
    DATAML_ASSIGN_OR_RETURN(permission, repo_.FindPermissionByName(tenant_id, permission_name));
  }
  if (!permission) return Status::NotFound("Permission not found");
  Status granted = repo_.Grant(role.id, permission->id);
  held_.Clear();  // every holder of the role gains it; rare enough to forget everyone
  DATAML_RETURN_NOT_OK(granted);
  return GetRole(tenant_id, role_id);
}

Result<Role> RbacService::Revoke(const std::string& tenant_id, int64_t role_id, int64_t permission_id) {
  DATAML_ASSIGN_OR_RETURN(Role role, GetRole(tenant_id, role_id));
  if (role.name == role::kAdmin && role.is_builtin) {
    return Status::FailedPrecondition("The built-in admin role keeps all its permissions");
  }
  DATAML_ASSIGN_OR_RETURN(auto permission, repo_.FindPermission(tenant_id, permission_id));
  if (!permission) return Status::NotFound("Permission not found");
  Status revoked = repo_.Revoke(role.id, permission->id);
  held_.Clear();
  DATAML_RETURN_NOT_OK(revoked);
  return GetRole(tenant_id, role_id);
}

Status RbacService::AssignRole(const std::string& tenant_id, int64_t user_id, int64_t role_id) {
  DATAML_ASSIGN_OR_RETURN(Role role, GetRole(tenant_id, role_id));
  Status assigned = repo_.Assign(user_id, role.id);
  held_.Invalidate(user_id);
  return assigned;
}

Status RbacService::RemoveRole(const std::string& tenant_id, int64_t user_id, int64_t role_id) {
  DATAML_ASSIGN_OR_RETURN(Role role, GetRole(tenant_id, role_id));
  Status removed = repo_.Unassign(user_id, role.id);
  held_.Invalidate(user_id);
  return removed;
}

}  // namespace dataml::rbac
