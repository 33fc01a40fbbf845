#include "modules/templates/templates_handlers.h"

#include "http/input.h"
#include "modules/rbac/permission_catalog.h"
#include "modules/tenants/tenant_scope.h"

namespace dataml::templates {
namespace {

using http::RouteAccess;

Result<TemplateInput> ParseTemplate(const http::Request& req) {
  DATAML_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonObject(req));
  FieldErrors errors;
  http::JsonFields f(body, {"body"}, errors);
  TemplateInput in;
  auto name = f.String("template_name", true, 1024);
  const nlohmann::json* schema = f.Array("template_schema", false, kMaxTemplateColumns);
  if (schema != nullptr) {
    in.template_schema.emplace();
    for (size_t i = 0; i < schema->size(); ++i) {
      const nlohmann::json& item = (*schema)[i];
      std::vector<std::string> loc = {"body", "template_schema", std::to_string(i)};
      if (!item.is_object()) {
        errors.Add(loc, "Input should be a valid dictionary or object to extract fields from",
                   "model_attributes_type");
        continue;
      }
      http::JsonFields column(item, loc, errors);
      auto column_name = column.String("column_name", true, 1024);
      auto data_type = column.String("data_type", true, 64);
      auto default_value = column.String("default_value", false, 4096);
      in.template_schema->push_back({column_name.value_or(""), data_type.value_or(""), default_value});
    }
  }
  DATAML_RETURN_NOT_OK(errors.ToStatus());
  in.template_name = *name;
  return in;
}

}  // namespace

void RegisterTemplatesRoutes(http::Router& router, TemplatesService& templates,
                             tenants::TenantsService& tenants) {
  router.Add("POST", "/api/v1/template", RouteAccess::Permission(rbac::perm::kCreateTemplate),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(TemplateInput input, ParseTemplate(req));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(Template t, http::InBody(templates.Create(tenant_id, req.caller(), input)));
               return http::Response::Json(201, ToDetailJson(t));
             });

  router.Add("GET", "/api/v1/template/list", RouteAccess::Permission(rbac::perm::kViewTemplates),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(http::Page page, http::ReadPage(req));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(TemplateList list,
                                       http::InQuery(templates.List(tenant_id, page.skip, page.limit, page.sort)));
               nlohmann::json data = nlohmann::json::array();
               for (const Template& t : list.templates) data.push_back(ToSummaryJson(t));
               return http::Response::Json(200, {{"total", list.total}, {"data", data}});
             });

  router.Add("GET", "/api/v1/template/{template_id}", RouteAccess::Permission(rbac::perm::kViewTemplates),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::PathId(req, "template_id"));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(Template t, templates.Get(tenant_id, id));
               return http::Response::Json(200, ToDetailJson(t));
             });

  router.Add("PUT", "/api/v1/template/update/{template_id}",
             RouteAccess::Permission(rbac::perm::kUpdateTemplate),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::PathId(req, "template_id"));
               DATAML_ASSIGN_OR_RETURN(TemplateInput input, ParseTemplate(req));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(Template t, http::InBody(templates.Update(tenant_id, req.caller(), id, input)));
               return http::Response::Json(200, ToDetailJson(t));
             });

  router.Add("DELETE", "/api/v1/template/{template_id}",
             RouteAccess::Permission(rbac::perm::kDeleteTemplate),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::PathId(req, "template_id"));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_RETURN_NOT_OK(templates.Delete(tenant_id, id));
               return http::Response::Json(200, {{"message", "Template deleted successfully"}, {"id", id}});
             });
}

}  // namespace dataml::templates
