#include "modules/datalake/datalake_handlers.h"

#include "http/input.h"
#include "modules/rbac/permission_catalog.h"
#include "modules/tenants/tenant_scope.h"

namespace dataml::datalake {
namespace {

using http::RouteAccess;

// The named query parameters, each required; a name that is not an identifier is 422, as no
// namespace, table or column of ours can have it.
Result<std::vector<std::string>> Names(const http::Request& req, std::initializer_list<const char*> names) {
  FieldErrors errors;
  http::ParamFields query(req.query, "query", errors);
  std::vector<std::string> out;
  for (const char* name : names) {
    auto value = query.String(name, true, 255);
    if (value && !DatalakeService::IsIdentifier(*value)) {
      errors.Add({"query", name}, "Must be an identifier (letters, digits and _, not starting with a digit)",
                 "value_error");
    }
    out.push_back(value.value_or(""));
  }
  DATAML_RETURN_NOT_OK(errors.ToStatus());
  return out;
}

}  // namespace

void RegisterDatalakeRoutes(http::Router& router, DatalakeService& datalake, tenants::TenantsService& tenants) {
  const auto access = RouteAccess::Permission(rbac::perm::kViewDatalake);
  router.Add("GET", "/api/v1/datalake/schemas", access, [&](http::Request& req) -> Result<http::Response> {
    DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
    DATAML_ASSIGN_OR_RETURN(auto schemas, datalake.Schemas(tenant_id));
    return http::Response::Json(200, {{"schemas", schemas}});
  });

  router.Add("GET", "/api/v1/datalake/schemas/tables", access, [&](http::Request& req) -> Result<http::Response> {
    DATAML_ASSIGN_OR_RETURN(auto names, Names(req, {"schema_name"}));
    DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
    DATAML_ASSIGN_OR_RETURN(auto tables, datalake.Tables(tenant_id, names[0]));
    return http::Response::Json(200, {{"schema", names[0]}, {"tables", tables}});
  });

  router.Add("GET", "/api/v1/datalake/tables/columns", access, [&](http::Request& req) -> Result<http::Response> {
    DATAML_ASSIGN_OR_RETURN(auto names, Names(req, {"schema_name", "table_name"}));
    DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
    DATAML_ASSIGN_OR_RETURN(auto columns, datalake.Columns(tenant_id, names[0], names[1]));
    return http::Response::Json(200, columns);
  });

  router.Add("GET", "/api/v1/datalake/table_metadata", access, [&](http::Request& req) -> Result<http::Response> {
    DATAML_ASSIGN_OR_RETURN(auto names, Names(req, {"schema_name", "table_name"}));
    DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
    DATAML_ASSIGN_OR_RETURN(auto info, datalake.TableInfo(tenant_id, names[0], names[1]));
    return http::Response::Json(200, info);
  });

  router.Add("GET", "/api/v1/datalake/numeric_stats", access, [&](http::Request& req) -> Result<http::Response> {
    DATAML_ASSIGN_OR_RETURN(auto names, Names(req, {"schema_name", "table_name", "column_name"}));
    DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
    DATAML_ASSIGN_OR_RETURN(auto stats,
                            http::InQuery(datalake.NumericStats(tenant_id, names[0], names[1], names[2])));
    return http::Response::Json(200, stats);
  });

  // The document names this one's parameters schema, table and column.
  router.Add("GET", "/api/v1/datalake/distinct-count", access, [&](http::Request& req) -> Result<http::Response> {
    DATAML_ASSIGN_OR_RETURN(auto names, Names(req, {"schema", "table", "column"}));
    DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
    DATAML_ASSIGN_OR_RETURN(auto count, datalake.DistinctCount(tenant_id, names[0], names[1], names[2]));
    return http::Response::Json(200, count);
  });
}

}  // namespace dataml::datalake
