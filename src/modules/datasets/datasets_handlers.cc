#include "modules/datasets/datasets_handlers.h"

#include <limits>

#include "http/input.h"
#include "modules/rbac/permission_catalog.h"
#include "modules/tenants/tenant_scope.h"

namespace dataml::datasets {
namespace {

using http::RouteAccess;

nlohmann::json StatisticsJson(int64_t dataset_id, const jobs::Job& job) {
  return {{"dataset_id", dataset_id},
          {"job_id", std::to_string(job.id)},
          {"status", job.status},
          {"statistics", job.result ? *job.result : nlohmann::json(nullptr)},
          {"error", job.error ? nlohmann::json(*job.error) : nlohmann::json(nullptr)},
          {"created_at", job.created_at},
          {"finished_at", job.finished_at ? nlohmann::json(*job.finished_at) : nlohmann::json(nullptr)}};
}

}  // namespace

nlohmann::json UploadResultJson(const UploadResult& result) {
  nlohmann::json files = nlohmann::json::array();
  for (const DatasetFile& f : result.files) files.push_back(ToJson(f));
  return {{"dataset_id", result.dataset.id},
          {"dataset_name", result.dataset.dataset_name},
          {"data_source", result.dataset.data_source},
          {"is_valid", result.dataset.is_valid()},
          {"dataset_usability", result.dataset.usability()},
          {"files", files}};
}

void RegisterDatasetsRoutes(http::Router& router, DatasetsService& datasets, tenants::TenantsService& tenants) {
  router.AddUpload("/api/v1/dataset/upload", RouteAccess::Permission(rbac::perm::kUploadDataset),
                   [&](http::Request& req) -> Result<http::Response> {
                     FieldErrors errors;
                     http::ParamFields query(req.query, "query", errors);
                     UploadInput input;
                     auto name = query.String("dataset_name", true, 1024);
                     auto usage = query.String("usage", true, 32);
                     input.template_id = query.Int("template_id", false);
                     input.iceberg_table_name = query.String("iceberg_table_name", false, 1024);
                     DATAML_RETURN_NOT_OK(errors.ToStatus());
                     input.dataset_name = *name;
                     input.usage = *usage;
                     DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
                     // The upload's parameters come from the query, its files from the body.
                     DATAML_ASSIGN_OR_RETURN(
                         UploadResult result,
                         http::InQueryOrBody(datasets.Upload(tenant_id, req.caller(), input, req.read_multipart),
                                             {"dataset_name", "usage", "template_id", "iceberg_table_name"}));
                     return http::Response::Json(201, UploadResultJson(result));
                   });

  for (bool only_valid : {false, true}) {
    router.Add("GET", only_valid ? "/api/v1/dataset/list_validated" : "/api/v1/dataset/list",
               RouteAccess::Permission(rbac::perm::kViewDatasets),
               [&, only_valid](http::Request& req) -> Result<http::Response> {
                 DATAML_ASSIGN_OR_RETURN(http::Page page, http::ReadPage(req));
                 DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
                 DATAML_ASSIGN_OR_RETURN(
                     DatasetList list,
                     http::InQuery(datasets.List(tenant_id, only_valid, page.skip, page.limit, page.sort)));
                 nlohmann::json data = nlohmann::json::array();
                 for (const Dataset& d : list.datasets) data.push_back(ToListJson(d));
                 // The API document lists validated datasets as a bare array.
                 if (only_valid) return http::Response::Json(200, data);
                 return http::Response::Json(200, {{"total", list.total}, {"data", data}});
               });
  }

  router.Add("POST", "/api/v1/dataset/from_iceberg", RouteAccess::Permission(rbac::perm::kUploadDataset),
             [&](http::Request& req) -> Result<http::Response> {
               FieldErrors errors;
               http::ParamFields query(req.query, "query", errors);
               auto name = query.String("dataset_name", true, 1024);
               auto usage = query.String("usage", true, 32);
               auto schema = query.String("schema_name", true, 255);
               auto table = query.String("table_name", true, 255);
               auto snapshot = query.Int("snapshot_id", false);
               DATAML_RETURN_NOT_OK(errors.ToStatus());
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               IcebergSource source{*name, *usage, *schema, *table, snapshot};
               DATAML_ASSIGN_OR_RETURN(IcebergImport imported,
                                       http::InQuery(datasets.FromIceberg(tenant_id, req.caller(), source)));
               nlohmann::json body = UploadResultJson(imported.upload);
               body["snapshot_id"] = imported.snapshot_id;
               return http::Response::Json(201, body);
             });

  router.Add("GET", "/api/v1/dataset/get_dataset_by_id", RouteAccess::Permission(rbac::perm::kViewDatasets),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::QueryId(req, "dataset_id"));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(Dataset d, datasets.Get(tenant_id, id));
               nlohmann::json body = ToListJson(d);
               std::string dir = DatasetKey(tenant_id, id);  // a storage key prefix
               body["dataset_path"] = dir + "/files";
               body["validated_path"] = dir + "/files";
               body["dataset_schema"] = SchemaToJson(d.schema);
               return http::Response::Json(200, body);
             });

  router.Add("GET", "/api/v1/dataset/view", RouteAccess::Permission(rbac::perm::kViewDatasets),
             [&](http::Request& req) -> Result<http::Response> {
               FieldErrors errors;
               http::ParamFields query(req.query, "query", errors);
               auto id = query.Int("dataset_id", true);
               int64_t skip = query.Int("skip", false, 0, std::numeric_limits<int32_t>::max()).value_or(0);
               int64_t limit = query.Int("limit", false, 1, 1000).value_or(20);
               Result<SortKey> sort = http::ReadSort(req);
               if (!sort.ok()) errors.Merge(sort.status());
               DATAML_RETURN_NOT_OK(errors.ToStatus());
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(engine::RowPage page,
                                       http::InQuery(datasets.View(tenant_id, *id, skip, limit, *sort)));
               // Rows keep their column order, so they are serialised as ordered JSON.
               std::string body = "{\"dataset_id\":" + std::to_string(*id) +
                                  ",\"total_rows\":" + std::to_string(page.total_rows) +
                                  ",\"skip\":" + std::to_string(skip) + ",\"limit\":" + std::to_string(limit) +
                                  ",\"preview\":" +
                                  page.rows.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "}";
               return http::Response::Text(200, "application/json", std::move(body));
             });

  router.Add("DELETE", "/api/v1/dataset/delete/{dataset_id}", RouteAccess::Permission(rbac::perm::kDeleteDataset),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::PathId(req, "dataset_id"));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_RETURN_NOT_OK(datasets.Delete(tenant_id, id));
               return http::Response::Json(200, {{"message", "Dataset deleted successfully"}, {"id", id}});
             });

  router.Add("POST", "/api/v1/dataset/generate_statistics",
             RouteAccess::Permission(rbac::perm::kGenerateStatistics),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::QueryId(req, "dataset_id"));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(jobs::Job job, datasets.GenerateStatistics(tenant_id, req.caller(), id));
               return http::Response::Json(202, {{"status", "success"},
                                                 {"message", "Statistics generation job submitted successfully."},
                                                 {"job_id", std::to_string(job.id)}});
             });

  router.Add("GET", "/api/v1/dataset/statistics", RouteAccess::Permission(rbac::perm::kViewDatasets),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::QueryId(req, "dataset_id"));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(jobs::Job job, datasets.Statistics(tenant_id, id));
               return http::Response::Json(200, StatisticsJson(id, job));
             });
}

}  // namespace dataml::datasets
