// Claims queued jobs and hands them to a backend, with bounded concurrency; notices workers
// that die and fails their jobs. Several servers may dispatch from one database: a job is
// claimed with a conditional UPDATE, and a job whose server vanished is failed once its lease
// runs out.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
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

  // Fails the jobs left running by a server that is gone, then dispatches on a thread.
  Status Start();
  // Stops dispatching, terminates the running workers and fails their jobs. Idempotent.
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
  void Launch(int64_t job_id);
  void FailIfRunning(int64_t job_id, const std::string& error);
  int64_t Now() const;

  JobsService& jobs_;
  std::unique_ptr<Backend> backend_;
  DispatcherOptions options_;
  std::string owner_;
  std::set<int64_t> running_;  // jobs whose workers this dispatcher launched and not yet reaped
  int64_t last_lease_round_ = 0;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace dataml::jobs
