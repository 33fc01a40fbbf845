// The predictions log without a database write on the request's path: records are queued in
// memory and a background thread inserts them in batches (one transaction per batch).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "db/database.h"

namespace dataml::inference {

struct PredictionRecord {
  int64_t id = 0;  // assigned by the database
  std::string tenant_id;
  int64_t training_id = 0;
  std::string prediction_type;  // "realtime" (later "batch")
  std::optional<int64_t> dataset_id;
  std::string input_data;       // realtime: the features as JSON
  std::optional<std::string> output;  // realtime: the answer as JSON
  int64_t no_of_records = 1;
  std::string created_by;
  std::string created_at;
};

class PredictionLog {
 public:
  // At most `capacity` records wait; beyond that new ones are dropped (and counted) rather
  // than slowing predictions down.
  PredictionLog(db::Database& db, size_t capacity);
  ~PredictionLog();  // writes what is queued, then stops
  PredictionLog(const PredictionLog&) = delete;
  PredictionLog& operator=(const PredictionLog&) = delete;

  void Record(PredictionRecord record);
  // Returns once everything recorded before the call is written (or failed to be).
  void Flush();

  uint64_t dropped() const;

  Result<std::vector<PredictionRecord>> List(const std::string& tenant_id, int64_t training_id, int64_t skip,
                                             int64_t limit);
  Result<int64_t> Count(const std::string& tenant_id, int64_t training_id);

 private:
  void Loop();
  Status Write(const std::vector<PredictionRecord>& batch);

  db::Database& db_;
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable written_;
  std::deque<PredictionRecord> queue_;
  uint64_t enqueued_ = 0;  // records ever queued
  uint64_t done_ = 0;      // records written or given up on
  uint64_t dropped_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace dataml::inference
