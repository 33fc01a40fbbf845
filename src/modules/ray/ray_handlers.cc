#include "modules/ray/ray_handlers.h"

#include <charconv>
#include <map>

#include "http/input.h"
#include "modules/rbac/permission_catalog.h"
#include "modules/tenants/tenant_scope.h"

namespace dataml::ray {
namespace {

// The document's `usage` values and the job kinds they name.
const std::map<std::string, std::string>& UsageKinds() {
  static const std::map<std::string, std::string> kinds = {
      {"training", "train"},          {"statistics", "statistics"},
      {"shap", "shap"},               {"feature_importance", "shap"},
      {"batch_prediction", "batch_prediction"}, {"forecast", "forecast"}};
  return kinds;
}

}  // namespace

void RegisterRayRoutes(http::Router& router, jobs::JobsService& jobs, tenants::TenantsService& tenants) {
  router.Add("POST", "/api/v1/ray/terminate_ray_job", http::RouteAccess::Permission(rbac::perm::kTerminateJobs),
             [&](http::Request& req) -> Result<http::Response> {
               FieldErrors errors;
               http::ParamFields query(req.query, "query", errors);
               auto ray_job_id = query.String("ray_job_id", true, 64);
               auto usage = query.String("usage", true, 64);
               if (usage && !UsageKinds().contains(*usage)) {
                 errors.Add({"query", "usage"},
                            "Input should be 'training', 'statistics', 'shap', 'feature_importance', "
                            "'batch_prediction' or 'forecast'",
                            "enum");
               }
               DATAML_RETURN_NOT_OK(errors.ToStatus());
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               // Job ids are integers here; anything else names no job of this tenant.
               int64_t id = 0;
               const std::string& text = *ray_job_id;
               auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
               if (ec != std::errc() || end != text.data() + text.size()) return Status::NotFound("Job not found");
               DATAML_ASSIGN_OR_RETURN(jobs::Job job, jobs.Get(tenant_id, id));
               if (job.kind != UsageKinds().at(*usage)) return Status::NotFound("Job not found");
               DATAML_RETURN_NOT_OK(jobs.Cancel(tenant_id, id, "terminated by " + req.caller().username));
               return http::Response::Json(
                   200, {{"status", "success"},
                         {"message", "Termination request for Ray job '" + text + "' has been sent."}});
             });
}

}  // namespace dataml::ray
