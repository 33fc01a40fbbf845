#include "modules/rbac/rbac_handlers.h"

#include "http/input.h"
#include "modules/rbac/permission_catalog.h"
#include "modules/tenants/tenant_scope.h"

namespace dataml::rbac {
namespace {

using http::RouteAccess;

struct NamedInTenant {
  std::string name;
  std::string tenant_id;
  std::string description;
};

// {"name": ..., "tenant_id": ...}: the tenant must be the caller's own unless a superuser.
Result<NamedInTenant> ParseNamed(const http::Request& req, tenants::TenantsService& tenants) {
  DATAML_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonObject(req));
  FieldErrors errors;
  http::JsonFields f(body, {"body"}, errors);
  auto name = f.String("name", true, 256);
  auto tenant_id = f.String("tenant_id", true, 64);
  auto description = f.String("description", false, 1024);
  DATAML_RETURN_NOT_OK(errors.ToStatus());
  NamedInTenant out{*name, "", description.value_or("")};
  DATAML_ASSIGN_OR_RETURN(out.tenant_id, tenants.ResolveTenant(req.caller(), tenant_id));
  return out;
}

nlohmann::json RolesJson(const std::vector<Role>& roles) {
  nlohmann::json data = nlohmann::json::array();
  for (const Role& r : roles) data.push_back(ToJson(r));
  return data;
}

}  // namespace

