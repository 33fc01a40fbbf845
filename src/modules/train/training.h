// Trainings (one model version of a predictor each), the preprocesses they use, and their
// feature importance, as stored in the metadata database.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/problem_type.h"
#include "core/result.h"

namespace dataml::train {

// The roles a column may take in a training (8.2's "attributes").
inline constexpr const char* kRoleId = "Id";
inline constexpr const char* kRoleTarget = "Target";
inline constexpr const char* kRoleFeature = "Feature";
inline constexpr const char* kRoleIgnore = "Ignore";
inline constexpr const char* kRoleTimestamp = "Timestamp";

// What a completed training made, and what its predictor is loaded from: the kind of model,
// the algorithm it is ("auto" resolved) and its artifacts. The preprocess is not among them: it
// is the training's preprocess_id, which train/update may change.
struct ModelManifest {
  static constexpr int kFormatVersion = 1;
  ProblemType problem_type = ProblemType::kClassification;
  std::string algorithm;
  std::string model_key;

  nlohmann::json ToJson() const;
  // InvalidArgument when malformed or of another format version.
  static Result<ModelManifest> FromJson(const nlohmann::json& json);
};

// What a Forecast training was asked for beyond the common fields (8.1's frequency, horizon,
// aggregate and fill, in their canonical spelling) and the season it uses.
struct ForecastSettings {
  std::string frequency;  // Hour, Day, Week, Month, Quarter, Year
  int64_t horizon = 1;
  int64_t season_length = 1;
  std::optional<std::string> aggregate;  // sum, mean, last
  std::optional<std::string> fill;       // zero, previous, linear

  nlohmann::json ToJson() const;
  // InvalidArgument when malformed.
  static Result<ForecastSettings> FromJson(const nlohmann::json& json);
};

struct Training {
  int64_t id = 0;
  std::string tenant_id;
  std::string predictor_name;
  int64_t version = 1;
  std::optional<int64_t> base_training_id;  // incremental: the model this one continues
  std::string domain;
  ProblemType problem_type = ProblemType::kClassification;
  int64_t dataset_id = 0;
  std::optional<std::string> dataset_name;  // joined; absent once the dataset is gone
  std::string algorithm;                    // as requested: "auto" or one algorithm
  nlohmann::json columns;                   // [{column_name, data_type, attribute_name}], every column
  nlohmann::json hyperparameters;
  bool shap_enabled = false;
  int64_t num_workers = 1;  // workers that train the model together
  int64_t preprocess_id = 0;
  std::optional<int64_t> job_id;  // its train job
  std::string model_key;
  // Kept with its train job's status (queued | running | completed | failed | cancelled) in the
  // same transaction (the jobs' status listener), and the job's error.
  std::string status = "queued";
  std::optional<std::string> error;
  std::optional<nlohmann::json> summary;    // the worker's, once completed
  std::optional<ModelManifest> manifest;    // once completed
  std::optional<ForecastSettings> forecast;  // a Forecast training's
  std::string created_by;
  std::string created_at;
  std::string modified_at;
  // Of its job (joined by job_id): where it runs.
  std::optional<std::string> job_backend;         // local or ray
  std::optional<std::string> job_backend_status;  // Ray's word for a ray job (PENDING, RUNNING, ...)

  bool completed() const { return status == "completed" && summary.has_value() && manifest.has_value(); }
  bool active() const { return status == "queued" || status == "running"; }
};

// What real-time prediction needs to know of a model on every request (a lean read: no
// summary, no columns).
struct ModelVersion {
  int64_t id = 0;
  std::string predictor_name;
  int64_t preprocess_id = 0;
  std::string modified_at;
  std::string status;
};

struct PreprocessRow {
  int64_t id = 0;
  std::string tenant_id;
  int64_t dataset_id = 0;
  nlohmann::json input_schema;  // [{column_name, data_type, attribute_name}] of Target and Features
  std::string artifact_key;
  bool is_fitted = false;
  std::string created_at;
};

struct FeatureImportance {
  int64_t training_id = 0;
  std::string tenant_id;
  std::optional<int64_t> job_id;  // the newest shap job of the training (joined by subject)
  int64_t sample_rows = 0;
  std::optional<nlohmann::json> result;  // the job's
  std::string created_by;
  std::string created_at;
  std::optional<std::string> job_status;
  std::optional<std::string> job_error;
};

// The subject of every job that works on a training (train and shap jobs), and back.
std::string TrainingSubject(int64_t training_id);
std::optional<int64_t> TrainingOfSubject(const std::string& subject);
std::string ModelKey(const std::string& tenant_id, int64_t training_id);
std::string ModelPrefix(const std::string& tenant_id, int64_t training_id);
std::string PreprocessKey(const std::string& tenant_id, int64_t preprocess_id);
std::string PreprocessPrefix(const std::string& tenant_id, int64_t preprocess_id);

// The three status fields of the API document: train_status (job, lower case),
// training_status (capitalised when final) and ml_model_status (whether a model exists).
std::string TrainStatus(const Training& t);
std::string TrainingStatus(const Training& t);
std::string ModelStatus(const Training& t);

// The entries of `columns` ([{column_name, data_type, attribute_name}]) that have `role`, in order.
std::vector<nlohmann::json> WithRole(const nlohmann::json& columns, const char* role);

// A 422 at {"train_id"} for a path that is not a Forecast model's ("it forecasts series with
// /api/v1/inference/forecast"): `why` says what the path needs instead.
Status RefuseForecast(const Training& t, const std::string& why);

// A row of 8.3 / 8.4.
nlohmann::json ToListJson(const Training& t);

}  // namespace dataml::train
