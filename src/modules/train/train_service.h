// Predictors of a tenant: training jobs (create, incremental, list, delete, update the
// preprocess), their model summaries and schemas, feature importance (SHAP) jobs, and the worker
// callbacks that complete them.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/principal.h"
#include "core/ttl_cache.h"
#include "engine/data/column_spec.h"
#include "engine/ml/trainer.h"
#include "job_specs/job_specs.h"
#include "jobs/jobs_service.h"
#include "modules/datasets/datasets_service.h"
#include "modules/train/forecast_request.h"
#include "modules/train/train_repository.h"
#include "storage/blob_store.h"

namespace dataml::train {

struct ColumnRoleInput {
  std::string column_name;
  std::optional<std::string> data_type;
  std::string attribute_name;
};

struct CreateTrainingInput {
  int64_t dataset_id = 0;
  std::string predictor_name;
  std::string domain;
  std::string problem_type;
  std::vector<ColumnRoleInput> columns;  // columns not listed are Features
  bool is_incremental = false;
  std::string algorithm = "auto";
  bool shap_enabled = false;
  nlohmann::json hyperparameters;  // null: defaults
  std::optional<int64_t> num_workers;  // unset: the server's default where several are allowed
  ForecastFields forecast;              // a Forecast training's frequency, horizon, aggregate, fill
};

struct TrainingList {
  std::vector<Training> trainings;
  int64_t total = 0;
};

// 8.2: a dataset's columns and what a training of it may choose.
struct TrainingOptions {
  int64_t dataset_id = 0;
  engine::TableSchema dataset_schema;
  bool dataset_is_valid = false;   // it has validated rows
  std::vector<std::string> roles;  // a column's (kRoleId, ...)
  std::vector<std::string> problem_types;
  std::vector<std::string> algorithms;  // "auto" first
  std::map<std::string, std::vector<std::string>> algorithms_by_problem_type;
};

// 8.8: the columns a model reads.
struct ModelSchema {
  int64_t train_id = 0;
  int64_t preprocess_id = 0;
  nlohmann::json columns;  // the Id, Feature and Target entries of Training::columns, as stored
};

inline constexpr int64_t kDefaultShapSampleRows = 1000;
inline constexpr int64_t kMaxShapSampleRows = 100000;
// How long a completed model's version is reused without reading it again. This server's own
// updates and deletes are seen at once; another server sharing the database serves the old
// version (or a deleted model) for at most this long.
inline constexpr std::chrono::milliseconds kModelVersionTtl{1000};
inline constexpr size_t kModelVersionCacheSize = 4096;

// summary[key] when it is text, else empty (summaries come from workers).
std::string SummaryString(const nlohmann::json& summary, const char* key);

class TrainService {
 public:
  // `default_num_workers`: how many workers train a model when the request does not say and
  // several may (DATAML_TRAIN_NUM_WORKERS).
  TrainService(db::Database& db, storage::BlobStore& store, datasets::DatasetsService& datasets,
               jobs::JobsService& jobs, int64_t default_num_workers = 1)
      : repo_(db), store_(store), datasets_(datasets), jobs_(jobs), default_num_workers_(default_num_workers) {
    // A training's status follows its train job's, in the job's own transaction.
    jobs_.OnStatusChange(job_specs::TrainSpec::kKind, &TrainRepository::ApplyTrainJobStatus);
  }

  // 8.2: the dataset's schema and the roles its columns may take.
  Result<TrainingOptions> Details(const std::string& tenant_id, int64_t dataset_id);
  // 8.1: checks everything that can be checked before a job starts, then queues the training.
  // Field errors name the fields of `in` ({"columns", "2", "data_type"}).
  Result<Training> Create(const std::string& tenant_id, const Principal& caller, const CreateTrainingInput& in);
  Result<Training> Get(const std::string& tenant_id, int64_t id);
  Result<TrainingList> List(const std::string& tenant_id, int64_t skip, int64_t limit, const SortKey& sort = {});
  // 8.5: terminates its jobs first; removes the model, its SHAP results and its preprocess when
  // no other model uses it.
  Status Delete(const std::string& tenant_id, int64_t id);
  // 8.6: swaps the model's preprocess for a compatible one.
  Result<Training> UpdatePreprocess(const std::string& tenant_id, int64_t id, int64_t preprocess_id);
  // 10.5 (409 until the training completed).
  Result<Training> Completed(const std::string& tenant_id, int64_t id);
  // A completed model's version, read cheaply (real-time prediction asks on every request) and
  // cached for kModelVersionTtl; NotFound, or FailedPrecondition until it completed.
  Result<ModelVersion> CompletedVersion(const std::string& tenant_id, int64_t id);
  // A preprocess of the tenant (NotFound otherwise).
  Result<PreprocessRow> GetPreprocess(const std::string& tenant_id, int64_t preprocess_id);
  // 8.8: the columns the model reads (Id, Features, Target) with their types.
  Result<ModelSchema> Schema(const std::string& tenant_id, int64_t id);

  // 8.10: queues a SHAP job on a completed training.
  Result<jobs::Job> GenerateFeatureImportance(const std::string& tenant_id, const Principal& caller, int64_t id,
                                              int64_t sample_rows);
  Result<FeatureImportance> GetFeatureImportance(const std::string& tenant_id, int64_t id);
  Status DeleteFeatureImportance(const std::string& tenant_id, int64_t id);

  // Worker callbacks (8.7, 8.11): the caller proved `job_id`'s token; the job must be this
  // training's. Replays of an accepted outcome are answered as the first time. Field errors are
  // located in `result` ({"result", "summary", ...}).
  // Without `training_id`, the job's own training; returns the training's id.
  Result<int64_t> RecordTrainingResult(int64_t job_id, std::optional<int64_t> training_id,
                                       const nlohmann::json& result);
  Status RecordShapResult(int64_t job_id, int64_t training_id, const nlohmann::json& result);

  // For datasets: how many trainings were made from the dataset (it cannot go while any is).
  Result<int64_t> CountUsingDataset(const std::string& tenant_id, int64_t dataset_id);

 private:
  // How many workers train the model: the request's (422 where several cannot), else the default
  // where several can, else 1.
  Result<int64_t> NumWorkers(const CreateTrainingInput& in, std::optional<engine::ml::Algorithm> algorithm) const;
  Result<Training> CreateForecast(const std::string& tenant_id, const Principal& caller, const CreateTrainingInput& in);
  // Stores the training (and its new preprocess) and queues its job; `spec` gets its keys and
  // callback here.
  Result<Training> Submit(Training t, std::optional<PreprocessRow> new_preprocess, job_specs::TrainSpec spec,
                          const Principal& caller);
  Result<jobs::Job> SubmitShap(const Training& t, const std::string& created_by, int64_t sample_rows);
  Result<jobs::Job> JobOfTraining(int64_t job_id, int64_t training_id, const char* kind);
  // Whether the model and preprocess a successful train job must have written are there.
  Status ArtifactsExist(const Training& t);

  TrainRepository repo_;
  TtlCache<std::string, ModelVersion> versions_{kModelVersionCacheSize, kModelVersionTtl};  // "tenant/id"
  storage::BlobStore& store_;
  datasets::DatasetsService& datasets_;
  jobs::JobsService& jobs_;
  int64_t default_num_workers_;
};

}  // namespace dataml::train
