// The predictions table: the log of real-time predictions (written in batches by PredictionLog)
// and batch prediction records.
#pragma once

#include <soci/soci.h>

#include <optional>
#include <vector>

#include "core/result.h"
#include "db/database.h"
#include "modules/inference/prediction.h"
#include "core/sort_key.h"

namespace dataml::inference {

class PredictionsRepository {
 public:
  explicit PredictionsRepository(db::Database& db) : db_(db) {}

  static int64_t Insert(soci::session& sql, const PredictionRecord& r);
  // Many records with one prepared statement (the log writer's batches; SOCI's bulk binding):
  // preparing the INSERT again for every row was most of the writer's CPU.
  static void InsertMany(soci::session& sql, const std::vector<PredictionRecord>& records);
  Result<int64_t> Insert(const PredictionRecord& r);
  Status SetJob(int64_t id, int64_t job_id);
  // How a batch prediction ended (status kCompleted or kFailed; the outcome fields as given).
  Status Finish(const PredictionRecord& r);
  Status Delete(int64_t id);
  // Deletes a model's real-time and forecast records beyond the newest `keep` (batch records
  // stay).
  Status PruneRealtime(const std::string& tenant_id, int64_t training_id, int64_t keep);

  Result<std::optional<PredictionRecord>> Find(const std::string& tenant_id, int64_t id);
  Result<std::optional<PredictionRecord>> FindInAnyTenant(int64_t id);  // for worker callbacks
  // Newest first.
  Result<std::vector<PredictionRecord>> List(const std::string& tenant_id, int64_t training_id, int64_t skip,
                                             int64_t limit, const SortKey& sort = {});
  Result<int64_t> Count(const std::string& tenant_id, int64_t training_id);

 private:
  db::Database& db_;
};

}  // namespace dataml::inference
