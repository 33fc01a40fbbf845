// Runs each job as a child process `dataml worker --job <id> ...` on this host (backend_ref: the
// pid). The workers die with the server. Used from the dispatcher thread only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "jobs/backend.h"

namespace dataml::jobs {

struct LocalBackendOptions {
  std::string executable;  // the dataml binary; empty: this process's own (/proc/self/exe)
  std::string server_url;  // where workers call back, e.g. http://127.0.0.1:8000
  std::string data_dir;    // blob storage root; logs go to <data_dir>/jobs/<id>.log
  std::chrono::milliseconds kill_grace{3000};  // between SIGTERM and SIGKILL on shutdown
  size_t log_tail_bytes = 2048;                // of a crashed worker's log, quoted in its error
};

class LocalBackend : public Backend {
 public:
  // Resolves the executable and creates the log directory.
  static Result<std::unique_ptr<LocalBackend>> Make(LocalBackendOptions options);
  ~LocalBackend() override;

  static constexpr const char* kName = kLocalBackendName;

  const char* name() const override { return kName; }
  bool workers_outlive_server() const override { return false; }
  Result<std::string> Launch(const Job& job, const std::string& token) override;
  ReapReport Reap(const std::vector<RunningJob>& running) override;
  void Terminate(const RunningJob& job) override;
  std::vector<int64_t> Shutdown() override;  // SIGTERM, then SIGKILL after kill_grace

  std::string LogPath(int64_t job_id) const;

 private:
  explicit LocalBackend(LocalBackendOptions options) : options_(std::move(options)) {}
  std::string ExitReason(int64_t job_id, int wait_status) const;
  std::vector<WorkerExit> ReapChildren();

  LocalBackendOptions options_;
  std::map<int64_t, pid_t> children_;  // job id -> worker pid (also its process group)
};

// The URL a worker on this host reaches a server listening on `host`:`port` at.
std::string LoopbackUrl(const std::string& host, int port);

}  // namespace dataml::jobs
