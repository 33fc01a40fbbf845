#include "modules/rbac/rbac_repository.h"

#include "core/clock.h"
#include "db/row_reader.h"
#include "modules/rbac/permission_catalog.h"
#include "db/sort_columns.h"

namespace dataml::rbac {
namespace {

constexpr const char* kRoleColumns = "r.id, r.tenant_id, r.name, r.is_builtin, r.created_at";
constexpr const char* kPermissionColumns = "id, tenant_id, name, description, is_builtin, created_at";

Role RoleFromRow(const soci::row& row) {
  Role r;
  r.id = db::GetInt(row, "id");
  r.tenant_id = db::GetString(row, "tenant_id");
  r.name = db::GetString(row, "name");
  r.is_builtin = db::GetBool(row, "is_builtin");
  r.created_at = db::GetString(row, "created_at");
  return r;
}

Permission PermissionFromRow(const soci::row& row) {
  Permission p;
  p.id = db::GetInt(row, "id");
  p.tenant_id = db::GetString(row, "tenant_id");
  p.name = db::GetString(row, "name");
  p.description = db::GetString(row, "description");
  p.is_builtin = db::GetBool(row, "is_builtin");
  p.created_at = db::GetString(row, "created_at");
  return p;
}

void AttachPermissions(soci::session& sql, std::vector<Role>& roles) {
  for (Role& role : roles) {
    long long id = role.id;
    soci::rowset<std::string> names =
        (sql.prepare << "SELECT p.name FROM role_permissions rp JOIN permissions p ON p.id = "
                        "rp.permission_id WHERE rp.role_id = :id ORDER BY p.name",
         soci::use(id));
    role.permissions.assign(names.begin(), names.end());
  }
}

long long InsertReturningId(soci::session& sql, const std::string& statement,
                            const std::string& tenant_id, const std::string& name,
                            const std::string* description, int builtin) {
  long long id = 0;
  std::string now = NowIso8601Utc();
  if (description != nullptr) {
    sql << statement, soci::use(tenant_id), soci::use(name), soci::use(*description),
        soci::use(builtin), soci::use(now), soci::into(id);
  } else {
    sql << statement, soci::use(tenant_id), soci::use(name), soci::use(builtin), soci::use(now),
        soci::into(id);
  }
  return id;
}

const char* kInsertRole =
    "INSERT INTO roles (tenant_id, name, is_builtin, created_at) VALUES (:t, :n, :b, :at) "
    "RETURNING id";
const char* kInsertPermission =
    "INSERT INTO permissions (tenant_id, name, description, is_builtin, created_at) VALUES (:t, :n, "
    ":d, :b, :at) RETURNING id";

}  // namespace

nlohmann::json ToJson(const Permission& p) {
  return {{"id", p.id},          {"tenant_id", p.tenant_id},   {"name", p.name},
          {"description", p.description}, {"is_builtin", p.is_builtin}, {"created_at", p.created_at}};
}

nlohmann::json ToJson(const Role& r) {
  return {{"id", r.id},
          {"tenant_id", r.tenant_id},
          {"name", r.name},
          {"is_builtin", r.is_builtin},
          {"created_at", r.created_at},
          {"permissions", r.permissions}};
}

void RbacRepository::SeedTenant(soci::session& sql, const std::string& tenant_id) {
  long long admin = InsertReturningId(sql, kInsertRole, tenant_id, role::kAdmin, nullptr, 1);
  long long scientist = InsertReturningId(sql, kInsertRole, tenant_id, role::kDataScientist, nullptr, 1);
  long long viewer = InsertReturningId(sql, kInsertRole, tenant_id, role::kViewer, nullptr, 1);
  for (const CatalogPermission& p : PermissionCatalog()) {
    long long pid = InsertReturningId(sql, kInsertPermission, tenant_id, p.name, &p.description, 1);
    std::vector<long long> holders = {admin};
    if (p.data_scientist) holders.push_back(scientist);
    if (p.viewer) holders.push_back(viewer);
    for (long long role_id : holders) {
      sql << "INSERT INTO role_permissions (role_id, permission_id) VALUES (:r, :p)",
          soci::use(role_id), soci::use(pid);
    }
  }
}

Result<Role> RbacRepository::InsertRole(const std::string& tenant_id, const std::string& name) {
  return db_.Query<Role>([&](soci::session& sql) -> Result<Role> {
    long long id = InsertReturningId(sql, kInsertRole, tenant_id, name, nullptr, 0);
    Role r;
    r.id = id;
    r.tenant_id = tenant_id;
    r.name = name;
    r.created_at = NowIso8601Utc();
    return r;
  });
}

Result<std::optional<Role>> RbacRepository::FindRole(const std::string& tenant_id, int64_t role_id) {
  return db_.Query<std::optional<Role>>([&](soci::session& sql) -> Result<std::optional<Role>> {
    long long id = role_id;
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kRoleColumns
                                                << " FROM roles r WHERE r.tenant_id = :t AND r.id = :id",
                                    soci::use(tenant_id), soci::use(id));
    std::vector<Role> roles;
    for (const soci::row& row : rows) roles.push_back(RoleFromRow(row));
    if (roles.empty()) return std::optional<Role>();
    AttachPermissions(sql, roles);
    return std::optional<Role>(roles.front());
  });
}

