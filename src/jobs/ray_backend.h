// Runs each job as a Ray job: the same `dataml worker` entrypoint, submitted through the Ray
// Jobs REST API (RayJobsClient) and followed by polling it; a training on several workers as one
// Ray job per rank, ended together. backend_ref is the submission id,
// `dataml-<job id>-<random>`, recorded before the first submission and reused by every retry:
// job ids restart with each database while a Ray cluster keeps every submission, and Ray's
// "already exists" then means that an earlier try got through. Ray jobs outlive the server that
// submitted them (another server adopts them). Used from the dispatcher thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "http/client.h"
#include "jobs/backend.h"
#include "jobs/ray_jobs_client.h"

namespace dataml::jobs {

struct RayBackendOptions {
  std::string address;               // the dashboard's URL, e.g. http://127.0.0.1:8265
  std::optional<std::string> token;  // sent as Authorization: Bearer
  // The worker's command line, as every node runs it with /bin/sh in the raylet's directory:
  // absolute paths (a relative one, or /proc/self/exe, would not name the binary there).
  std::string worker_binary;
  std::string worker_data_dir;
  std::string callback_url;  // where workers reach this server
  double worker_cpus = 1;    // Ray reserves them for the entrypoint and sets OMP_NUM_THREADS
  // A running job Ray cannot be asked about for this long is failed: never left running.
  std::chrono::seconds unreachable_grace{300};
  size_t message_tail_bytes = 2048;  // of Ray's message (the log's tail) quoted in a job's error
  std::function<int64_t()> clock;    // Unix seconds; empty: the wall clock
  http::ClientOptions http = http::ClientOptions::Defaults();
};

class RayBackend : public Backend {
 public:
  static constexpr const char* kName = kRayBackendName;

  // InvalidArgument for a malformed address or a relative path.
  static Result<std::unique_ptr<RayBackend>> Make(RayBackendOptions options);

  const char* name() const override { return kName; }
  bool workers_outlive_server() const override { return true; }
  // Asks the cluster (its version, which needs the token): Unavailable or Unauthenticated with
  // Ray's word, or a back-off after a submission Ray could not take.
  Status Ready() override;
  std::optional<std::string> ReferenceFor(const Job& job) override;
  // Unavailable when Ray cannot take it now (the dispatcher requeues the job).
  Result<std::string> Launch(const Job& job, const std::string& token) override;
  ReapReport Reap(const std::vector<RunningJob>& running) override;
  void Terminate(const RunningJob& job) override;
  std::vector<int64_t> Shutdown() override { return {}; }  // Ray jobs outlive the server

  // The entrypoint of rank `rank` of `job_id`'s `ranks` workers (exposed for tests).
  std::string Entrypoint(int64_t job_id, int rank = 0, int ranks = 1) const;

 private:
  RayBackend(RayBackendOptions options, std::unique_ptr<RayJobsClient> client)
      : options_(std::move(options)), client_(std::move(client)) {}
  int64_t Now() const;
  std::string ExitReason(const RunningJob& job, const RayJobInfo& info);
  void StopRanks(const RunningJob& job, const std::vector<RayJobInfo>& ranks);

  RayBackendOptions options_;
  std::unique_ptr<RayJobsClient> client_;
  std::map<int64_t, int64_t> unreachable_since_;  // job id -> when Ray first failed to answer for it
  std::map<int64_t, std::string> last_status_;    // job id -> Ray's status at the last Reap
  std::set<int64_t> stopping_;                     // jobs whose remaining ranks were told to stop
  std::map<int64_t, int64_t> rank0_ended_;         // job id -> when its rank 0 was first seen ended
  int64_t backoff_until_ = 0;                      // no submission before (after Unavailable)
  int64_t backoff_seconds_ = 0;
  StatusCode backoff_code_ = StatusCode::kUnavailable;  // why the last submission was refused
  std::string backoff_reason_;
};

// A job on several workers runs one Ray job per rank: rank 0's submission id is the job's
// backend_ref, which ends in "-w<ranks>"; rank k's is that plus "-r<k>".
int RanksOf(const std::string& backend_ref);
std::string RankSubmissionId(const std::string& backend_ref, int rank);

// `text` as one /bin/sh word: single-quoted, with its own quotes escaped.
std::string ShellQuote(const std::string& text);

}  // namespace dataml::jobs
