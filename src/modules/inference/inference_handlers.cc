#include "modules/inference/inference_handlers.h"

#include <limits>

#include "http/input.h"
#include "jobs/job_handlers.h"
#include "modules/inference/inference_json.h"
#include "modules/rbac/permission_catalog.h"
#include "modules/tenants/tenant_scope.h"

namespace dataml::inference {
namespace {

using http::RouteAccess;

Result<PredictInput> ParsePredict(const http::Request& req) {
  DATAML_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonObject(req));
  FieldErrors errors;
  http::JsonFields f(body, {"body"}, errors);
  PredictInput in;
  auto train_id = f.Int("train_id", true);
  auto preprocess_id = f.Int("preprocess_id", true);
  auto target = f.String("target", false, 1024);
  if (!body.contains("features") || body["features"].is_null()) {
    errors.Add({"body", "features"}, "Field required", "missing");
  } else if (!body["features"].is_object()) {
    errors.Add({"body", "features"}, "Input should be a valid dictionary", "dict_type");
  }
  auto explain = req.Query("explain");
  if (explain && *explain != "true" && *explain != "false") {
    errors.Add({"query", "explain"}, "Input should be a valid boolean", "bool_parsing");
  }
  DATAML_RETURN_NOT_OK(errors.ToStatus());
  in.train_id = *train_id;
  in.preprocess_id = *preprocess_id;
  in.target = target;
  in.features = std::move(body["features"]);
  in.explain = explain == "true";
  return in;
}

Result<ForecastInput> ParseForecast(const http::Request& req) {
  DATAML_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonObject(req));
  FieldErrors errors;
  http::JsonFields f(body, {"body"}, errors);
  ForecastInput in;
  auto train_id = f.Int("train_id", true);
  auto preprocess_id = f.Int("preprocess_id", true);
  auto steps = f.Int("steps", true);
  auto frequency = f.String("frequency", true, 64);
  auto dataset_id = f.Int("dataset_id", false);
  // unique_id names a series by its Id value as text; a number is taken as its text.
  std::optional<std::string> unique_id;
  if (!body.contains("unique_id") || body["unique_id"].is_null()) {
    errors.Add({"body", "unique_id"}, "Field required", "missing");
  } else if (body["unique_id"].is_string()) {
    unique_id = body["unique_id"].get<std::string>();
  } else if (body["unique_id"].is_number_integer()) {
    unique_id = body["unique_id"].dump();
  } else {
    errors.Add({"body", "unique_id"}, "Input should be a valid string", "string_type");
  }
  in.confidence = kDefaultForecastConfidence;
  if (body.contains("confidence") && !body["confidence"].is_null()) {
    const nlohmann::json& c = body["confidence"];
    if (!c.is_number() || !(c.get<double>() >= 0.5 && c.get<double>() <= 0.99)) {
      errors.Add({"body", "confidence"}, "Input should be a number from 0.5 to 0.99", "value_error");
    } else {
      in.confidence = c.get<double>();
    }
  }
  DATAML_RETURN_NOT_OK(errors.ToStatus());
  in.train_id = *train_id;
  in.preprocess_id = *preprocess_id;
  in.steps = *steps;
  in.frequency = *frequency;
  in.unique_id = *unique_id;
  in.dataset_id = dataset_id;
  in.request = std::move(body);
  return in;
}

}  // namespace

