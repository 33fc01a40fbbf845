#include "modules/tenants/tenants_handlers.h"

#include "http/input.h"

namespace dataml::tenants {

void RegisterTenantsRoutes(http::Router& router, TenantsService& tenants) {
  using http::RouteAccess;
  router.Add("POST", "/api/v1/tenants", RouteAccess::Superuser(),
             [&tenants](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonObject(req));
               FieldErrors errors;
               http::JsonFields f(body, {"body"}, errors);
               auto name = f.String("name", true, 1024);
               DATAML_RETURN_NOT_OK(errors.ToStatus());
               DATAML_ASSIGN_OR_RETURN(Tenant tenant, http::InBody(tenants.Create(*name)));
               return http::Response::Json(201, ToJson(tenant));
             });

  router.Add("GET", "/api/v1/tenants", RouteAccess::Superuser(),
             [&tenants](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(http::Page page, http::ReadPage(req));
               DATAML_ASSIGN_OR_RETURN(auto list, http::InQuery(tenants.List(page.skip, page.limit, page.sort)));
               DATAML_ASSIGN_OR_RETURN(int64_t count, tenants.Count());
               nlohmann::json data = nlohmann::json::array();
               for (const Tenant& t : list) data.push_back(ToJson(t));
               return http::Response::Json(200, {{"data", data}, {"count", count}});
             });

  router.Add("GET", "/api/v1/tenants/{tenant_id}", RouteAccess::Superuser(),
             [&tenants](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(Tenant tenant, tenants.Get(req.path_params["tenant_id"]));
               return http::Response::Json(200, ToJson(tenant));
             });
}

}  // namespace dataml::tenants
