// The predictions log without a database write on the request's path: records are queued in
// memory and a background thread inserts them in batches (one transaction per batch). The log is
// bounded per model: older real-time records beyond a cap are pruned as new ones arrive (a busy
// model would otherwise add ~500 bytes a prediction, gigabytes a day).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "db/database.h"
#include "modules/inference/prediction.h"

namespace dataml::inference {

struct RealtimePrediction;

class PredictionLog {
 public:
  // At most `capacity` records wait; beyond that new ones are dropped (and counted) rather
  // than slowing predictions down. Each model keeps its newest `max_rows_per_model` real-time
  // records (0: all), pruned after every tenth of that many new ones.
  PredictionLog(db::Database& db, size_t capacity, int64_t max_rows_per_model);
  ~PredictionLog();  // writes what is queued, then stops
  PredictionLog(const PredictionLog&) = delete;
  PredictionLog& operator=(const PredictionLog&) = delete;

  void Record(PredictionRecord record);
  // A real-time prediction, whose output is `answer` as the API shows it (inference_json.h):
  // serialized on the writer thread, not on the request's path.
  void Record(PredictionRecord record, std::shared_ptr<const RealtimePrediction> answer);
  // Returns once everything recorded before the call is written (or failed to be).
  void Flush();

  uint64_t dropped() const;

 private:
  struct Pending {
    PredictionRecord record;
    std::shared_ptr<const RealtimePrediction> answer;  // the record's output, when set
  };

  void Loop();
  Status Write(const std::vector<PredictionRecord>& batch);
  void Prune(const std::vector<PredictionRecord>& batch);  // on the writer thread

  db::Database& db_;
  const size_t capacity_;
  const int64_t max_rows_per_model_;
  std::map<std::pair<std::string, int64_t>, int64_t> since_prune_;  // writer thread only
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable written_;
  std::deque<Pending> queue_;
  uint64_t enqueued_ = 0;  // records ever queued
  uint64_t done_ = 0;      // records written or given up on
  uint64_t dropped_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace dataml::inference
