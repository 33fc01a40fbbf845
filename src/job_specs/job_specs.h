// What each kind of job is asked to do: typed specs and the one codec that turns them into the
// job's payload (the jobs.payload column, and what the worker fetches) and back. The module that
// submits a job and the worker that runs it both use it, so neither reads the other's JSON by
// hand; a payload that does not decode is an error of the job, not a crash of the worker.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/problem_type.h"
#include "core/result.h"

namespace dataml::job_specs {

// A column as a job sees it: its name, its data type's name (engine::DataTypeName) and, in a
// dataset's schema, the default its empty cells took.
struct Column {
  std::string name;
  std::string data_type;
  std::optional<std::string> default_value;
  bool operator==(const Column&) const = default;
};

// Where the worker reports: a module's own callback (POST `path` with `fields` added to the
// body, e.g. {"train_id": 7}) instead of the generic /api/v1/jobs/{id}/result.
struct Callback {
  std::string path;
  nlohmann::json fields = nlohmann::json::object();
  bool operator==(const Callback&) const = default;
};

// Column statistics of a validated dataset.
struct StatisticsSpec {
  static constexpr const char* kKind = "statistics";
  int64_t dataset_id = 0;
  std::vector<std::string> parquet_keys;
  std::vector<Column> schema;
  bool operator==(const StatisticsSpec&) const = default;
};

// A Forecast training's series: the columns that make them (the target and the static features
// are TrainSpec's) and the rules that make them regular, in the engine's spelling.
struct SeriesSpec {
  std::optional<Column> id;
  Column timestamp;
  std::string frequency;  // Hour, Day, Week, Month, Quarter, Year
  int horizon = 1;
  std::optional<std::string> aggregate;  // sum, mean, last
  std::optional<std::string> fill;       // zero, previous, linear
  bool operator==(const SeriesSpec&) const = default;
};

// One training: the model and its preprocess are written to the given keys.
struct TrainSpec {
  static constexpr const char* kKind = "train";
  ProblemType problem_type = ProblemType::kClassification;
  std::string algorithm;  // an engine::ml algorithm name, or "auto"
  nlohmann::json hyperparameters = nlohmann::json::object();
  std::vector<Column> features;
  Column target;
  std::vector<std::string> parquet_keys;
  std::string model_key;
  std::string preprocess_key;
  std::optional<std::string> base_model_key;  // incremental training continues this model
  // Workers that train this one model together (a backend that runs several starts one per rank;
  // rank 0 runs the tracker, saves the model and reports).
  int num_workers = 1;
  std::optional<SeriesSpec> series;  // a Forecast training's (its features are static ones)
  Callback callback;
  bool operator==(const TrainSpec&) const = default;
};

// SHAP values of a model over a sample of its dataset's rows.
struct ShapSpec {
  static constexpr const char* kKind = "shap";
  std::string model_key;
  std::string preprocess_key;
  std::vector<std::string> parquet_keys;
  int64_t sample_rows = 0;
  uint64_t seed = 0;
  Callback callback;
  bool operator==(const ShapSpec&) const = default;
};

// A model's predictions over a dataset, written as CSV to result_key.
struct BatchPredictionSpec {
  static constexpr const char* kKind = "batch_prediction";
  std::string model_key;
  std::string preprocess_key;
  std::vector<std::string> parquet_keys;
  std::string result_key;
  std::optional<std::string> id_column;  // copied to each result row
  bool score = false;                    // the dataset has the target: report accuracy or RMSE
  Callback callback;
  // Where the results go as a data file of the tenant's gold.predictions_<train_id> table (the
  // server commits it when the job reports), and the prediction's id they carry.
  std::optional<std::string> lake_data_key;
  int64_t prediction_id = 0;
  bool operator==(const BatchPredictionSpec&) const = default;
};

nlohmann::json Encode(const StatisticsSpec& spec);
nlohmann::json Encode(const TrainSpec& spec);
nlohmann::json Encode(const ShapSpec& spec);
nlohmann::json Encode(const BatchPredictionSpec& spec);

// InvalidArgument ("malformed <kind> job spec: ...") for a payload that is not the spec's.
template <typename Spec>
Result<Spec> Decode(const nlohmann::json& payload);

template <>
Result<StatisticsSpec> Decode<StatisticsSpec>(const nlohmann::json& payload);
template <>
Result<TrainSpec> Decode<TrainSpec>(const nlohmann::json& payload);
template <>
Result<ShapSpec> Decode<ShapSpec>(const nlohmann::json& payload);
template <>
Result<BatchPredictionSpec> Decode<BatchPredictionSpec>(const nlohmann::json& payload);

// The callback of any kind's payload; nullopt when it has none (it reports to the generic
// result route), InvalidArgument when it has a malformed one.
Result<std::optional<Callback>> CallbackOf(const nlohmann::json& payload);

// How many workers a job of `kind` with this payload runs on at once (a training's num_workers; 1
// for every other kind, and for a payload that does not say).
int WorkersOf(const std::string& kind, const nlohmann::json& payload);

}  // namespace dataml::job_specs
