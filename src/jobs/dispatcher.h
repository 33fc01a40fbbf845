// Claims queued jobs of its backend and hands them to it, with bounded concurrency; notices
// workers that end without reporting and fails their jobs. Several servers may dispatch from one
// database: a job is claimed with a conditional UPDATE, and a job whose server vanished is, once
// its lease runs out, failed (its worker died with that server) or adopted by another server
// (when the backend's workers outlive their server).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/status.h"
#include "jobs/backend.h"
#include "jobs/jobs_service.h"

namespace dataml::jobs {

struct DispatcherOptions {
  int max_concurrent_jobs = 2;                   // workers this server runs at once
  std::chrono::milliseconds poll_interval{500};  // queued jobs are also picked up on Submit
  int64_t lease_seconds = 60;                    // a job whose lease ran out lost its server
  int64_t lease_renew_seconds = 10;              // how often leases are renewed and swept
  std::function<int64_t()> clock;                // Unix seconds; empty: the wall clock

  static DispatcherOptions Defaults() { return {}; }
  Status Validate() const;
};

class Dispatcher {
 public:
  Dispatcher(JobsService& jobs, std::unique_ptr<Backend> backend, DispatcherOptions options);
  ~Dispatcher();  // Stop()
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Fails or adopts the jobs left running by a server that is gone, then dispatches on a thread.
  // FailedPrecondition when jobs are submitted to another backend than this one's.
  Status Start();
  // Stops dispatching and shuts the backend down; fails the jobs of the workers that ended with
  // it (workers that outlive the server keep running, to be adopted). Idempotent.
  void Stop();
  // Dispatches now instead of at the next poll.
  void Wake();
  // One round: reap ended workers, keep leases, claim and launch queued jobs. The thread
  // started by Start() runs it; tests may call it directly instead.
  void RunOnce();

  const std::string& owner() const { return owner_; }

 private:
  void Loop();
  void ReapExited();
  void StopCancelled();
  void KeepLeases(int64_t now);
  void LaunchQueued();
  // Asks the backend whether it takes jobs, and records the answer for the health check.
  Status ProbeBackend();
  // False when the backend cannot take jobs now (the job went back to the queue): the round ends.
  bool Launch(int64_t job_id);
  // Jobs of this backend whose server is gone: failed, or adopted when their workers outlive it.
  Status SweepExpired(int64_t now, const char* error);
  std::vector<RunningJob> Running() const;
  void FailIfRunning(int64_t job_id, const std::string& error);
  int64_t Now() const;

  JobsService& jobs_;
  std::unique_ptr<Backend> backend_;
  DispatcherOptions options_;
  std::string owner_;
  // Jobs whose workers this dispatcher launched or adopted and has not reaped: id -> backend_ref.
  std::map<int64_t, std::string> running_;
  int64_t last_lease_round_ = 0;
  std::string not_ready_;  // why the backend last refused jobs (logged when it changes)
  std::optional<int64_t> last_probe_;  // when the backend was last asked whether it takes jobs

  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace dataml::jobs
