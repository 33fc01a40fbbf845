#include "modules/users/users_handlers.h"

#include "http/input.h"
#include "modules/rbac/permission_catalog.h"
#include "modules/tenants/tenant_scope.h"

namespace dataml::users {
namespace {

using http::RouteAccess;

Result<CreateUserInput> ParseCreateUser(const http::Request& req) {
  DATAML_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonObject(req));
  FieldErrors errors;
  http::JsonFields f(body, {"body"}, errors);
  CreateUserInput in;
  auto tenant_id = f.String("tenant_id", true, 64);
  auto username = f.String("username", true, 256);
  auto email = f.String("email", true, 320);
  auto password = f.String("password", true, 1024);
  in.first_name = f.String("first_name", false, 1024);
  in.last_name = f.String("last_name", false, 1024);
  DATAML_RETURN_NOT_OK(errors.ToStatus());
  in.tenant_id = *tenant_id;
  in.username = *username;
  in.email = *email;
  in.password = *password;
  return in;
}

// PATCH semantics: a field that is present changes; an explicit null clears a name.
Result<UserChanges> ParseChanges(const http::Request& req) {
  DATAML_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonObject(req));
  FieldErrors errors;
  http::JsonFields f(body, {"body"}, errors);
  UserChanges changes;
  for (const char* name : {"first_name", "last_name"}) {
    if (!body.contains(name)) continue;
    std::optional<std::string> value = body[name].is_null() ? std::nullopt : f.String(name, true, 1024);
    if (std::string(name) == "first_name") changes.first_name = value;
    else changes.last_name = value;
  }
  if (body.contains("email")) changes.email = f.String("email", true, 320);
  if (body.contains("is_active")) changes.is_active = f.Bool("is_active", true);
  for (const auto& [key, value] : body.items()) {
    if (key != "first_name" && key != "last_name" && key != "email" && key != "is_active") {
      errors.Add({"body", key}, "Field cannot be changed here (use reset-password for passwords)",
                 "extra_forbidden");
    }
  }
  DATAML_RETURN_NOT_OK(errors.ToStatus());
  return changes;
}

}  // namespace

void RegisterUsersRoutes(http::Router& router, UsersService& users, tenants::TenantsService& tenants,
                         http::Authenticator& authenticator) {
  router.Add("POST", "/api/v1/users/create-user", RouteAccess::Permission(rbac::perm::kManageUsers),
             [&users](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(CreateUserInput input, ParseCreateUser(req));
               DATAML_ASSIGN_OR_RETURN(User user, http::InBody(users.Create(req.caller(), input)));
               return http::Response::Json(201, ToJson(user));
             });

  router.Add("GET", "/api/v1/users/read-users", RouteAccess::Permission(rbac::perm::kViewUsers),
             [&users, &tenants](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(http::Page page, http::ReadPage(req));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(UserList list, http::InQuery(users.List(tenant_id, page.skip, page.limit, page.sort)));
               nlohmann::json data = nlohmann::json::array();
               for (const User& u : list.users) data.push_back(ToJson(u));
               return http::Response::Json(200, {{"data", data}, {"count", list.count}});
             });

  router.Add("GET", "/api/v1/users/me", RouteAccess::Authenticated(),
             [&users](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(User user, users.Get(req.caller(), req.caller().user_id));
               return http::Response::Json(200, ToJson(user));
             });

  router.Add("GET", "/api/v1/users/{user_id}", RouteAccess::Permission(rbac::perm::kViewUsers),
             [&users](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::PathId(req, "user_id"));
               DATAML_ASSIGN_OR_RETURN(User user, users.Get(req.caller(), id));
               return http::Response::Json(200, ToJson(user));
             });

  router.Add("PATCH", "/api/v1/users/{user_id}", RouteAccess::Authenticated(),
             [&users, &authenticator](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::PathId(req, "user_id"));
               DATAML_ASSIGN_OR_RETURN(UserChanges changes, ParseChanges(req));
               bool manages = authenticator.Authorize(req.caller(), rbac::perm::kManageUsers).ok();
               DATAML_ASSIGN_OR_RETURN(User user, http::InBody(users.Update(req.caller(), manages, id, changes)));
               return http::Response::Json(200, ToJson(user));
             });

  for (bool activate : {false, true}) {
    router.Add("POST", activate ? "/api/v1/users/{user_id}/activate" : "/api/v1/users/{user_id}/deactivate",
               RouteAccess::Permission(rbac::perm::kManageUsers),
               [&users, activate](http::Request& req) -> Result<http::Response> {
                 DATAML_ASSIGN_OR_RETURN(int64_t id, http::PathId(req, "user_id"));
                 UserChanges changes;
                 changes.is_active = activate;
                 DATAML_ASSIGN_OR_RETURN(User user, http::InBody(users.Update(req.caller(), true, id, changes)));
                 return http::Response::Json(200, ToJson(user));
               });
  }
}

}  // namespace dataml::users
