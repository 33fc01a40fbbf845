#include "worker/worker.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <thread>

#include "worker/batch_prediction_job.h"
#include "worker/job_client.h"
#include "worker/shap_job.h"
#include "worker/statistics_job.h"
#include "worker/train_job.h"

namespace dataml::worker {
namespace {

constexpr std::chrono::milliseconds kRequeuedPoll{500};

// Errors are shown to tenants: they name storage keys, not where the server keeps them.
std::string WithoutDataDir(std::string message, const storage::BlobStore& store) {
  const std::string prefix = store.LocationOf("");
  for (size_t pos = message.find(prefix); pos != std::string::npos;
       pos = message.find(prefix, pos)) {
    message.erase(pos, prefix.size());
  }
  return message;
}

}  // namespace

Result<engine::FileSet> StoredFiles(const WorkerContext& context, const std::vector<std::string>& keys) {
  DATAML_RETURN_NOT_OK(storage::BlobStore::CheckKeys(keys));
  return engine::FileSet{context.store.filesystem(), keys};
}

namespace {

Result<nlohmann::json> RunKind(const JobSpec& spec, const JobKinds& kinds,
                               const WorkerContext& context) {
  const JobKind* run = kinds.Find(spec.kind);
  if (run == nullptr) return Status::InvalidArgument("unknown job kind '" + spec.kind + "'");
  try {
    return (*run)(spec.payload, context);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("job failed: ") + e.what());
  }
}

// Where a job's outcome goes: a module's own callback when the spec names one (job_specs::Callback;
// the outcome under "result", an error as {"error": "..."} there), else the generic
// /api/v1/jobs/{id}/result.
Status Report(const JobClient& client, int64_t job_id, const nlohmann::json& payload,
              const Result<nlohmann::json>& result, const std::string& error) {
  DATAML_ASSIGN_OR_RETURN(std::optional<job_specs::Callback> callback, job_specs::CallbackOf(payload));
  if (!callback) {
    if (!result.ok()) return client.ReportError(error);
    Status reported = client.ReportResult(*result);
    if (reported.code() == StatusCode::kPayloadTooLarge) {
      reported = client.ReportError("the job's result is larger than the server accepts");
    }
    return reported;
  }
  nlohmann::json body = callback->fields;
  body["job_id"] = job_id;  // which token the callback proves
  body["result"] = result.ok() ? *result : nlohmann::json{{"error", error}};
  Status reported = client.PostCallback(callback->path, body);
  if (reported.code() == StatusCode::kPayloadTooLarge) {
    body["result"] = {{"error", "the job's result is larger than the server accepts"}};
    reported = client.PostCallback(callback->path, body);
  }
  return reported;
}

}  // namespace

const JobKind* JobKinds::Find(const std::string& kind) const {
  auto it = kinds_.find(kind);
  return it == kinds_.end() ? nullptr : &it->second;
}

JobKinds DefaultJobKinds() {
  JobKinds kinds;
  kinds.Register(RunStatisticsJob);
  kinds.Register(RunTrainJob);
  kinds.Register(RunShapJob);
  kinds.Register(RunBatchPredictionJob);
  return kinds;
}

int RunWorker(const WorkerOptions& options, const JobKinds& kinds) {
  JobClient client(options.server_url, options.job_id, options.token);
  auto spec = client.FetchSpec();
  // A job that the dispatcher put back in the queue (its backend took some of its workers, then
  // no more) is launched again under the same names: a worker that did start waits for that. The
  // server's 409 for a job that is not running names its status (jobs/job_handlers.cc).
  const auto deadline = std::chrono::steady_clock::now() + options.requeued_wait;
  while (!spec.ok() && spec.status().code() == StatusCode::kFailedPrecondition &&
         spec.status().message().ends_with("(status: queued)") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(kRequeuedPoll);
    spec = client.FetchSpec();
  }
  if (!spec.ok()) {
    spdlog::error("job {}: cannot fetch its spec: {}", options.job_id, spec.status().message());
    return 1;
  }
  auto store = storage::BlobStore::OpenLocal(options.data_dir);
  if (!store.ok()) {
    spdlog::error("job {}: {}", options.job_id, store.status().message());
    return 1;
  }
  WorkerContext context{**store, options.rank, &client};
  spdlog::info("job {}: running kind '{}'{}", spec->id, spec->kind,
               options.rank > 0 ? " as rank " + std::to_string(options.rank) : "");
  Result<nlohmann::json> result = RunKind(*spec, kinds, context);
  std::string error;
  if (!result.ok()) {
    error = WithoutDataDir(result.status().message(), context.store);
    if (options.rank > 0) error = "rank " + std::to_string(options.rank) + ": " + error;
    spdlog::error("job {}: {}", spec->id, error);
  }
  if (options.rank > 0 && result.ok()) {
    spdlog::info("job {}: rank {} done (rank 0 reports)", spec->id, options.rank);
    return 0;
  }
  Status reported = Report(client, spec->id, spec->payload, result, error);
  if (!reported.ok()) {
    spdlog::error("job {}: cannot report its outcome: {}", spec->id, reported.message());
    return 1;
  }
  spdlog::info("job {}: {} reported", spec->id, result.ok() ? "result" : "error");
  return options.rank > 0 ? 1 : 0;
}

int WorkerMain(int64_t job_id, const std::string& server_url, const std::string& data_dir, int rank) {
  const char* token = std::getenv("DATAML_JOB_TOKEN");
  if (token == nullptr || *token == '\0') {
    spdlog::error(
        "DATAML_JOB_TOKEN is not set: workers are started by the server's job dispatcher");
    return 1;
  }
  return RunWorker({job_id, server_url, data_dir, token, rank}, DefaultJobKinds());
}

}  // namespace dataml::worker
