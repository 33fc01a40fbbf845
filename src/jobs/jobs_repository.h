// SQL for the jobs table. Every state change of a running job is conditional on its current
// status, so concurrent dispatchers, callbacks and sweeps cannot overwrite each other.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/database.h"
#include "jobs/job.h"
#include "core/sort_key.h"

namespace dataml::jobs {

// Who runs a job and until when, unless renewed.
struct Lease {
  std::string owner;
  int64_t expires_at = 0;  // Unix seconds
};

// A running job whose lease ran out: its server is gone.
struct ExpiredJob {
  int64_t id = 0;
  std::optional<std::string> backend_ref;  // unset when its server died before recording it
};

// A final state for a running job.
struct Outcome {
  std::string status;  // completed or failed
  std::optional<nlohmann::json> result;
  std::optional<std::string> error;
  std::string finished_at;
};

// A job's new status, told to the module whose object the job works on (a training's train
// job, say) inside the transaction that changes it, so that the two never disagree.
struct StatusChange {
  int64_t job_id = 0;
  std::string kind;
  std::string subject;
  std::string status;  // queued, running, completed, failed or cancelled
  std::optional<std::string> error;
};
// Which of a tenant's jobs a listing shows; an unset field matches every job.
struct JobFilter {
  std::optional<std::string> status;
  std::optional<std::string> kind;
};

// Throws (a soci or std exception) to undo the change with its own.
using StatusListener = std::function<void(soci::session&, const StatusChange&)>;

class JobsRepository {
 public:
  explicit JobsRepository(db::Database& db) : db_(db) {}

  // `listener` hears every status change of jobs of `kind` from now on. Registered while the
  // server is assembled, before any job runs (not synchronised with the changes).
  void OnStatusChange(const std::string& kind, StatusListener listener);

  // Returns the job with its new id.
  Result<Job> Insert(const Job& job);
  Result<std::optional<Job>> Find(const std::string& tenant_id, int64_t id);
  // For callers that proved access to the job itself (a worker's job token), not a tenant.
  Result<std::optional<Job>> FindInAnyTenant(int64_t id);
  Result<std::optional<Job>> Latest(const std::string& tenant_id, const std::string& kind,
                                    const std::string& subject);
  // The tenant's jobs that match `filter`, newest first, `limit` of them after the first `skip`.
  Result<std::vector<Job>> List(const std::string& tenant_id, const JobFilter& filter, int64_t skip,
                                int64_t limit, const SortKey& sort = {});
  // How many of the tenant's jobs match `filter`.
  Result<int64_t> Count(const std::string& tenant_id, const JobFilter& filter);
  Result<int64_t> CountActive(const std::string& tenant_id, const std::string& subject);
  // Jobs per status over all tenants; a status without jobs is absent.
  Result<std::map<std::string, int64_t>> CountByStatus();
  // Queued or running jobs on `subject`.
  Result<std::vector<int64_t>> ActiveIds(const std::string& tenant_id, const std::string& subject);

  // Ids of queued jobs of `backend`, oldest first.
  Result<std::vector<int64_t>> Queued(const std::string& backend, int64_t limit);
  // Moves a queued job to running under `lease`; false when it was no longer queued (another
  // dispatcher claimed it first).
  Result<bool> Claim(int64_t id, const Lease& lease, const std::string& started_at);
  Status SetBackendRef(int64_t id, const std::string& backend_ref);
  // Records where a running job's workers meet; false when it is not running or has one already.
  Result<bool> SetRendezvous(int64_t id, const nlohmann::json& rendezvous);
  // The backend's own word for the job's worker, as last seen (whatever the job's status).
  Status SetBackendStatus(int64_t id, const std::string& backend_status);
  // Puts a running job held under `owner`'s lease back in the queue (its backend_ref is kept);
  // false when it is not (any more).
  Result<bool> Requeue(int64_t id, const std::string& owner);
  // Extends the lease of a running job that `lease.owner` holds.
  Status RenewLease(int64_t id, const Lease& lease);
  // Applies `outcome` to a running job; false when it was not running.
  Result<bool> Finish(int64_t id, const Outcome& outcome);
  // Cancels a queued or running job of the tenant; false when it was in neither state.
  Result<bool> Cancel(const std::string& tenant_id, int64_t id, const std::string& error,
                      const std::string& finished_at);
  // Of `ids`, those that were cancelled.
  Result<std::vector<int64_t>> Cancelled(const std::vector<int64_t>& ids);
  // Running jobs of `backend` whose lease expired before `now`, oldest first.
  Result<std::vector<ExpiredJob>> Expired(const std::string& backend, int64_t now);
  // Makes `lease` the lease of a running job whose lease expired before `now`; false when it
  // is not (any more): another server took it over, or it ended.
  Result<bool> TakeOver(int64_t id, const Lease& lease, int64_t now);
  // Fails running jobs of `backend` whose lease expired before `now`; returns how many.
  Result<int64_t> FailExpired(const std::string& backend, int64_t now, const std::string& error,
                              const std::string& finished_at);

 private:
  // Tells `kind`'s listeners of job `id`'s status as it now is (in `sql`'s transaction).
  void Notify(soci::session& sql, int64_t id) const;

  std::map<std::string, std::vector<StatusListener>> listeners_;
  db::Database& db_;
};

}  // namespace dataml::jobs
