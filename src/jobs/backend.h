// The seam between the dispatcher and where workers run (a local process, later a Ray job).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "jobs/job.h"

namespace dataml::jobs {

// A worker that ended; `reason` is what the job's error says if it never reported.
struct WorkerExit {
  int64_t job_id = 0;
  std::string reason;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // The jobs.backend value of the jobs this backend runs.
  virtual const char* name() const = 0;
  // Starts a worker for `job` that authenticates with `token`; returns the backend reference
  // recorded as the job's backend_ref.
  virtual Result<std::string> Launch(const Job& job, const std::string& token) = 0;
  // Workers that ended since the last call.
  virtual std::vector<WorkerExit> Reap() = 0;
  // Stops the worker of one job (its job was cancelled); its exit is reaped as usual.
  virtual void Terminate(int64_t job_id) = 0;
  // Stops every worker (politely first) and waits for them; returns their job ids.
  virtual std::vector<int64_t> TerminateAll() = 0;
};

}  // namespace dataml::jobs
