#include "modules/train/train_handlers.h"

#include <algorithm>
#include <limits>

#include "engine/data/column_spec.h"
#include "http/input.h"
#include "jobs/job_handlers.h"
#include "modules/rbac/permission_catalog.h"
#include "modules/tenants/tenant_scope.h"

namespace dataml::train {
namespace {

using http::RouteAccess;

constexpr size_t kMaxNameLength = 255;
constexpr size_t kMaxColumns = 10000;

Result<CreateTrainingInput> ParseCreate(const http::Request& req) {
  DATAML_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonObject(req));
  FieldErrors errors;
  http::JsonFields f(body, {"body"}, errors);
  CreateTrainingInput in;
  auto dataset_id = f.Int("dataset_id", true);
  auto name = f.String("predictor_name", true, kMaxNameLength);
  auto domain = f.String("domain", true, kMaxNameLength);
  auto problem = f.String("problem_type", true, 64);
  const nlohmann::json* columns = f.Array("columns", true, kMaxColumns);
  auto incremental = f.Bool("is_incremental", false);
  auto algorithm = f.String("algorithm", false, 64);
  auto shap = f.Bool("shap_enabled", false);
  in.num_workers = f.Int("num_workers", false);
  in.forecast.frequency = f.String("frequency", false, 64);
  in.forecast.horizon = f.Int("horizon", false);
  in.forecast.aggregate = f.String("aggregate", false, 64);
  in.forecast.fill = f.String("fill", false, 64);
  if (columns != nullptr) {
    for (size_t i = 0; i < columns->size(); ++i) {
      const nlohmann::json& item = (*columns)[i];
      std::vector<std::string> loc = {"body", "columns", std::to_string(i)};
      if (!item.is_object()) {
        errors.Add(loc, "Input should be a valid dictionary or object to extract fields from", "model_attributes_type");
        continue;
      }
      http::JsonFields column(item, loc, errors);
      auto column_name = column.String("column_name", true, 1024);
      auto data_type = column.String("data_type", false, 64);
      auto role = column.String("attribute_name", true, 64);
      in.columns.push_back({column_name.value_or(""), data_type, role.value_or("")});
    }
  }
  if (name && name->find_first_not_of(" \t") == std::string::npos) {
    errors.Add({"body", "predictor_name"}, "String should have at least 1 non-blank character", "string_too_short");
  }
  if (body.contains("hyperparameters")) in.hyperparameters = body["hyperparameters"];
  DATAML_RETURN_NOT_OK(errors.ToStatus());
  in.dataset_id = *dataset_id;
  in.predictor_name = *name;
  in.domain = *domain;
  in.problem_type = *problem;
  in.is_incremental = incremental.value_or(false);
  in.algorithm = algorithm.value_or("auto");
  in.shap_enabled = shap.value_or(false);
  return in;
}

// The training's id from ?train_id= (the document's name for it).
Result<int64_t> TrainIdParam(const http::Request& req) { return http::QueryId(req, "train_id"); }

// A forecaster's: the backtest's scores beside what it forecasts.
nlohmann::json ForecastSummaryJson(const Training& t) {
  const nlohmann::json& s = *t.summary;
  const nlohmann::json metrics = s.value("metrics", nlohmann::json::object());
  nlohmann::json summary = {{"model", SummaryString(s, "model")}, {"algorithm", SummaryString(s, "algorithm")}};
  for (const char* key : {"mase", "smape", "mae", "rmse", "coverage"}) summary[key] = metrics.value(key, nlohmann::json());
  nlohmann::json out = {{"train_id", t.id},
                        {"predictor_name", t.predictor_name},
                        {"problem_type", ProblemTypeName(t.problem_type)},
                        {"model_summary", summary},
                        {"preprocess_id", t.preprocess_id},
                        {"num_workers", t.num_workers},
                        {"version", t.version},
                        {"curves", nullptr},
                        {"residuals", nullptr}};
  for (const char* key : {"candidates", "frequency", "horizon", "season_length", "backtest_windows", "coverage_level",
                          "series", "series_too_short", "rows", "timings", "hyperparameters"}) {
    out[key] = s.value(key, nlohmann::json());
  }
  return out;
}

nlohmann::json ModelSummaryJson(const Training& t) {
  if (t.problem_type == ProblemType::kForecast) return ForecastSummaryJson(t);
  const nlohmann::json& s = *t.summary;
  // The callback admitted only a summary whose metrics are an object.
  const nlohmann::json metrics = s.value("metrics", nlohmann::json::object());
  nlohmann::json summary = {{"model", SummaryString(s, "model")}, {"algorithm", SummaryString(s, "algorithm")}};
  for (const char* key : {"accuracy", "precision", "recall", "f1_score", "roc_auc", "log_loss", "rmse", "mae", "r2", "mape"}) {
    if (metrics.contains(key)) summary[key] = metrics[key];
  }
  return {{"train_id", t.id},
          {"predictor_name", t.predictor_name},
          {"problem_type", ProblemTypeName(t.problem_type)},
          {"model_summary", summary},
          {"confusion_matrix", metrics.value("confusion_matrix", nlohmann::json())},
          {"per_class", metrics.value("per_class", nlohmann::json())},
          // Absent from the summaries of models trained before they were computed.
          {"curves", s.value("curves", nlohmann::json())},
          {"residuals", s.value("residuals", nlohmann::json())},
          {"classes", s.value("classes", nlohmann::json::array())},
          {"candidates", s.value("candidates", nlohmann::json::array())},
          {"hyperparameters", s.value("hyperparameters", nlohmann::json())},
          {"xgboost_parameters", s.value("xgboost_parameters", nlohmann::json())},
          {"num_boost_round", s.value("num_boost_round", nlohmann::json())},
          {"boosted_rounds_total", s.value("boosted_rounds_total", nlohmann::json())},
          {"feature_count", s.value("feature_count", nlohmann::json())},
          {"rows", s.value("rows", nlohmann::json())},
          {"timings", s.value("timings", nlohmann::json())},
          {"xgboost_version", s.value("xgboost_version", nlohmann::json())},
          {"preprocess_id", t.preprocess_id},
          {"num_workers", t.num_workers},
          {"version", t.version}};
}

nlohmann::json TrainingOptionsJson(const TrainingOptions& options) {
  nlohmann::json schema = nlohmann::json::array();
  for (const engine::ColumnSpec& c : options.dataset_schema) {
    schema.push_back({{"column_name", c.name}, {"data_type", engine::DataTypeName(c.type)}});
  }
  return {{"dataset_id", options.dataset_id},
          {"dataset_schema", std::move(schema)},
          {"attributes", options.roles},
          {"problem_types", options.problem_types},
          {"algorithms", options.algorithms},
          {"algorithms_by_problem_type", options.algorithms_by_problem_type},
          {"is_valid", options.dataset_is_valid}};
}

nlohmann::json ModelSchemaJson(const ModelSchema& schema) {
  return {{"train_id", schema.train_id}, {"preprocess_id", schema.preprocess_id}, {"schema", schema.columns}};
}

std::string FeatureImportanceStatus(const FeatureImportance& fi) {
  if (!fi.job_status || *fi.job_status == "queued") return "submitted";
  if (*fi.job_status == "cancelled") return "terminated";
  return *fi.job_status;
}

// Columns ranked by importance, most important first (ordered JSON keeps the ranking).
http::Response FeatureImportanceResponse(const FeatureImportance& fi) {
  nlohmann::ordered_json importance = nlohmann::ordered_json::object();
  nlohmann::json timings;
  if (fi.result && fi.job_status == "completed") {
    std::vector<std::pair<std::string, double>> ranked;
    const nlohmann::json values = fi.result->value("feature_importance", nlohmann::json::object());
    for (const auto& [column, value] : values.items()) {
      ranked.emplace_back(column, value.is_number() ? value.get<double>() : 0.0);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    for (const auto& [column, value] : ranked) importance[column] = value;
    timings = fi.result->value("timings", nlohmann::json());
  }
  const std::string status = FeatureImportanceStatus(fi);
  nlohmann::ordered_json body = {
      {"train_id", fi.training_id},
      {"feature_importance", std::move(importance)},
      {"status", status},
      {"error", fi.job_error && (status == "failed" || status == "terminated") ? nlohmann::ordered_json(*fi.job_error)
                                                                               : nlohmann::ordered_json()},
      {"sample_rows", fi.sample_rows},
      {"shap_job_id", fi.job_id ? nlohmann::ordered_json(std::to_string(*fi.job_id)) : nlohmann::ordered_json()},
      {"timings", nlohmann::ordered_json::parse(timings.dump())},
      {"created_at", fi.created_at}};
  return http::Response::Text(200, "application/json",
                              body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

}  // namespace

void RegisterTrainRoutes(http::Router& router, TrainService& train, jobs::JobsService& jobs,
                         tenants::TenantsService& tenants) {
  router.Add("POST", "/api/v1/train", RouteAccess::Permission(rbac::perm::kTrainModels),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(CreateTrainingInput in, ParseCreate(req));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(Training t, http::InBody(train.Create(tenant_id, req.caller(), in)));
               return http::Response::Json(201, ToListJson(t));
             });

  router.Add("POST", "/api/v1/train/get_details", RouteAccess::Permission(rbac::perm::kTrainModels),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonObject(req));
               FieldErrors errors;
               http::JsonFields f(body, {"body"}, errors);
               auto dataset_id = f.Int("dataset_id", true);
               auto name = f.String("predictor_name", true, kMaxNameLength);
               auto domain = f.String("domain", true, kMaxNameLength);
               auto problem = f.String("problem_type", true, 64);
               DATAML_RETURN_NOT_OK(errors.ToStatus());
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(TrainingOptions options, train.Details(tenant_id, *dataset_id));
               nlohmann::json details = TrainingOptionsJson(options);
               details["predictor_name"] = *name;
               details["domain"] = *domain;
               details["problem_type"] = *problem;
               return http::Response::Json(200, details);
             });

