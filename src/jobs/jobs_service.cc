#include "jobs/jobs_service.h"

#include <algorithm>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/field_errors.h"

namespace dataml::jobs {
namespace {

constexpr size_t kRandomSecretBytes = 48;

// "'a', 'b' or 'c'", as FastAPI words an enum's values.
template <size_t N>
std::string OneOf(const std::array<std::string_view, N>& values) {
  std::string out;
  for (size_t i = 0; i < N; ++i) {
    if (i > 0) out += i + 1 == N ? " or " : ", ";
    out += "'" + std::string(values[i]) + "'";
  }
  return out;
}

template <size_t N>
void CheckOneOf(const std::optional<std::string>& value, const std::array<std::string_view, N>& values,
                const std::string& field, FieldErrors& errors) {
  if (!value || std::find(values.begin(), values.end(), *value) != values.end()) return;
  errors.Add({field}, "Input should be " + OneOf(values), "enum");
}

}  // namespace

JobsService::JobsService(db::Database& db) : JobsService(db, RandomToken(kRandomSecretBytes)) {}

JobsService::JobsService(db::Database& db, std::string token_secret, std::string backend)
    : db_(db), repo_(db_), tokens_(std::move(token_secret)), backend_(std::move(backend)) {
  health_.name = backend_;
}

JobsService::~JobsService() = default;

Result<Job> JobsService::Submit(const std::string& tenant_id, const std::string& kind,
                                const std::string& subject, const nlohmann::json& payload,
                                const std::string& created_by) {
  Job job;
  job.tenant_id = tenant_id;
  job.kind = kind;
  job.subject = subject;
  job.payload = payload;
  job.status = status::kQueued;
  job.backend = backend_;
  job.created_by = created_by;
  job.created_at = NowIso8601Utc();
  DATAML_ASSIGN_OR_RETURN(Job inserted, repo_.Insert(job));
  // Called under the lock so that unsetting the listener waits for a call in progress.
  std::lock_guard<std::mutex> lock(listener_mutex_);
  if (listener_) listener_();
  return inserted;
}

Result<Job> JobsService::Get(const std::string& tenant_id, int64_t job_id) {
  DATAML_ASSIGN_OR_RETURN(auto job, repo_.Find(tenant_id, job_id));
  if (!job) return Status::NotFound("Job not found");
  return *job;
}

Result<JobList> JobsService::List(const std::string& tenant_id, const JobFilter& filter, int64_t skip,
                                  int64_t limit, const SortKey& sort) {
  FieldErrors errors;
  CheckOneOf(filter.status, kStatuses, "status", errors);
  CheckOneOf(filter.kind, kKinds, "kind", errors);
  DATAML_RETURN_NOT_OK(errors.ToStatus());
  JobList list;
  DATAML_ASSIGN_OR_RETURN(list.total, repo_.Count(tenant_id, filter));
  DATAML_ASSIGN_OR_RETURN(list.jobs, repo_.List(tenant_id, filter, skip, limit, sort));
  return list;
}

Result<std::optional<Job>> JobsService::Latest(const std::string& tenant_id,
                                               const std::string& kind,
                                               const std::string& subject) {
  return repo_.Latest(tenant_id, kind, subject);
}

Result<bool> JobsService::HasActive(const std::string& tenant_id, const std::string& subject) {
  DATAML_ASSIGN_OR_RETURN(int64_t active, repo_.CountActive(tenant_id, subject));
  return active > 0;
}

Result<std::map<std::string, int64_t>> JobsService::CountByState() {
  DATAML_ASSIGN_OR_RETURN(auto counts, repo_.CountByStatus());
  for (const char* state : {status::kQueued, status::kRunning, status::kCompleted,
                            status::kFailed, status::kCancelled}) {
    counts.try_emplace(state, 0);
  }
  return counts;
}

Status JobsService::Cancel(const std::string& tenant_id, int64_t job_id, const std::string& reason) {
  DATAML_ASSIGN_OR_RETURN(Job job, Get(tenant_id, job_id));
  DATAML_ASSIGN_OR_RETURN(bool cancelled, repo_.Cancel(tenant_id, job_id, reason, NowIso8601Utc()));
  if (!cancelled) {
    DATAML_ASSIGN_OR_RETURN(job, Get(tenant_id, job_id));
    return Status::FailedPrecondition("Job " + std::to_string(job_id) +
                                      " is not running (status: " + job.status + ")");
  }
  std::lock_guard<std::mutex> lock(listener_mutex_);
  if (listener_) listener_();
  return Status::OK();
}

Status JobsService::CancelActive(const std::string& tenant_id, const std::string& subject,
                                 const std::string& reason) {
  DATAML_ASSIGN_OR_RETURN(std::vector<int64_t> ids, repo_.ActiveIds(tenant_id, subject));
  for (int64_t id : ids) {
    Status cancelled = Cancel(tenant_id, id, reason);
    if (!cancelled.ok() && cancelled.code() != StatusCode::kFailedPrecondition) return cancelled;
  }
  return Status::OK();
}

Result<Job> JobsService::GetForWorker(int64_t job_id) {
  DATAML_ASSIGN_OR_RETURN(auto job, repo_.FindInAnyTenant(job_id));
  if (!job) return Status::NotFound("Job not found");
  return *job;
}

Status JobsService::Complete(int64_t job_id, const nlohmann::json& result) {
  return Finish(job_id, {status::kCompleted, result, std::nullopt, NowIso8601Utc()});
}

Status JobsService::Fail(int64_t job_id, const std::string& error) {
  return Finish(job_id, {status::kFailed, std::nullopt, error, NowIso8601Utc()});
}

Status JobsService::Finish(int64_t job_id, const Outcome& outcome) {
  DATAML_ASSIGN_OR_RETURN(bool finished, repo_.Finish(job_id, outcome));
  if (finished) return Status::OK();
  DATAML_ASSIGN_OR_RETURN(Job job, GetForWorker(job_id));
  return Status::FailedPrecondition("Job " + std::to_string(job_id) +
                                    " is not running (status: " + job.status + ")");
}

BackendHealth BackendHealth::Of(const std::string& name, const Status& ready) {
  if (ready.ok()) return {name, "ok", ""};
  return {name, ready.code() == StatusCode::kUnauthenticated ? "unauthorized" : "unreachable", ready.message()};
}

BackendHealth JobsService::backend_health() const {
  std::lock_guard<std::mutex> lock(health_mutex_);
  return health_;
}

void JobsService::SetBackendHealth(BackendHealth health) {
  std::lock_guard<std::mutex> lock(health_mutex_);
  health_ = std::move(health);
}

void JobsService::SetSubmitListener(std::function<void()> listener) {
  std::lock_guard<std::mutex> lock(listener_mutex_);
  listener_ = std::move(listener);
}

}  // namespace dataml::jobs
