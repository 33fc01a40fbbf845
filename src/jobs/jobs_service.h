// Jobs: rows in the metadata database that a dispatcher claims and hands to a backend. Modules
// submit jobs and read their state through this service.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/database.h"
#include "job_specs/job_specs.h"
#include "jobs/job.h"
#include "jobs/job_token.h"
#include "jobs/jobs_repository.h"

namespace dataml::jobs {

// The job backend as its dispatcher last found it.
struct BackendHealth {
  std::string name;
  // "ok", "unreachable" or "unauthorized" (it refuses our token); "unknown" before the first probe.
  std::string status = "unknown";
  std::string detail;  // why, when not ok

  bool degraded() const { return status == "unreachable" || status == "unauthorized"; }
  // The health of a backend whose Ready() answered `ready`.
  static BackendHealth Of(const std::string& name, const Status& ready);
};

// One page of a tenant's jobs and how many match in all.
struct JobList {
  int64_t total = 0;
  std::vector<Job> jobs;
};

class JobsService {
 public:
  explicit JobsService(db::Database& db);  // job tokens keyed by a random per-process secret
  // `token_secret` keys the job tokens; servers sharing a database must share it. Jobs are
  // submitted to the backend named `backend` (backends.h), whose dispatchers claim them.
  JobsService(db::Database& db, std::string token_secret, std::string backend = "local");
  ~JobsService();

  // Queues a job for the dispatcher; returns at once.
  Result<Job> Submit(const std::string& tenant_id, const std::string& kind, const std::string& subject,
                     const nlohmann::json& payload, const std::string& created_by);
  // A job of a typed kind (job_specs.h), its payload written by the shared codec.
  template <typename Spec>
  Result<Job> Submit(const std::string& tenant_id, const std::string& subject, const Spec& spec,
                     const std::string& created_by) {
    return Submit(tenant_id, Spec::kKind, subject, job_specs::Encode(spec), created_by);
  }
  // NotFound for another tenant's job.
  Result<Job> Get(const std::string& tenant_id, int64_t job_id);
  // The tenant's jobs matching `filter`, newest first. InvalidArgument (at "status" or "kind")
  // for a status or kind that no job can have.
  Result<JobList> List(const std::string& tenant_id, const JobFilter& filter, int64_t skip, int64_t limit,
                       const SortKey& sort = {});
  // The newest job of `kind` on `subject`, if any.
  Result<std::optional<Job>> Latest(const std::string& tenant_id, const std::string& kind,
                                    const std::string& subject);
  // Whether a queued or running job works on `subject` (deletes are refused meanwhile).
  Result<bool> HasActive(const std::string& tenant_id, const std::string& subject);
  // Jobs in each state over all tenants, for operators' metrics: every state of job.h is
  // present, at 0 when no job is in it, so that a gauge reads 0 rather than vanishing.
  Result<std::map<std::string, int64_t>> CountByState();

  // Stops a queued or running job of the tenant: marks it cancelled and wakes the dispatcher,
  // which then ends its worker. NotFound for another tenant's job, FailedPrecondition for a
  // finished one.
  Status Cancel(const std::string& tenant_id, int64_t job_id, const std::string& reason);

  // Cancels every queued or running job on `subject` (those that finish meanwhile are left be).
  Status CancelActive(const std::string& tenant_id, const std::string& subject, const std::string& reason);

  // For the worker callbacks, whose caller proved the job token: NotFound only when no job has
  // this id.
  Result<Job> GetForWorker(int64_t job_id);
  // Record a running job's outcome; FailedPrecondition once it is no longer running.
  Status Complete(int64_t job_id, const nlohmann::json& result);
  Status Fail(int64_t job_id, const std::string& error);

  // Whether the backend could take jobs at the dispatcher's last probe, for the health check.
  BackendHealth backend_health() const;
  void SetBackendHealth(BackendHealth health);

  // `listener` hears every status change of jobs of `kind`, inside the change's transaction
  // (JobsRepository::OnStatusChange): how a module keeps its objects' status with their jobs'.
  void OnStatusChange(const std::string& kind, StatusListener listener) {
    repo_.OnStatusChange(kind, std::move(listener));
  }

  // Called after every successful Submit (the dispatcher's wake-up); an empty one unsets it.
  void SetSubmitListener(std::function<void()> listener);

  const JobTokens& tokens() const { return tokens_; }
  const std::string& backend() const { return backend_; }
  JobsRepository& repository() { return repo_; }

 private:
  Status Finish(int64_t job_id, const Outcome& outcome);

  db::Database& db_;
  JobsRepository repo_;
  JobTokens tokens_;
  const std::string backend_;
  mutable std::mutex health_mutex_;
  BackendHealth health_;
  std::mutex listener_mutex_;
  std::function<void()> listener_;
};

}  // namespace dataml::jobs
