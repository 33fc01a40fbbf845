#include "modules/utils/utils_handlers.h"

#include "core/clock.h"
#include "db/migrations.h"

namespace dataml::utils {

// 503 only when the database is unreachable: nothing works without it. A job backend that cannot
// take jobs (a Ray cluster down, or refusing our token) leaves the API up and jobs queued, so the
// answer stays 200 with "status": "degraded" and the backend's state from its last probe.
void RegisterUtilsRoutes(http::Router& router, db::Database& db, const jobs::JobsService& jobs) {
  router.Add("GET", "/api/v1/utils/health-check", http::RouteAccess::Public(),
             [&db, &jobs](http::Request&) -> Result<http::Response> {
               Result<int64_t> version = db::SchemaVersion(db);
               jobs::BackendHealth backend = jobs.backend_health();
               const char* status = !version.ok() ? "error" : backend.degraded() ? "degraded" : "ok";
               nlohmann::json body = {{"status", status},
                                      {"version", DATAML_VERSION},
                                      {"time", NowIso8601Utc()},
                                      {"database",
                                       {{"status", version.ok() ? "ok" : "unreachable"},
                                        {"backend", db.dialect_name()}}},
                                      {"job_backend", {{"name", backend.name}, {"status", backend.status}}}};
               if (!backend.detail.empty()) body["job_backend"]["detail"] = backend.detail;
               if (version.ok()) body["database"]["schema_version"] = *version;
               else body["detail"] = "database unreachable";
               return http::Response::Json(version.ok() ? 200 : 503, body);
             });
}

}  // namespace dataml::utils
