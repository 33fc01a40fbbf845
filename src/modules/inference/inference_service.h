// Inference (9.1, 9.3, 9.6): the form a client draws for a model, real-time predictions with the
// compiled model (optionally explained), and the predictions log (real-time and batch).
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>

#include "core/principal.h"
#include "modules/datasets/datasets_service.h"
#include "modules/inference/batch_prediction_service.h"
#include "modules/inference/model_cache.h"
#include "modules/inference/prediction_log.h"
#include "modules/inference/prediction_results.h"
#include "modules/inference/predictions_repository.h"
#include "modules/train/train_service.h"
#include "storage/blob_store.h"

namespace dataml::inference {

struct PredictInput {
  int64_t train_id = 0;
  int64_t preprocess_id = 0;
  nlohmann::json features;  // an object
  std::optional<std::string> target;
  bool explain = false;
};

// 9.4's body.
struct ForecastInput {
  int64_t train_id = 0;
  int64_t preprocess_id = 0;
  int64_t steps = 0;
  std::string frequency;
  std::string unique_id;
  std::optional<int64_t> dataset_id;
  double confidence = 0.95;
  nlohmann::json request;  // as given, for the predictions log
};

inline constexpr double kDefaultForecastConfidence = 0.95;

inline constexpr size_t kModelCacheCapacity = 64;
inline constexpr size_t kPredictionLogCapacity = 100000;
inline constexpr size_t kExplainTop = 10;

class InferenceService {
 public:
  InferenceService(db::Database& db, storage::BlobStore& store, datasets::DatasetsService& datasets,
                   train::TrainService& train, BatchPredictionService& batch, int64_t log_max_rows_per_model)
      : store_(store),
        datasets_(datasets),
        train_(train),
        batch_(batch),
        repo_(db),
        cache_(kModelCacheCapacity),
        log_(db, kPredictionLogCapacity, log_max_rows_per_model) {}

  // 9.3: the model's Id and Feature columns with type and default, its target and preprocess.
  Result<PredictionForm> Form(const std::string& tenant_id, int64_t train_id);
  // 9.1: 404 for another tenant's model, 409 until it completed, 422 for a preprocess that is
  // not the model's, a target that is not its target, unknown features or wrong value types
  // (located by the fields of `in`: {"features", name}). The prediction is shared with the
  // predictions log, which serializes it off the request's path.
  Result<std::shared_ptr<const RealtimePrediction>> Predict(const std::string& tenant_id, const Principal& caller,
                                                            const PredictInput& in);
  // 9.4: 404 for another tenant's model or an unknown series, 422 for a model that is not a
  // Forecast one, a preprocess, frequency or steps that are not the model's, or a dataset that
  // lacks its columns or whose series cannot be read under its rules; 409 until it completed.
  Result<SeriesForecast> Forecast(const std::string& tenant_id, const Principal& caller, const ForecastInput& in);
  // 9.6: real-time and batch predictions of the model, newest first.
  Result<PredictionList> Predictions(const std::string& tenant_id, int64_t train_id, int64_t skip, int64_t limit,
                                     const SortKey& sort = {});

 private:
  Result<std::shared_ptr<const LoadedModel>> Load(const train::Training& t);
  // A completed model's, from the cache.
  Result<std::shared_ptr<const LoadedModel>> Cached(const std::string& tenant_id, const train::ModelVersion& version);
  // The dataset's rows that a forecast reads its series from (the model's Id, Timestamp and
  // Target columns), 422 at {"dataset_id"} otherwise.
  Result<std::shared_ptr<arrow::Table>> ForecastHistory(const std::string& tenant_id, const train::Training& t,
                                                        int64_t dataset_id);

  storage::BlobStore& store_;
  datasets::DatasetsService& datasets_;
  train::TrainService& train_;
  BatchPredictionService& batch_;
  PredictionsRepository repo_;
  ModelCache cache_;
  PredictionLog log_;
};

}  // namespace dataml::inference
