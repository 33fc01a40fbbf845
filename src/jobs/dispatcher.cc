#include "jobs/dispatcher.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/crypto.h"

namespace dataml::jobs {
namespace {

constexpr int kMaxConcurrentJobs = 256;
constexpr size_t kOwnerSuffixBytes = 6;
constexpr const char* kLostAtStart = "worker lost (server restarted)";
constexpr const char* kLostLease = "worker lost (its server stopped renewing the job's lease)";
constexpr const char* kServerStopped = "server stopped";

// Unique per process, and readable in the table: host, pid, random suffix.
std::string MakeOwner() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + RandomToken(kOwnerSuffixBytes);
}

}  // namespace

Status DispatcherOptions::Validate() const {
  if (max_concurrent_jobs < 1 || max_concurrent_jobs > kMaxConcurrentJobs) {
    return Status::InvalidArgument("--max-jobs must be 1.." + std::to_string(kMaxConcurrentJobs));
  }
  if (poll_interval.count() <= 0)
    return Status::InvalidArgument("the job poll interval must be positive");
  if (lease_renew_seconds < 1 || lease_seconds <= lease_renew_seconds) {
    return Status::InvalidArgument("a job lease must outlast its renewal interval");
  }
  return Status::OK();
}

Dispatcher::Dispatcher(JobsService& jobs, std::unique_ptr<Backend> backend,
                       DispatcherOptions options)
    : jobs_(jobs),
      backend_(std::move(backend)),
      options_(std::move(options)),
      owner_(MakeOwner()) {}

Dispatcher::~Dispatcher() { Stop(); }

int64_t Dispatcher::Now() const { return options_.clock ? options_.clock() : NowUnixSeconds(); }

Status Dispatcher::Start() {
  DATAML_RETURN_NOT_OK(options_.Validate());
  if (thread_.joinable()) return Status::FailedPrecondition("the dispatcher is already running");
  if (jobs_.backend() != backend_->name()) {
    return Status::FailedPrecondition("jobs are submitted to the '" + jobs_.backend() + "' backend, not to '" +
                                      backend_->name() + "'");
  }
  DATAML_RETURN_NOT_OK(SweepExpired(Now(), kLostAtStart));
  last_lease_round_ = Now();
  jobs_.SetSubmitListener([this] { Wake(); });
  thread_ = std::thread([this] { Loop(); });
  spdlog::info("job dispatcher {} started: at most {} concurrent {} job(s)", owner_,
               options_.max_concurrent_jobs, backend_->name());
  return Status::OK();
}

void Dispatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    jobs_.SetSubmitListener({});  // waits for a Submit that is calling Wake() right now
    thread_.join();
  }
  for (int64_t job_id : backend_->Shutdown()) FailIfRunning(job_id, kServerStopped);
  running_.clear();
}

void Dispatcher::Wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
  }
  wake_.notify_one();
}

void Dispatcher::Loop() {
  while (true) {
    RunOnce();
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_ || woken_; });
    if (stopping_) return;
    woken_ = false;
  }
}

void Dispatcher::RunOnce() {
  // Nothing here throws by design; a library surprise must not take the server down with it.
  try {
    ReapExited();
    // The health check reports the backend's state even when no job asks for it (the answer is
    // recorded there and logged; nothing else depends on it here).
    if (!last_probe_ || Now() - *last_probe_ >= options_.lease_renew_seconds) (void)ProbeBackend();
    StopCancelled();
    KeepLeases(Now());
    LaunchQueued();
  } catch (const std::exception& e) {
    spdlog::error("job dispatcher round failed: {}", e.what());
  }
}

std::vector<RunningJob> Dispatcher::Running() const {
  std::vector<RunningJob> out;
  out.reserve(running_.size());
  for (const auto& [job_id, ref] : running_) out.push_back({job_id, ref});
  return out;
}

void Dispatcher::ReapExited() {
  if (running_.empty()) return;
  ReapReport report = backend_->Reap(Running());
  for (const auto& [job_id, backend_status] : report.status_changes) {
    Status recorded = jobs_.repository().SetBackendStatus(job_id, backend_status);
    if (!recorded.ok()) spdlog::error("cannot record the {} status of job {}: {}", backend_->name(), job_id, recorded.message());
  }
  for (const WorkerExit& exit : report.exits) {
    running_.erase(exit.job_id);
    // A worker that reported has already finished its job; only a silent exit fails it.
    FailIfRunning(exit.job_id, exit.reason);
  }
}

void Dispatcher::StopCancelled() {
  if (running_.empty()) return;
  // Only cancelled ones: a worker whose job completed is about to exit on its own, and killing
  // it could cut its last log lines.
  std::vector<int64_t> ids;
  for (const auto& [job_id, ref] : running_) ids.push_back(job_id);
  auto ended = jobs_.repository().Cancelled(ids);
  if (!ended.ok()) {
    spdlog::error("cannot check running jobs: {}", ended.status().message());
    return;
  }
  for (int64_t job_id : *ended) {
    spdlog::info("job {} was cancelled: stopping its worker", job_id);
    backend_->Terminate({job_id, running_[job_id]});
  }
}

void Dispatcher::KeepLeases(int64_t now) {
  if (now - last_lease_round_ < options_.lease_renew_seconds) return;
  last_lease_round_ = now;
  Lease lease{owner_, now + options_.lease_seconds};
  for (const auto& [job_id, ref] : running_) {
    Status renewed = jobs_.repository().RenewLease(job_id, lease);
    if (!renewed.ok())
      spdlog::error("cannot renew the lease of job {}: {}", job_id, renewed.message());
  }
  Status swept = SweepExpired(now, kLostLease);
  if (!swept.ok()) spdlog::error("cannot sweep expired job leases: {}", swept.message());
}

