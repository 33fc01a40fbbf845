// A job: one unit of background work (statistics, training, SHAP, batch prediction, ...) run by
// `dataml worker --job <id>` on a backend, reporting back through the job callback.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dataml::jobs {

namespace status {
inline constexpr const char* kQueued = "queued";
inline constexpr const char* kRunning = "running";
inline constexpr const char* kCompleted = "completed";
inline constexpr const char* kFailed = "failed";
inline constexpr const char* kCancelled = "cancelled";
}  // namespace status

// Every status a job can be in.
inline constexpr std::array<std::string_view, 5> kStatuses = {status::kQueued, status::kRunning, status::kCompleted,
                                                              status::kFailed, status::kCancelled};
// Every kind a job can be of: those of job_specs.h, and "forecast", which the API already names
// (terminate_ray_job's usage) for the forecast jobs to come.
inline constexpr std::array<std::string_view, 5> kKinds = {"statistics", "train", "shap", "batch_prediction",
                                                           "forecast"};

struct Job {
  int64_t id = 0;
  std::string tenant_id;
  std::string kind;     // "statistics", "train", "shap", "batch_prediction" (later "forecast")
  std::string subject;  // what it works on, e.g. "dataset:12"; used to find and guard jobs
  nlohmann::json payload;
  std::string status;
  std::string backend;  // "local" or "ray"
  std::optional<std::string> backend_ref;  // the local process id, the Ray submission id
  // The backend's word for the worker as its dispatcher last saw it (Ray's PENDING, RUNNING,
  // SUCCEEDED, FAILED, STOPPED); unset for backends without one.
  std::optional<std::string> backend_status;
  // Where the workers of a job with several meet ({"host", "port"} of a training's tracker).
  std::optional<nlohmann::json> rendezvous;
  std::optional<nlohmann::json> result;
  std::optional<std::string> error;
  int64_t attempts = 0;
  std::string created_by;
  std::string created_at;
  std::optional<std::string> started_at;
  std::optional<std::string> finished_at;

  bool active() const { return status == status::kQueued || status == status::kRunning; }
};

nlohmann::json ToJson(const Job& job);  // without the payload

}  // namespace dataml::jobs