Result<std::optional<Role>> RbacRepository::FindRoleByName(const std::string& tenant_id,
                                                           const std::string& name) {
  return db_.Query<std::optional<Role>>([&](soci::session& sql) -> Result<std::optional<Role>> {
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kRoleColumns
                                                << " FROM roles r WHERE r.tenant_id = :t AND r.name = :n",
                                    soci::use(tenant_id), soci::use(name));
    std::vector<Role> roles;
    for (const soci::row& row : rows) roles.push_back(RoleFromRow(row));
    if (roles.empty()) return std::optional<Role>();
    AttachPermissions(sql, roles);
    return std::optional<Role>(roles.front());
  });
}

Result<std::vector<Role>> RbacRepository::ListRoles(const std::string& tenant_id, int64_t skip,
                                                    int64_t limit, const SortKey& sort) {
  static const db::SortColumns kSort({{"id", "r.id"},
                                      {"name", "r.name", db::SortColumn::kText},
                                      {"is_builtin", "r.is_builtin"},
                                      {"created_at", "r.created_at"}},
                                     "r.id", "r.id");
  DATAML_ASSIGN_OR_RETURN(std::string order_by, kSort.OrderBy(sort));
  return db_.Query<std::vector<Role>>([&](soci::session& sql) -> Result<std::vector<Role>> {
    long long s = skip, l = limit;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kRoleColumns
                     << " FROM roles r WHERE r.tenant_id = :t" << order_by << " LIMIT :l OFFSET :s",
         soci::use(tenant_id), soci::use(l), soci::use(s));
    std::vector<Role> roles;
    for (const soci::row& row : rows) roles.push_back(RoleFromRow(row));
    AttachPermissions(sql, roles);
    return roles;
  });
}

Result<int64_t> RbacRepository::CountRoles(const std::string& tenant_id) {
  return db_.Query<int64_t>([&](soci::session& sql) -> Result<int64_t> {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM roles WHERE tenant_id = :t", soci::use(tenant_id), soci::into(n);
    return n;
  });
}

Status RbacRepository::DeleteRole(const std::string& tenant_id, int64_t role_id) {
  return db_.RunInTransaction([&](soci::session& sql) -> Status {
    long long id = role_id;
    sql << "DELETE FROM role_permissions WHERE role_id = :id", soci::use(id);
    sql << "DELETE FROM user_roles WHERE role_id = :id", soci::use(id);
    sql << "DELETE FROM roles WHERE tenant_id = :t AND id = :id", soci::use(tenant_id), soci::use(id);
    return Status::OK();
  });
}

Result<Permission> RbacRepository::InsertPermission(const std::string& tenant_id,
                                                    const std::string& name,
                                                    const std::string& description) {
  return db_.Query<Permission>([&](soci::session& sql) -> Result<Permission> {
    Permission p;
    p.id = InsertReturningId(sql, kInsertPermission, tenant_id, name, &description, 0);
    p.tenant_id = tenant_id;
    p.name = name;
    p.description = description;
    p.created_at = NowIso8601Utc();
    return p;
  });
}

Result<std::optional<Permission>> RbacRepository::FindPermission(const std::string& tenant_id,
                                                                 int64_t permission_id) {
  return db_.Query<std::optional<Permission>>(
      [&](soci::session& sql) -> Result<std::optional<Permission>> {
        long long id = permission_id;
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT " << kPermissionColumns
                         << " FROM permissions WHERE tenant_id = :t AND id = :id",
             soci::use(tenant_id), soci::use(id));
        for (const soci::row& row : rows) return std::optional<Permission>(PermissionFromRow(row));
        return std::optional<Permission>();
      });
}

Result<std::optional<Permission>> RbacRepository::FindPermissionByName(const std::string& tenant_id,
                                                                       const std::string& name) {
  return db_.Query<std::optional<Permission>>(
      [&](soci::session& sql) -> Result<std::optional<Permission>> {
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT " << kPermissionColumns
                         << " FROM permissions WHERE tenant_id = :t AND name = :n",
             soci::use(tenant_id), soci::use(name));
        for (const soci::row& row : rows) return std::optional<Permission>(PermissionFromRow(row));
        return std::optional<Permission>();
      });
}

