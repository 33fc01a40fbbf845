// SQL for trainings, preprocesses and feature importances. Statuses are read from the jobs
// table (joined), which the dispatcher and the callbacks keep current.
#pragma once

#include <optional>
#include <vector>

#include "db/database.h"
#include "modules/train/training.h"

// (A training's summary and a feature importance's values are the results of their jobs, read
// from the jobs table: a callback that lands before its row learnt the job id loses nothing.)

namespace dataml::train {

class TrainRepository {
 public:
  explicit TrainRepository(db::Database& db) : db_(db) {}

  // Inserts the preprocess (when `new_preprocess`) and the training in one transaction, with
  // their storage keys derived from their ids; returns the training id.
  Result<int64_t> InsertTraining(Training t, std::optional<PreprocessRow> new_preprocess);
  // After the training's job completed: touches it and marks its preprocess fitted (idempotent).
  Status MarkTrained(int64_t training_id);
  Status SetPreprocess(int64_t training_id, int64_t preprocess_id);
  // Deletes the training and its feature importance; and its preprocess when no other training
  // uses it, returning that preprocess's id.
  Result<std::optional<int64_t>> DeleteTraining(const std::string& tenant_id, int64_t training_id);

  Result<std::optional<Training>> Find(const std::string& tenant_id, int64_t id);
  Result<std::optional<ModelVersion>> FindVersion(const std::string& tenant_id, int64_t id);
  // For callbacks, which prove the job rather than a tenant.
  Result<std::optional<Training>> FindInAnyTenant(int64_t id);
  Result<std::vector<Training>> List(const std::string& tenant_id, int64_t skip, int64_t limit);
  Result<int64_t> Count(const std::string& tenant_id);
  // The newest version of a predictor (name compared case-insensitively).
  Result<std::optional<Training>> LatestVersion(const std::string& tenant_id, const std::string& predictor_key);
  // Trainings that continue this one (incremental versions built on its model).
  Result<int64_t> CountContinuations(const std::string& tenant_id, int64_t training_id);
  Result<int64_t> CountUsingDataset(const std::string& tenant_id, int64_t dataset_id);

  Result<std::optional<PreprocessRow>> FindPreprocess(const std::string& tenant_id, int64_t id);

  Status PutFeatureImportance(const FeatureImportance& fi);
  Result<std::optional<FeatureImportance>> FindFeatureImportance(const std::string& tenant_id, int64_t training_id);
  Result<bool> DeleteFeatureImportance(const std::string& tenant_id, int64_t training_id);

 private:
  Result<std::optional<Training>> FindWhere(const std::optional<std::string>& tenant_id, int64_t id);

  db::Database& db_;
};

}  // namespace dataml::train