void RegisterRbacRoutes(http::Router& router, RbacService& rbac, tenants::TenantsService& tenants,
                        users::UsersService& users) {
  router.Add("POST", "/api/v1/rbac/roles", RouteAccess::Permission(perm::kManageRoles),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(NamedInTenant in, ParseNamed(req, tenants));
               DATAML_ASSIGN_OR_RETURN(Role role, http::InBody(rbac.CreateRole(in.tenant_id, in.name)));
               return http::Response::Json(201, ToJson(role));
             });

  router.Add("GET", "/api/v1/rbac/roles", RouteAccess::Permission(perm::kViewRoles),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(http::Page page, http::ReadPage(req));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(RoleList list,
                                       http::InQuery(rbac.ListRoles(tenant_id, page.skip, page.limit, page.sort)));
               return http::Response::Json(200, {{"data", RolesJson(list.roles)}, {"count", list.count}});
             });

  router.Add("GET", "/api/v1/rbac/roles/{role_id}", RouteAccess::Permission(perm::kViewRoles),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::PathId(req, "role_id"));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(Role role, rbac.GetRole(tenant_id, id));
               return http::Response::Json(200, ToJson(role));
             });

  router.Add("DELETE", "/api/v1/rbac/roles/{role_id}", RouteAccess::Permission(perm::kManageRoles),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::PathId(req, "role_id"));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_RETURN_NOT_OK(rbac.DeleteRole(tenant_id, id));
               return http::Response::Json(200, {{"message", "Role deleted"}, {"id", id}});
             });

  router.Add("POST", "/api/v1/rbac/roles/{role_id}/permissions",
             RouteAccess::Permission(perm::kManageRoles),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::PathId(req, "role_id"));
               DATAML_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonObject(req));
               FieldErrors errors;
               http::JsonFields f(body, {"body"}, errors);
               auto permission_id = f.Int("permission_id", false);
               auto permission_name = f.String("permission_name", false, 256);
               if (!permission_id && !permission_name && errors.empty()) {
                 errors.Add({"body", "permission_id"}, "Give permission_id or permission_name", "missing");
               }
               DATAML_RETURN_NOT_OK(errors.ToStatus());
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(Role role, rbac.Grant(tenant_id, id, permission_id.value_or(0),
                                                             permission_name.value_or("")));
               return http::Response::Json(200, ToJson(role));
             });

  router.Add("DELETE", "/api/v1/rbac/roles/{role_id}/permissions/{permission_id}",
             RouteAccess::Permission(perm::kManageRoles),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::PathId(req, "role_id"));
               DATAML_ASSIGN_OR_RETURN(int64_t permission_id, http::PathId(req, "permission_id"));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(Role role, rbac.Revoke(tenant_id, id, permission_id));
               return http::Response::Json(200, ToJson(role));
             });

  router.Add("POST", "/api/v1/rbac/permissions", RouteAccess::Permission(perm::kManageRoles),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(NamedInTenant in, ParseNamed(req, tenants));
               DATAML_ASSIGN_OR_RETURN(Permission p,
                                       http::InBody(rbac.CreatePermission(in.tenant_id, in.name, in.description)));
               return http::Response::Json(201, ToJson(p));
             });

  router.Add("GET", "/api/v1/rbac/permissions", RouteAccess::Permission(perm::kViewRoles),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(http::Page page, http::ReadPage(req));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(PermissionList list, http::InQuery(rbac.ListPermissions(tenant_id, page.skip,
                                                                                              page.limit, page.sort)));
               nlohmann::json data = nlohmann::json::array();
               for (const Permission& p : list.permissions) data.push_back(ToJson(p));
               return http::Response::Json(200, {{"data", data}, {"count", list.count}});
             });

  // Role assignments. The user must be in the tenant acted in; otherwise 404.
  auto user_in_tenant = [&users, &tenants](http::Request& req) -> Result<std::pair<std::string, int64_t>> {
    DATAML_ASSIGN_OR_RETURN(int64_t user_id, http::PathId(req, "user_id"));
    DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
    DATAML_ASSIGN_OR_RETURN(users::User user, users.Get(req.caller(), user_id));
    if (user.tenant_id != tenant_id) return Status::NotFound("User not found");
    return std::make_pair(tenant_id, user_id);
  };

  router.Add("GET", "/api/v1/rbac/users/{user_id}/roles", RouteAccess::Permission(perm::kViewRoles),
             [&, user_in_tenant](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(auto target, user_in_tenant(req));
               DATAML_ASSIGN_OR_RETURN(auto roles, rbac.RolesOfUser(target.second));
               return http::Response::Json(200, {{"user_id", target.second}, {"roles", RolesJson(roles)}});
             });

  router.Add("POST", "/api/v1/rbac/users/{user_id}/roles", RouteAccess::Permission(perm::kManageRoles),
             [&, user_in_tenant](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonObject(req));
               FieldErrors errors;
               http::JsonFields f(body, {"body"}, errors);
               auto role_id = f.Int("role_id", true);
               DATAML_RETURN_NOT_OK(errors.ToStatus());
               DATAML_ASSIGN_OR_RETURN(auto target, user_in_tenant(req));
               DATAML_RETURN_NOT_OK(rbac.AssignRole(target.first, target.second, *role_id));
               DATAML_ASSIGN_OR_RETURN(auto roles, rbac.RolesOfUser(target.second));
               return http::Response::Json(200, {{"user_id", target.second}, {"roles", RolesJson(roles)}});
             });

  router.Add("DELETE", "/api/v1/rbac/users/{user_id}/roles/{role_id}",
             RouteAccess::Permission(perm::kManageRoles),
             [&, user_in_tenant](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t role_id, http::PathId(req, "role_id"));
               DATAML_ASSIGN_OR_RETURN(auto target, user_in_tenant(req));
               DATAML_RETURN_NOT_OK(rbac.RemoveRole(target.first, target.second, role_id));
               DATAML_ASSIGN_OR_RETURN(auto roles, rbac.RolesOfUser(target.second));
               return http::Response::Json(200, {{"user_id", target.second}, {"roles", RolesJson(roles)}});
             });

  router.Add("GET", "/api/v1/rbac/me/permissions", RouteAccess::Authenticated(),
             [&](http::Request& req) -> Result<http::Response> {
               const Principal& caller = req.caller();
               DATAML_ASSIGN_OR_RETURN(auto permissions, rbac.EffectivePermissions(caller));
               DATAML_ASSIGN_OR_RETURN(auto roles, rbac.RolesOfUser(caller.user_id));
               nlohmann::json role_names = nlohmann::json::array();
               for (const Role& r : roles) role_names.push_back(r.name);
               return http::Response::Json(200, {{"user_id", caller.user_id},
                                                 {"tenant_id", caller.tenant_id},
                                                 {"is_superuser", caller.is_superuser},
                                                 {"roles", role_names},
                                                 {"permissions", permissions}});
             });
}

}  // namespace dataml::rbac