void RegisterInferenceRoutes(http::Router& router, InferenceService& inference, BatchPredictionService& batch,
                             jobs::JobsService& jobs, tenants::TenantsService& tenants) {
  router.Add("POST", "/api/v1/inference", RouteAccess::Permission(rbac::perm::kRunInference),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(PredictInput in, ParsePredict(req));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(auto prediction,
                                       http::InBody(inference.Predict(tenant_id, req.caller(), in)));
               return http::Response::Json(200, ToJson(*prediction));
             },
             http::Execution::kInline);  // the hot path: cached token check and model (docs/http.md)

  router.Add("POST", "/api/v1/inference/forecast", RouteAccess::Permission(rbac::perm::kRunInference),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(ForecastInput in, ParseForecast(req));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(SeriesForecast forecast,
                                       http::InBody(inference.Forecast(tenant_id, req.caller(), in)));
               return http::Response::Json(200, ToJson(forecast));
             });

  router.Add("GET", "/api/v1/inference/form-based-prediction", RouteAccess::Permission(rbac::perm::kRunInference),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::QueryId(req, "id"));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(PredictionForm form, inference.Form(tenant_id, id));
               return http::Response::Json(200, ToJson(form));
             });

  router.Add("GET", "/api/v1/inference/predictions", RouteAccess::Permission(rbac::perm::kViewPredictions),
             [&](http::Request& req) -> Result<http::Response> {
               FieldErrors errors;
               http::ParamFields query(req.query, "query", errors);
               auto train_id = query.Int("train_id", true);
               int64_t skip = query.Int("skip", false, 0, std::numeric_limits<int32_t>::max()).value_or(0);
               int64_t limit = query.Int("limit", false, 1, 1000).value_or(100);
               Result<SortKey> sort = http::ReadSort(req);
               if (!sort.ok()) errors.Merge(sort.status());
               DATAML_RETURN_NOT_OK(errors.ToStatus());
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(PredictionList list, http::InQuery(inference.Predictions(
                                                                tenant_id, *train_id, skip, limit, *sort)));
               return http::Response::Json(200, ToJson(list));
             });

  // 9.2, under both names clients use.
  auto start_batch = [&](http::Request& req) -> Result<http::Response> {
    DATAML_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonObject(req));
    FieldErrors errors;
    http::JsonFields f(body, {"body"}, errors);
    auto train_id = f.Int("train_id", true);
    auto dataset_id = f.Int("dataset_id", true);
    DATAML_RETURN_NOT_OK(errors.ToStatus());
    DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
    DATAML_ASSIGN_OR_RETURN(BatchPrediction started,
                            http::InBody(batch.Start(tenant_id, req.caller(), *train_id, *dataset_id)));
    nlohmann::json answer = ToJson(started);
    answer["message"] = "Batch prediction started; follow it with /api/v1/inference/result?prediction_id=" +
                        std::to_string(started.record.id);
    return http::Response::Json(202, answer);
  };
  for (const char* path : {"/api/v1/inference/batchPrediction", "/api/v1/inference/batch-prediction"}) {
    router.Add("POST", path, RouteAccess::Permission(rbac::perm::kRunBatchPrediction), start_batch);
  }

  router.Add("GET", "/api/v1/inference/result", RouteAccess::Permission(rbac::perm::kViewPredictions),
             [&](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(int64_t id, http::QueryId(req, "prediction_id"));
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenants::TenantOfRequest(tenants, req));
               DATAML_ASSIGN_OR_RETURN(BatchPrediction prediction, batch.Get(tenant_id, id));
               return http::Response::Json(200, ToJson(prediction));
             });

  // The batch job's worker callback: no user, the job's token instead.
  router.Add("POST", kBatchResultPath, RouteAccess::Public(), [&](http::Request& req) -> Result<http::Response> {
    DATAML_ASSIGN_OR_RETURN(jobs::WorkerCallback callback, jobs::ReadWorkerCallback(jobs, req));
    FieldErrors errors;
    http::JsonFields f(callback.body, {"body"}, errors);
    auto prediction_id = f.Int("prediction_id", false);  // the job knows its prediction
    DATAML_RETURN_NOT_OK(errors.ToStatus());
    DATAML_ASSIGN_OR_RETURN(int64_t recorded,
                            http::InBody(batch.RecordResult(callback.job_id, prediction_id, callback.body["result"])));
    return http::Response::Json(200, {{"status", "success"}, {"prediction_id", recorded}});
  });
}

}  // namespace dataml::inference
