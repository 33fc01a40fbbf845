// The seam between the dispatcher and where workers run: a child process of this server
// (`local`), later a job on a cluster (`ray`). A backend is chosen by name (backends.h) and
// addresses each worker by the reference it returned from Launch (the job's backend_ref: a pid,
// a submission id), which the jobs table keeps, so that a backend whose workers outlive the
// server can find them again from another server.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "jobs/job.h"

namespace dataml::jobs {

// The backends' names (jobs.backend), for code that asks where its jobs run.
inline constexpr const char* kLocalBackendName = "local";
inline constexpr const char* kRayBackendName = "ray";

// A job whose worker a backend runs, as the dispatcher knows it.
struct RunningJob {
  int64_t job_id = 0;
  std::string backend_ref;
};

// A worker that ended; `reason` is what the job's error says if it never reported.
struct WorkerExit {
  int64_t job_id = 0;
  std::string reason;
};

// What a backend saw of its workers in one Reap.
struct ReapReport {
  std::vector<WorkerExit> exits;
  // Workers whose status in the backend's own words (Ray's PENDING, RUNNING, SUCCEEDED, ...)
  // changed since the last Reap, ended ones included: job id -> the new status. The dispatcher
  // records it as the job's backend_status. Always empty for a backend without such words.
  std::map<int64_t, std::string> status_changes;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // The jobs.backend value of the jobs this backend runs.
  virtual const char* name() const = 0;
  // Whether its workers keep running when the server that started them stops or dies. This
  // decides what becomes of a running job whose lease ran out: another server adopts it (true)
  // or fails it (false: the worker died with its server).
  virtual bool workers_outlive_server() const = 0;
  // Whether it can take jobs now (a cluster may be unreachable); the dispatcher claims none
  // until it can, so that jobs wait queued instead of failing.
  virtual Status Ready() { return Status::OK(); }
  // The reference a launch of `job` will have, when the backend names it before launching: it is
  // recorded first, so that a launch whose answer was lost can be retried under the same name
  // (and found). nullopt: the reference is known once launched.
  virtual std::optional<std::string> ReferenceFor(const Job&) { return std::nullopt; }
  // Starts a worker for `job` (with its backend_ref set when ReferenceFor named one) that
  // authenticates with `token`; returns the backend reference recorded as the job's
  // backend_ref. Unavailable when the backend cannot take it now: the job goes back to the
  // queue instead of failing.
  virtual Result<std::string> Launch(const Job& job, const std::string& token) = 0;
  // Of `running` (every job this dispatcher launched or adopted and has not reaped), those whose
  // workers ended since the last call, and those whose backend status changed.
  virtual ReapReport Reap(const std::vector<RunningJob>& running) = 0;
  // Stops the worker of one job (its job was cancelled); its exit is reaped as usual.
  virtual void Terminate(const RunningJob& job) = 0;
  // The server is stopping: ends (politely first) and waits for the workers that would not
  // outlive it, and returns their job ids. Workers that outlive the server are left running.
  virtual std::vector<int64_t> Shutdown() = 0;
};

}  // namespace dataml::jobs
