#include "modules/inference/prediction_log.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "db/row_reader.h"

namespace dataml::inference {
namespace {

constexpr size_t kMaxBatch = 1000;
constexpr std::chrono::milliseconds kLinger{100};  // gathers a batch under load

}  // namespace

PredictionLog::PredictionLog(db::Database& db, size_t capacity) : db_(db), capacity_(capacity) {
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

void PredictionLog::Record(PredictionRecord record) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queue_.size() >= capacity_) {
      if (dropped_++ % 10000 == 0) spdlog::warn("predictions log full: dropping records ({} so far)", dropped_);
      return;
    }
    queue_.push_back(std::move(record));
    ++enqueued_;
  }
  wake_.notify_one();
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
    if (queue_.size() < kMaxBatch && !stopping_) {
      wake_.wait_for(lock, kLinger, [&] { return stopping_ || queue_.size() >= kMaxBatch; });
    }
    std::vector<PredictionRecord> batch;
    while (!queue_.empty() && batch.size() < kMaxBatch) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    Status written = Write(batch);
    if (!written.ok()) spdlog::error("cannot write {} prediction log record(s): {}", batch.size(), written.message());
    lock.lock();
    done_ += batch.size();
    written_.notify_all();
  }
}

Status PredictionLog::Write(const std::vector<PredictionRecord>& batch) {
  return db_.RunInTransaction([&](soci::session& sql) {
    for (const PredictionRecord& r : batch) {
      long long training = r.training_id, records = r.no_of_records, dataset = r.dataset_id.value_or(0);
      soci::indicator dataset_ind = r.dataset_id ? soci::i_ok : soci::i_null;
      std::string output = r.output.value_or("");
      soci::indicator output_ind = r.output ? soci::i_ok : soci::i_null;
      sql << "INSERT INTO predictions (tenant_id, training_id, prediction_type, dataset_id, input_data, output, "
             "no_of_records, created_by, created_at) VALUES (:t, :tr, :pt, :d, :i, :o, :n, :by, :c)",
          soci::use(r.tenant_id), soci::use(training), soci::use(r.prediction_type), soci::use(dataset, dataset_ind),
          soci::use(r.input_data), soci::use(output, output_ind), soci::use(records), soci::use(r.created_by),
          soci::use(r.created_at);
    }
    return Status::OK();
  });
}

Result<std::vector<PredictionRecord>> PredictionLog::List(const std::string& tenant_id, int64_t training_id,
                                                          int64_t skip, int64_t limit) {
  return db_.Query<std::vector<PredictionRecord>>([&](soci::session& sql) -> Result<std::vector<PredictionRecord>> {
    long long training = training_id, s = skip, l = limit;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, tenant_id, training_id, prediction_type, dataset_id, input_data, output, "
                        "no_of_records, created_by, created_at FROM predictions WHERE tenant_id = :t AND "
                        "training_id = :tr ORDER BY id DESC LIMIT :l OFFSET :s",
         soci::use(tenant_id), soci::use(training), soci::use(l), soci::use(s));
    std::vector<PredictionRecord> out;
    for (const soci::row& row : rows) {
      PredictionRecord r;
      r.id = db::GetInt(row, "id");
      r.tenant_id = db::GetString(row, "tenant_id");
      r.training_id = db::GetInt(row, "training_id");
      r.prediction_type = db::GetString(row, "prediction_type");
      r.dataset_id = db::GetOptionalInt(row, "dataset_id");
      r.input_data = db::GetString(row, "input_data");
      r.output = db::GetOptionalString(row, "output");
      r.no_of_records = db::GetInt(row, "no_of_records");
      r.created_by = db::GetString(row, "created_by");
      r.created_at = db::GetString(row, "created_at");
      out.push_back(std::move(r));
    }
    return out;
  });
}

Result<int64_t> PredictionLog::Count(const std::string& tenant_id, int64_t training_id) {
  return db_.Query<int64_t>([&](soci::session& sql) -> Result<int64_t> {
    long long n = 0, training = training_id;
    sql << "SELECT COUNT(*) FROM predictions WHERE tenant_id = :t AND training_id = :tr", soci::use(tenant_id),
        soci::use(training), soci::into(n);
    return static_cast<int64_t>(n);
  });
}

}  // namespace dataml::inference
