#include "modules/utils/utils_handlers.h"

#include "core/clock.h"
#include "db/migrations.h"

namespace dataml::utils {

void RegisterUtilsRoutes(http::Router& router, db::Database& db) {
  router.Add("GET", "/api/v1/utils/health-check", http::RouteAccess::Public(),
             [&db](http::Request&) -> Result<http::Response> {
               Result<int64_t> version = db::SchemaVersion(db);
               nlohmann::json body = {{"status", version.ok() ? "ok" : "error"},
                                      {"version", DATAML_VERSION},
                                      {"time", NowIso8601Utc()},
                                      {"database",
                                       {{"status", version.ok() ? "ok" : "unreachable"},
                                        {"backend", db.dialect_name()}}}};
               if (version.ok()) body["database"]["schema_version"] = *version;
               else body["detail"] = "database unreachable";
               return http::Response::Json(version.ok() ? 200 : 503, body);
             });
}

}  // namespace dataml::utils
