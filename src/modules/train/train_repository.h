// SQL for trainings, preprocesses and feature importances. A training's status is its own,
// kept with its train job's by ApplyTrainJobStatus in the job's transaction; a feature
// importance's is still read from its newest shap job (joined by subject).
#pragma once

#include <optional>
#include <vector>

#include "db/database.h"
#include "jobs/jobs_repository.h"
#include "modules/train/training.h"

#include "core/sort_key.h"

namespace dataml::train {

class TrainRepository {
 public:
  explicit TrainRepository(db::Database& db) : db_(db) {}

  // Inserts the preprocess (when `new_preprocess`) and the training in one transaction, with
  // their storage keys derived from their ids; returns the training id.
  Result<int64_t> InsertTraining(Training t, std::optional<PreprocessRow> new_preprocess);
  // The jobs' status listener for train jobs: the training of the job's subject takes its
  // status, error and job id (registered by TrainService).
  static void ApplyTrainJobStatus(soci::session& sql, const jobs::StatusChange& change);
  // The training's train job, once submitted (a listener may have set it first).
  Status AttachJob(int64_t training_id, int64_t job_id);
  // A worker's accepted model: the summary and manifest, its time touched, its preprocess
  // marked fitted (idempotent). Its status follows when its job completes.
  Status MarkTrained(int64_t training_id, const nlohmann::json& summary, const ModelManifest& manifest);
  Status SetPreprocess(int64_t training_id, int64_t preprocess_id);
  // Deletes the training and its feature importance; and its preprocess when no other training
  // uses it, returning that preprocess's id.
  Result<std::optional<int64_t>> DeleteTraining(const std::string& tenant_id, int64_t training_id);

  Result<std::optional<Training>> Find(const std::string& tenant_id, int64_t id);
  Result<std::optional<ModelVersion>> FindVersion(const std::string& tenant_id, int64_t id);
  // For callbacks, which prove the job rather than a tenant.
  Result<std::optional<Training>> FindInAnyTenant(int64_t id);
  // Newest first unless `sort` names a field.
  Result<std::vector<Training>> List(const std::string& tenant_id, int64_t skip, int64_t limit,
                                     const SortKey& sort = {});
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
