// Batch prediction (9.2, 9.5): a completed model over a dataset's validated rows, as a job on the
// runner (kind "batch_prediction", subject the dataset, so the dataset cannot be deleted under
// it). The worker writes a results CSV into the dataset's storage; its callback registers that
// as a file of the dataset and records the row count and, when the dataset holds the target,
// accuracy (classification) or RMSE (regression).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "core/principal.h"
#include "jobs/jobs_service.h"
#include "modules/datalake/datalake_service.h"
#include "modules/datasets/datasets_service.h"
#include "modules/inference/prediction_results.h"
#include "modules/inference/predictions_repository.h"
#include "modules/train/train_service.h"

namespace dataml::inference {

inline constexpr const char* kBatchResultPath = "/api/v1/inference/batch-result";

class BatchPredictionService {
 public:
  BatchPredictionService(db::Database& db, jobs::JobsService& jobs, datasets::DatasetsService& datasets,
                         train::TrainService& train, datalake::DatalakeService& lake)
      : db_(db), repo_(db), jobs_(jobs), datasets_(datasets), train_(train), lake_(lake) {}

  // 9.2: 404 for another tenant's model or dataset; 409 until the model completed or when the
  // dataset has no validated rows; 422 (at dataset_id, each column named) when the dataset
  // lacks an input of the model or types it otherwise (an Integer column may feed a Float
  // input). Returns the prediction as submitted.
  Result<BatchPrediction> Start(const std::string& tenant_id, const Principal& caller, int64_t train_id,
                                int64_t dataset_id);
  // 9.5: 404 for another tenant's or a real-time prediction.
  Result<BatchPrediction> Get(const std::string& tenant_id, int64_t prediction_id);
  // Where a batch prediction stands (its job is asked while it has not ended).
  Result<BatchProgress> Describe(const PredictionRecord& r);

  // The worker's callback (the job token already checked): 404 unless the job is this
  // prediction's; 422 (at result) for a success without the results file the job was given;
  // 409 for another outcome after the first. A replay of the same outcome changes nothing.
  Result<int64_t> RecordResult(int64_t job_id, std::optional<int64_t> prediction_id, const nlohmann::json& result);

 private:
  // 422 naming each model input the dataset lacks or types otherwise; whether it holds the
  // target (same type), so the predictions can be scored.
  Result<bool> CheckFits(const train::Training& t, const datasets::Dataset& dataset);
  // Commits the job's gold data file (its result's "lake_file") to gold.predictions_<train_id>.
  Status CommitGold(const PredictionRecord& r, const job_specs::BatchPredictionSpec& spec,
                    const nlohmann::json& lake_file);

  db::Database& db_;
  PredictionsRepository repo_;
  jobs::JobsService& jobs_;
  datasets::DatasetsService& datasets_;
  train::TrainService& train_;
  datalake::DatalakeService& lake_;
};

}  // namespace dataml::inference
