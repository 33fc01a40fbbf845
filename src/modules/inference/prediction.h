// A prediction made with a model: one real-time row, or a batch prediction job over a dataset.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace dataml::inference {

inline constexpr const char* kRealtime = "realtime";
inline constexpr const char* kBatch = "batch";
inline constexpr const char* kForecast = "forecast";

// A batch prediction's own record of how it ended; until then its job tells (see Status()).
namespace prediction_status {
inline constexpr const char* kSubmitted = "submitted";
inline constexpr const char* kCompleted = "completed";
inline constexpr const char* kFailed = "failed";
}  // namespace prediction_status

struct PredictionRecord {
  int64_t id = 0;  // assigned by the database
  std::string tenant_id;
  int64_t training_id = 0;
  std::string prediction_type;  // kRealtime, kBatch or kForecast
  std::optional<int64_t> dataset_id;
  // realtime: the features as JSON; batch: "dataset_id:<id>"; forecast: the request as JSON
  std::string input_data;
  std::optional<std::string> output;  // realtime, forecast: the answer as JSON
  int64_t no_of_records = 1;
  std::string created_by;
  std::string created_at;
  // Batch only.
  std::string status = prediction_status::kCompleted;
  std::optional<int64_t> job_id;
  std::optional<int64_t> file_id;
  std::optional<std::string> result_key;
  std::optional<std::string> metrics;  // JSON: {"accuracy"|"rmse", "scored_rows"}
  std::optional<std::string> error;
  std::optional<std::string> finished_at;
};

}  // namespace dataml::inference