  for (const char* path : {"/api/v1/train/list", "/api/v1/train/refresh"}) {
    // Statuses are read from the jobs table, which the dispatcher and the callbacks keep
    // current; refresh answers the same, fresh, list.
    router.Add("GET", path, RouteAccess::Permission(rbac::perm::kViewModels),
               [&](http::Request& req) -> Result<http::Response> {
                 DATAML_ASSIGN_OR_RETURN(http::Page page, http::ReadPage(req));
                 DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
                 DATAML_ASSIGN_OR_RETURN(TrainingList list,
                                         http::InQuery(train.List(tenant_id, page.skip, page.limit, page.sort)));
                 nlohmann::json data = nlohmann::json::array();
                 for (const Training& t : list.trainings) data.push_back(ToListJson(t));
                 return http::Response::Json(200, {{"total", list.total}, {"data", data}});
               });
  }

  router.Add("DELETE", "/api/v1/train/delete/{id}", RouteAccess::Permission(rbac::perm::kDeleteModels),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::PathId(req, "id"));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_RETURN_NOT_OK(train.Delete(tenant_id, id));
               return http::Response::Json(200, {{"message", "Training job deleted successfully"}, {"id", id}});
             });

  router.Add("POST", "/api/v1/train/update", RouteAccess::Permission(rbac::perm::kTrainModels),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonObject(req));
               FieldErrors errors;
               http::JsonFields f(body, {"body"}, errors);
               auto train_id = f.Int("train_id", true);
               auto preprocess_id = f.Int("preprocess_id", true);
               DATAML_RETURN_NOT_OK(errors.ToStatus());
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(Training t,
                                       http::InBody(train.UpdatePreprocess(tenant_id, *train_id, *preprocess_id)));
               return http::Response::Json(200, ToListJson(t));
             });

  router.Add("GET", "/api/v1/train/download-schema/{train_id}", RouteAccess::Permission(rbac::perm::kViewModels),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::PathId(req, "train_id"));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(ModelSchema schema, train.Schema(tenant_id, id));
               http::Response response = http::Response::Json(200, ModelSchemaJson(schema));
               response.headers.emplace_back("Content-Disposition",
                                             "attachment; filename=\"train_" + std::to_string(id) + "_schema.json\"");
               return response;
             });

  router.Add("GET", "/api/v1/train/model-summary", RouteAccess::Permission(rbac::perm::kViewModels),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, TrainIdParam(req));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(Training t, train.Completed(tenant_id, id));
               return http::Response::Json(200, ModelSummaryJson(t));
             });

  router.Add("GET", "/api/v1/train/view-feature-importance", RouteAccess::Permission(rbac::perm::kViewModels),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, TrainIdParam(req));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(FeatureImportance fi, train.GetFeatureImportance(tenant_id, id));
               return FeatureImportanceResponse(fi);
             });

  router.Add("GET", "/api/v1/train/generate-feature-importance",
             RouteAccess::Permission(rbac::perm::kGenerateFeatureImportance),
             [&](http::Request& req) -> Result<http::Response> {
               FieldErrors errors;
               http::ParamFields query(req.query, "query", errors);
               auto id = query.Int("train_id", true);
               int64_t rows = query.Int("sample_rows", false, 1, kMaxShapSampleRows).value_or(kDefaultShapSampleRows);
               DATAML_RETURN_NOT_OK(errors.ToStatus());
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(jobs::Job job, train.GenerateFeatureImportance(tenant_id, req.caller(), *id, rows));
               return http::Response::Json(202, {{"status", "success"},
                                                 {"message", "Feature importance job submitted successfully."},
                                                 {"shap_job_id", std::to_string(job.id)}});
             });

  router.Add("DELETE", "/api/v1/train/delete-feature-importance/{train_id}",
             RouteAccess::Permission(rbac::perm::kGenerateFeatureImportance),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::PathId(req, "train_id"));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_RETURN_NOT_OK(train.DeleteFeatureImportance(tenant_id, id));
               return http::Response::Json(200, {{"message", "Feature importance deleted successfully"}, {"train_id", id}});
             });

  // Worker callbacks: no user, the job's token instead (checked before anything else is read).
  router.Add("POST", "/api/v1/train/result", RouteAccess::Public(),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(jobs::WorkerCallback callback, jobs::ReadWorkerCallback(jobs, req));
               auto& [job_id, body] = callback;
               FieldErrors errors;
               http::JsonFields f(body, {"body"}, errors);
               // Optional, as in the document: the job knows its training.
               auto train_id = f.Int("train_id", false);
               DATAML_RETURN_NOT_OK(errors.ToStatus());
               DATAML_ASSIGN_OR_RETURN(int64_t recorded,
                                       http::InBody(train.RecordTrainingResult(job_id, train_id, body["result"])));
               return http::Response::Json(200, {{"status", "success"}, {"train_id", recorded}});
             });

  router.Add("POST", "/api/v1/train/shap-result", RouteAccess::Public(),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(jobs::WorkerCallback callback, jobs::ReadWorkerCallback(jobs, req));
               auto& [job_id, body] = callback;
               FieldErrors errors;
               http::JsonFields f(body, {"body"}, errors);
               auto training_id = f.Int("training_id", true);
               DATAML_RETURN_NOT_OK(errors.ToStatus());
               DATAML_RETURN_NOT_OK(http::InBody(train.RecordShapResult(job_id, *training_id, body["result"])));
               return http::Response::Json(200, {{"status", "success"}, {"training_id", *training_id}});
             });
}

}  // namespace dataml::train
