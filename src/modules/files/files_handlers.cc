#include "modules/files/files_handlers.h"

#include "http/input.h"
#include "modules/files/blob_content.h"
#include "modules/datasets/datasets_handlers.h"
#include "modules/rbac/permission_catalog.h"
#include "modules/tenants/tenant_scope.h"

namespace dataml::files {
namespace {

using datasets::DatasetFile;
using http::RouteAccess;

}  // namespace

void RegisterFilesRoutes(http::Router& router, datasets::DatasetsService& datasets, const storage::BlobStore& store,
                         tenants::TenantsService& tenants) {
  router.AddUpload("/api/v1/files/add", RouteAccess::Permission(rbac::perm::kAddFiles),
                   [&](http::Request& req) -> Result<http::Response> {
                     DATAML_ASSIGN_OR_RETURN(int64_t id, http::QueryId(req, "dataset_id"));
                     DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
                     DATAML_ASSIGN_OR_RETURN(
                         auto result,
                         http::InBody(datasets.AddFiles(tenant_id, req.caller(), id, req.read_multipart)));
                     return http::Response::Json(201, datasets::UploadResultJson(result));
                   });

  router.Add("GET", "/api/v1/files/list", RouteAccess::Permission(rbac::perm::kViewFiles),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::QueryId(req, "dataset_id"));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(auto files, datasets.Files(tenant_id, id));
               nlohmann::json data = nlohmann::json::array();
               for (const DatasetFile& f : files) data.push_back(datasets::ToJson(f));
               return http::Response::Json(200, {{"total", files.size()}, {"data", data}});
             });

  router.Add("GET", "/api/v1/files/view", RouteAccess::Permission(rbac::perm::kViewFiles),
             [&](http::Request& req) -> Result<http::Response> {
               FieldErrors errors;
               http::ParamFields query(req.query, "query", errors);
               auto id = query.Int("file_id", true);
               int64_t lines = query.Int("lines", false, 1, 1000).value_or(10);
               DATAML_RETURN_NOT_OK(errors.ToStatus());
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(auto head, datasets.FileHead(tenant_id, *id, static_cast<size_t>(lines)));
               return http::Response::Json(200, {{"file_id", *id}, {"content_preview", head}});
             });

  router.Add("DELETE", "/api/v1/files/delete/{file_id}", RouteAccess::Permission(rbac::perm::kDeleteFiles),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::PathId(req, "file_id"));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_RETURN_NOT_OK(datasets.DeleteFile(tenant_id, id));
               return http::Response::Json(200, {{"message", "File deleted successfully"}, {"id", id}});
             });

  router.Add("GET", "/api/v1/files/download", RouteAccess::Permission(rbac::perm::kDownloadFiles),
             [&](http::Request& req) -> Result<http::Response> {
               FieldErrors errors;
               http::ParamFields query(req.query, "query", errors);
               auto file_id = query.Int("file_id", false);
               auto file_path = query.String("file_path", false, 4096);
               if (!file_id && !file_path && errors.empty()) {
                 errors.Add({"query", "file_path"}, "Field required (or give file_id)", "missing");
               }
               DATAML_RETURN_NOT_OK(errors.ToStatus());
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(auto found, datasets.FileForDownload(tenant_id, file_id, file_path));
               bool parquet = found.first.ends_with(".parquet");
               std::string name = found.second.file_name;
               if (parquet) name = std::filesystem::path(name).stem().string() + ".parquet";
               DATAML_ASSIGN_OR_RETURN(auto content, OpenBlobContent(store, found.first));
               return http::Response::Attachment(std::move(content),
                                                 parquet ? "application/vnd.apache.parquet" : "text/csv", name);
             });

  router.Add("GET", "/api/v1/files/get_file_by_id", RouteAccess::Permission(rbac::perm::kViewFiles),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::QueryId(req, "file_id"));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(DatasetFile f, datasets.GetFile(tenant_id, id));
               nlohmann::json body = datasets::ToJson(f);
               // Storage keys, which download's file_path takes. The document's "hdf_file_path"
               // names the validated columnar file, which is Parquet here.
               body["csv_file_path"] = f.raw_key;
               nlohmann::json parquet = f.parquet_key ? nlohmann::json(*f.parquet_key) : nlohmann::json(nullptr);
               body["hdf_file_path"] = parquet;
               body["parquet_file_path"] = parquet;
               body["raw_bytes"] = f.raw_bytes;
               return http::Response::Json(200, body);
             });
}

}  // namespace dataml::files
