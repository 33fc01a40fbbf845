#include "modules/inference/prediction_log.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "modules/inference/inference_json.h"
#include "modules/inference/predictions_repository.h"

namespace dataml::inference {
namespace {

// The writer starts once kWriteAt records wait (or kLinger after the first): short bursts of CPU,
// so that at full load a request thread never waits long behind an insert (a 1,000-row batch
// put 2-3 ms on the p99). When it falls behind, the next batch takes up to kMaxBatch to catch up.
constexpr size_t kWriteAt = 100;
constexpr size_t kMaxBatch = 1000;
constexpr std::chrono::milliseconds kLinger{100};

}  // namespace

PredictionLog::PredictionLog(db::Database& db, size_t capacity, int64_t max_rows_per_model)
    : db_(db), capacity_(capacity), max_rows_per_model_(max_rows_per_model) {
  thread_ = std::thread([this] { Loop(); });
}

PredictionLog::~PredictionLog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void PredictionLog::Record(PredictionRecord record) { Record(std::move(record), nullptr); }

void PredictionLog::Record(PredictionRecord record, std::shared_ptr<const RealtimePrediction> answer) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queue_.size() >= capacity_) {
      if (dropped_++ % 10000 == 0) spdlog::warn("predictions log full: dropping records ({} so far)", dropped_);
      return;
    }
    queue_.push_back({std::move(record), std::move(answer)});
    ++enqueued_;
    // The writer sleeps until there is work, then lingers for a batch: waking it on every record
    // cost a context switch per request (and showed in the p99) for nothing.
    wake = queue_.size() == 1 || queue_.size() == kWriteAt;
  }
  if (wake) wake_.notify_one();
}

void PredictionLog::Flush() {
  std::unique_lock<std::mutex> lock(mutex_);
  const uint64_t target = enqueued_;
  wake_.notify_one();
  written_.wait(lock, [&] { return done_ >= target || stopping_; });
}

uint64_t PredictionLog::dropped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return dropped_;
}

void PredictionLog::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) return;
    // Let a burst gather into one transaction, unless someone waits for it.
    if (queue_.size() < kWriteAt && !stopping_) {
      wake_.wait_for(lock, kLinger, [&] { return stopping_ || queue_.size() >= kWriteAt; });
    }
    std::vector<Pending> taken;
    while (!queue_.empty() && taken.size() < kMaxBatch) {
      taken.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    std::vector<PredictionRecord> batch;
    batch.reserve(taken.size());
    for (Pending& pending : taken) {
      if (pending.answer) {
        pending.record.output =
            ToJson(*pending.answer).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      }
      batch.push_back(std::move(pending.record));
    }
    taken.clear();  // frees the answers before the lock is taken again
    Status written = Write(batch);
    if (!written.ok()) spdlog::error("cannot write {} prediction log record(s): {}", batch.size(), written.message());
    if (written.ok() && max_rows_per_model_ > 0) Prune(batch);
    lock.lock();
    done_ += batch.size();
    written_.notify_all();
  }
}

Status PredictionLog::Write(const std::vector<PredictionRecord>& batch) {
  return db_.RunInTransaction([&](soci::session& sql) {
    PredictionsRepository::InsertMany(sql, batch);
    return Status::OK();
  });
}

void PredictionLog::Prune(const std::vector<PredictionRecord>& batch) {
  const int64_t every = std::max<int64_t>(1, max_rows_per_model_ / 10);
  PredictionsRepository repo(db_);
  for (const PredictionRecord& r : batch) {
    int64_t& count = since_prune_[{r.tenant_id, r.training_id}];
    if (++count < every) continue;
    count = 0;
    Status pruned = repo.PruneRealtime(r.tenant_id, r.training_id, max_rows_per_model_);
    if (!pruned.ok()) spdlog::error("cannot prune the predictions log of model {}: {}", r.training_id, pruned.message());
  }
}

}  // namespace dataml::inference
