#include "modules/train/training.h"

#include "jobs/backend.h"

#include <charconv>
#include <string_view>

namespace dataml::train {

namespace {
constexpr std::string_view kSubjectPrefix = "training:";
}  // namespace

std::string TrainingSubject(int64_t training_id) { return std::string(kSubjectPrefix) + std::to_string(training_id); }

std::optional<int64_t> TrainingOfSubject(const std::string& subject) {
  if (!subject.starts_with(kSubjectPrefix)) return std::nullopt;
  int64_t id = 0;
  const char* end = subject.data() + subject.size();
  auto [at, ec] = std::from_chars(subject.data() + kSubjectPrefix.size(), end, id);
  if (ec != std::errc() || at != end) return std::nullopt;
  return id;
}

nlohmann::json ModelManifest::ToJson() const {
  return {{"format_version", kFormatVersion},
          {"problem_type", ProblemTypeName(problem_type)},
          {"algorithm", algorithm},
          {"artifacts", {{"model", model_key}}}};
}

Result<ModelManifest> ModelManifest::FromJson(const nlohmann::json& json) {
  if (!json.is_object() || json.value("format_version", 0) != kFormatVersion)
    return Status::InvalidArgument("model manifest: missing or of another format version");
  ModelManifest m;
  const auto problem = ParseProblemType(json.value("problem_type", ""));
  const nlohmann::json artifacts = json.value("artifacts", nlohmann::json::object());
  if (!problem || !json.contains("algorithm") || !json["algorithm"].is_string() || !artifacts.is_object() ||
      !artifacts.contains("model") || !artifacts["model"].is_string()) {
    return Status::InvalidArgument("model manifest: malformed");
  }
  m.problem_type = *problem;
  m.algorithm = json["algorithm"].get<std::string>();
  m.model_key = artifacts["model"].get<std::string>();
  return m;
}

nlohmann::json ForecastSettings::ToJson() const {
  return {{"frequency", frequency},
          {"horizon", horizon},
          {"season_length", season_length},
          {"aggregate", aggregate ? nlohmann::json(*aggregate) : nlohmann::json()},
          {"fill", fill ? nlohmann::json(*fill) : nlohmann::json()}};
}

Result<ForecastSettings> ForecastSettings::FromJson(const nlohmann::json& json) {
  ForecastSettings s;
  try {
    s.frequency = json.at("frequency").get<std::string>();
    s.horizon = json.at("horizon").get<int64_t>();
    s.season_length = json.at("season_length").get<int64_t>();
    if (!json.at("aggregate").is_null()) s.aggregate = json["aggregate"].get<std::string>();
    if (!json.at("fill").is_null()) s.fill = json["fill"].get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("forecast settings: ") + e.what());
  }
  return s;
}

std::string ModelPrefix(const std::string& tenant_id, int64_t training_id) {
  return "tenants/" + tenant_id + "/models/" + std::to_string(training_id);
}

std::string ModelKey(const std::string& tenant_id, int64_t training_id) {
  return ModelPrefix(tenant_id, training_id) + "/model.json";
}

std::string PreprocessPrefix(const std::string& tenant_id, int64_t preprocess_id) {
  return "tenants/" + tenant_id + "/preprocesses/" + std::to_string(preprocess_id);
}

std::string PreprocessKey(const std::string& tenant_id, int64_t preprocess_id) {
  return PreprocessPrefix(tenant_id, preprocess_id) + "/preprocess.json";
}

std::string TrainStatus(const Training& t) {
  if (t.status == "queued") return "submitted";
  if (t.status == "cancelled") return "terminated";
  return t.status;  // running, completed, failed
}

// 8.1's word for a training on Ray that has not started yet: queued here, or submitted and
// waiting for the cluster (PENDING, or not polled yet).
bool WaitingForRay(const Training& t) {
  if (t.job_backend != jobs::kRayBackendName) return false;
  if (t.status == "queued") return true;
  return t.status == "running" && (!t.job_backend_status || *t.job_backend_status == "PENDING");
}

std::string TrainingStatus(const Training& t) {
  if (WaitingForRay(t)) return "submitted_to_ray";
  std::string s = TrainStatus(t);
  if (s == "completed") return "Completed";
  if (s == "failed") return "Failed";
  if (s == "terminated") return "Terminated";
  return s;  // submitted, running
}

std::string ModelStatus(const Training& t) {
  if (t.completed()) return "completed";
  if (t.active()) return "pending";
  return TrainStatus(t);  // failed, terminated
}

std::vector<nlohmann::json> WithRole(const nlohmann::json& columns, const char* role) {
  std::vector<nlohmann::json> out;
  for (const nlohmann::json& c : columns) {
    if (c.value("attribute_name", "") == role) out.push_back(c);
  }
  return out;
}

Status RefuseForecast(const Training& t, const std::string& why) {
  return Status::Invalid({{{"train_id"},
                           "Training " + std::to_string(t.id) + " is a Forecast model: " + why +
                               "; it forecasts series with /api/v1/inference/forecast",
                           "value_error"}});
}

nlohmann::json ToListJson(const Training& t) {
  nlohmann::json metrics = t.summary ? t.summary->value("metrics", nlohmann::json()) : nlohmann::json();
  nlohmann::json accuracy = metrics.is_object() ? metrics.value("accuracy", nlohmann::json()) : nlohmann::json();
  nlohmann::json chosen = t.summary ? t.summary->value("algorithm", nlohmann::json(t.algorithm))
                                    : nlohmann::json(t.algorithm);
  return {{"tenant_id", t.tenant_id},
          {"predictor_name", t.predictor_name},
          {"preprocess_id", t.preprocess_id},
          {"problem_type", ProblemTypeName(t.problem_type)},
          {"domain", t.domain},
          {"created_by", t.created_by},
          {"id", t.id},
          {"dataset_id", t.dataset_id},
          {"dataset_name", t.dataset_name ? nlohmann::json(*t.dataset_name) : nlohmann::json()},
          {"data_source", "csv"},
          {"created_at", t.created_at},
          {"modified_at", t.modified_at},
          {"algorithm", chosen},
          {"requested_algorithm", t.algorithm},
          {"accuracy", accuracy},
          {"metrics", metrics},
          {"ml_model_status", ModelStatus(t)},
          {"train_status", TrainStatus(t)},
          {"training_status", TrainingStatus(t)},
          {"version", t.version},
          {"is_incremental", t.base_training_id.has_value()},
          {"base_training_id", t.base_training_id ? nlohmann::json(*t.base_training_id) : nlohmann::json()},
          {"shap_enabled", t.shap_enabled},
          {"num_workers", t.num_workers},
          {"ray_job_id", t.job_id ? nlohmann::json(std::to_string(*t.job_id)) : nlohmann::json()},
          {"error", t.error && !t.active() ? nlohmann::json(*t.error) : nlohmann::json()},
          {"forecast", t.forecast ? t.forecast->ToJson() : nlohmann::json()}};
}

}  // namespace dataml::train