Status Dispatcher::SweepExpired(int64_t now, const char* error) {
  // Leases of live servers are renewed well before they run out, so an expired one means its
  // server died (this one, if it restarted).
  if (!backend_->workers_outlive_server()) {
    DATAML_ASSIGN_OR_RETURN(int64_t lost, jobs_.repository().FailExpired(backend_->name(), now, error, NowIso8601Utc()));
    if (lost > 0) spdlog::warn("{} job(s) whose server is gone marked failed: {}", lost, error);
    return Status::OK();
  }
  // The workers may still run: this server takes the jobs over and reaps them as its own.
  DATAML_ASSIGN_OR_RETURN(std::vector<ExpiredJob> expired, jobs_.repository().Expired(backend_->name(), now));
  for (const ExpiredJob& job : expired) {
    if (!job.backend_ref) {  // its server died between the claim and the launch's record
      FailIfRunning(job.id, error);
      continue;
    }
    DATAML_ASSIGN_OR_RETURN(bool taken, jobs_.repository().TakeOver(job.id, {owner_, now + options_.lease_seconds}, now));
    if (!taken) continue;  // another server was first, or it ended
    running_[job.id] = *job.backend_ref;
    spdlog::info("job {} adopted from a server that is gone ({} {})", job.id, backend_->name(), *job.backend_ref);
  }
  return Status::OK();
}

void Dispatcher::LaunchQueued() {
  const size_t limit = static_cast<size_t>(options_.max_concurrent_jobs);
  bool asked = false;  // whether the backend takes jobs, asked once a round and only with jobs to give
  while (running_.size() < limit) {
    auto queued =
        jobs_.repository().Queued(backend_->name(), static_cast<int64_t>(limit - running_.size()));
    if (!queued.ok()) {
      spdlog::error("cannot list queued jobs: {}", queued.status().message());
      return;
    }
    if (queued->empty()) return;
    if (!asked) {
      asked = true;
      if (!ProbeBackend().ok()) return;
    }
    // Each id is either claimed here or was claimed by another server: neither is queued
    // any more, so this loop ends.
    for (int64_t job_id : *queued) {
      if (running_.size() >= limit) return;
      Lease lease{owner_, Now() + options_.lease_seconds};
      auto claimed = jobs_.repository().Claim(job_id, lease, NowIso8601Utc());
      if (!claimed.ok()) {
        spdlog::error("cannot claim job {}: {}", job_id, claimed.status().message());
        return;
      }
      if (*claimed && !Launch(job_id)) return;
    }
  }
}

Status Dispatcher::ProbeBackend() {
  Status ready = backend_->Ready();
  last_probe_ = Now();
  jobs_.SetBackendHealth(BackendHealth::Of(backend_->name(), ready));
  if (!ready.ok()) {
    if (ready.message() != not_ready_) {
      spdlog::warn("the {} job backend takes no jobs for now: {}", backend_->name(), ready.message());
    }
    not_ready_ = ready.message();
    return ready;
  }
  if (!not_ready_.empty()) spdlog::info("the {} job backend takes jobs again", backend_->name());
  not_ready_.clear();
  return ready;
}

bool Dispatcher::Launch(int64_t job_id) {
  auto job = jobs_.GetForWorker(job_id);
  if (!job.ok()) {
    // The row stays ours until its lease runs out; the sweep then fails it.
    spdlog::error("cannot read claimed job {}: {}", job_id, job.status().message());
    return true;
  }
  if (auto named = backend_->ReferenceFor(*job)) {
    Status recorded = jobs_.repository().SetBackendRef(job_id, *named);
    if (!recorded.ok()) {  // unrecorded, a retry could not find it: leave it to the lease sweep
      spdlog::error("cannot record the backend reference of job {}: {}", job_id, recorded.message());
      return true;
    }
    job->backend_ref = *named;
  }
  auto ref = backend_->Launch(*job, jobs_.tokens().Issue(job_id));
  if (!ref.ok() && ref.status().code() == StatusCode::kUnavailable) {
    auto requeued = jobs_.repository().Requeue(job_id, owner_);
    spdlog::warn("job {} back in the queue: {} ({})", job_id, ref.status().message(),
                 requeued.ok() && *requeued ? "requeued" : "already moved on");
    return false;
  }
  if (!ref.ok()) {
    spdlog::error("cannot start job {}: {}", job_id, ref.status().message());
    FailIfRunning(job_id, ref.status().message());
    return true;
  }
  running_[job_id] = *ref;
  Status recorded = jobs_.repository().SetBackendRef(job_id, *ref);
  if (!recorded.ok())
    spdlog::error("cannot record the worker of job {}: {}", job_id, recorded.message());
  spdlog::info("job {} ({}) started on {} as {}", job_id, job->kind, backend_->name(), *ref);
  return true;
}

void Dispatcher::FailIfRunning(int64_t job_id, const std::string& error) {
  auto failed =
      jobs_.repository().Finish(job_id, {status::kFailed, std::nullopt, error, NowIso8601Utc()});
  if (!failed.ok())
    spdlog::error("cannot mark job {} failed: {}", job_id, failed.status().message());
  else if (*failed)
    spdlog::warn("job {} failed: {}", job_id, error);
}

}  // namespace dataml::jobs