Result<std::vector<Permission>> RbacRepository::ListPermissions(const std::string& tenant_id,
                                                                int64_t skip, int64_t limit, const SortKey& sort) {
  static const db::SortColumns kSort({{"id", "id"},
                                      {"name", "name", db::SortColumn::kText},
                                      {"is_builtin", "is_builtin"},
                                      {"created_at", "created_at"}},
                                     "id", "id");
  DATAML_ASSIGN_OR_RETURN(std::string order_by, kSort.OrderBy(sort));
  return db_.Query<std::vector<Permission>>(
      [&](soci::session& sql) -> Result<std::vector<Permission>> {
        long long s = skip, l = limit;
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT " << kPermissionColumns
                         << " FROM permissions WHERE tenant_id = :t" << order_by << " LIMIT :l OFFSET :s",
             soci::use(tenant_id), soci::use(l), soci::use(s));
        std::vector<Permission> out;
        for (const soci::row& row : rows) out.push_back(PermissionFromRow(row));
        return out;
      });
}

Result<int64_t> RbacRepository::CountPermissions(const std::string& tenant_id) {
  return db_.Query<int64_t>([&](soci::session& sql) -> Result<int64_t> {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM permissions WHERE tenant_id = :t", soci::use(tenant_id),
        soci::into(n);
    return n;
  });
}

Status RbacRepository::Grant(int64_t role_id, int64_t permission_id) {
  return db_.Run([&](soci::session& sql) -> Status {
    long long r = role_id, p = permission_id;
    sql << "INSERT INTO role_permissions (role_id, permission_id) VALUES (:r, :p) ON CONFLICT DO "
           "NOTHING",
        soci::use(r), soci::use(p);
    return Status::OK();
  });
}

Status RbacRepository::Revoke(int64_t role_id, int64_t permission_id) {
  return db_.Run([&](soci::session& sql) -> Status {
    long long r = role_id, p = permission_id;
    sql << "DELETE FROM role_permissions WHERE role_id = :r AND permission_id = :p", soci::use(r),
        soci::use(p);
    return Status::OK();
  });
}

Status RbacRepository::Assign(int64_t user_id, int64_t role_id) {
  return db_.Run([&](soci::session& sql) -> Status {
    long long u = user_id, r = role_id;
    sql << "INSERT INTO user_roles (user_id, role_id) VALUES (:u, :r) ON CONFLICT DO NOTHING",
        soci::use(u), soci::use(r);
    return Status::OK();
  });
}

Status RbacRepository::Unassign(int64_t user_id, int64_t role_id) {
  return db_.Run([&](soci::session& sql) -> Status {
    long long u = user_id, r = role_id;
    sql << "DELETE FROM user_roles WHERE user_id = :u AND role_id = :r", soci::use(u), soci::use(r);
    return Status::OK();
  });
}

Result<std::vector<Role>> RbacRepository::RolesOfUser(int64_t user_id) {
  return db_.Query<std::vector<Role>>([&](soci::session& sql) -> Result<std::vector<Role>> {
    long long u = user_id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kRoleColumns
                     << " FROM roles r JOIN user_roles ur ON ur.role_id = r.id WHERE ur.user_id = :u "
                        "ORDER BY r.id",
         soci::use(u));
    std::vector<Role> roles;
    for (const soci::row& row : rows) roles.push_back(RoleFromRow(row));
    AttachPermissions(sql, roles);
    return roles;
  });
}

Result<bool> RbacRepository::UserHasPermission(int64_t user_id, const std::string& tenant_id,
                                               const std::string& permission) {
  return db_.Query<bool>([&](soci::session& sql) -> Result<bool> {
    long long u = user_id, n = 0;
    // The tenant filter on both role and permission keeps a forged cross-tenant grant inert.
    sql << "SELECT COUNT(*) FROM user_roles ur JOIN roles r ON r.id = ur.role_id "
           "JOIN role_permissions rp ON rp.role_id = r.id JOIN permissions p ON p.id = "
           "rp.permission_id WHERE ur.user_id = :u AND r.tenant_id = :t AND p.tenant_id = :t2 AND "
           "p.name = :n",
        soci::use(u), soci::use(tenant_id), soci::use(tenant_id), soci::use(permission),
        soci::into(n);
    return n > 0;
  });
}

Result<std::vector<std::string>> RbacRepository::PermissionsOfUser(int64_t user_id,
                                                                   const std::string& tenant_id) {
  return db_.Query<std::vector<std::string>>(
      [&](soci::session& sql) -> Result<std::vector<std::string>> {
        long long u = user_id;
        soci::rowset<std::string> names =
            (sql.prepare << "SELECT DISTINCT p.name FROM user_roles ur JOIN roles r ON r.id = "
                            "ur.role_id JOIN role_permissions rp ON rp.role_id = r.id JOIN "
                            "permissions p ON p.id = rp.permission_id WHERE ur.user_id = :u AND "
                            "r.tenant_id = :t AND p.tenant_id = :t2 ORDER BY p.name",
             soci::use(u), soci::use(tenant_id), soci::use(tenant_id));
        return std::vector<std::string>(names.begin(), names.end());
      });
}

}  // namespace dataml::rbac
