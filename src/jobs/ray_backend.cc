#include "jobs/ray_backend.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/text.h"

namespace dataml::jobs {
namespace {

constexpr size_t kSubmissionSuffixBytes = 6;
constexpr int64_t kMaxBackoffSeconds = 30;

}  // namespace

std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

Result<std::unique_ptr<RayBackend>> RayBackend::Make(RayBackendOptions options) {
  for (const std::string* path : {&options.worker_binary, &options.worker_data_dir}) {
    if (!std::filesystem::path(*path).is_absolute()) {
      return Status::InvalidArgument("the Ray worker's paths must be absolute ('" + *path +
                                     "'): Ray runs the entrypoint in the raylet's directory");
    }
  }
  if (options.callback_url.empty()) return Status::InvalidArgument("the ray job backend needs a callback URL");
  if (options.worker_cpus < 0) return Status::InvalidArgument("--ray-worker-cpus must be >= 0");
  DATAML_ASSIGN_OR_RETURN(auto client, RayJobsClient::Make(options.address, options.token, options.http));
  return std::unique_ptr<RayBackend>(new RayBackend(std::move(options), std::move(client)));
}

int64_t RayBackend::Now() const { return options_.clock ? options_.clock() : NowUnixSeconds(); }

std::string RayBackend::Entrypoint(int64_t job_id) const {
  return ShellQuote(options_.worker_binary) + " worker --job " + std::to_string(job_id) + " --server " +
         ShellQuote(options_.callback_url) + " --data-dir " + ShellQuote(options_.worker_data_dir);
}

Status RayBackend::Ready() {
  if (Now() < backoff_until_) {
    return Status(backoff_code_, "Ray could not take the last submission (" + backoff_reason_ + "); trying again in " +
                                     std::to_string(backoff_until_ - Now()) + " s");
  }
  return client_->Version().status();
}

std::optional<std::string> RayBackend::ReferenceFor(const Job& job) {
  if (job.backend_ref && !job.backend_ref->empty()) return job.backend_ref;  // a retry: the same submission
  return "dataml-" + std::to_string(job.id) + "-" + RandomToken(kSubmissionSuffixBytes);
}

Result<std::string> RayBackend::Launch(const Job& job, const std::string& token) {
  if (!job.backend_ref) return Status::Internal("a Ray job is launched under its recorded submission id");
  RaySubmission submission;
  submission.submission_id = *job.backend_ref;
  submission.entrypoint = Entrypoint(job.id);
  // Only what the worker needs: Ray's API shows these to whoever can read it (README, Ray).
  submission.env_vars = {{"DATAML_JOB_TOKEN", token}, {"OMP_WAIT_POLICY", "PASSIVE"}};
  submission.entrypoint_num_cpus = options_.worker_cpus;
  submission.metadata = {{"dataml_job_id", std::to_string(job.id)}, {"dataml_kind", job.kind}};
  Status submitted = client_->Submit(submission);
  if (submitted.code() == StatusCode::kAlreadyExists) {
    spdlog::info("job {}: Ray already has submission {} (an earlier try got through)", job.id, submission.submission_id);
    submitted = Status::OK();
  }
  if (submitted.code() == StatusCode::kUnavailable || submitted.code() == StatusCode::kUnauthenticated) {
    backoff_seconds_ = std::min(kMaxBackoffSeconds, std::max<int64_t>(1, backoff_seconds_ * 2));
    backoff_until_ = Now() + backoff_seconds_;
    backoff_code_ = submitted.code();
    backoff_reason_ = submitted.message();
    return Status::Unavailable(submitted.message());
  }
  DATAML_RETURN_NOT_OK(submitted);
  backoff_seconds_ = 0;
  return submission.submission_id;
}

std::string RayBackend::ExitReason(const RunningJob& job, const RayJobInfo& info) {
  const std::string message = info.message.value_or("");
  if (info.status == ray_status::kSucceeded) return "worker ended without reporting its outcome (Ray: SUCCEEDED)";
  if (info.status == ray_status::kStopped) {
    return "worker stopped on the Ray cluster" + (message.empty() ? "" : ": " + QuotableTail(message, options_.message_tail_bytes));
  }
  std::string tail = message;
  if (tail.empty()) {
    auto logs = client_->Logs(job.backend_ref);
    if (logs.ok()) tail = *logs;
  }
  std::string reason = "worker failed on the Ray cluster";
  if (info.driver_exit_code) reason += " (exit code " + std::to_string(*info.driver_exit_code) + ")";
  return tail.empty() ? reason : reason + ": " + QuotableTail(tail, options_.message_tail_bytes);
}

ReapReport RayBackend::Reap(const std::vector<RunningJob>& running) {
  ReapReport report;
  std::vector<WorkerExit>& exits = report.exits;
  const int64_t now = Now();
  for (const RunningJob& job : running) {
    auto info = client_->Info(job.backend_ref);
    if (info.ok()) {
      unreachable_since_.erase(job.job_id);
      if (auto [last, first] = last_status_.try_emplace(job.job_id, info->status); first || last->second != info->status) {
        last->second = info->status;
        report.status_changes[job.job_id] = info->status;
      }
      if (IsTerminalRayStatus(info->status)) exits.push_back({job.job_id, ExitReason(job, *info)});
      continue;
    }
    if (info.status().code() == StatusCode::kNotFound) {
      unreachable_since_.erase(job.job_id);
      exits.push_back({job.job_id, "worker unknown to the Ray cluster (its head may have restarted): " +
                                       info.status().message()});
      continue;
    }
    // Unreachable, or refusing the token: the job may well run on; give Ray time to come back.
    auto [since, first] = unreachable_since_.emplace(job.job_id, now);
    if (first) spdlog::warn("job {}: cannot ask Ray about {}: {}", job.job_id, job.backend_ref, info.status().message());
    if (now - since->second >= options_.unreachable_grace.count()) {
      unreachable_since_.erase(since);
      exits.push_back({job.job_id, "the Ray cluster could not be asked about the worker for " +
                                       std::to_string(options_.unreachable_grace.count()) +
                                       " s: " + info.status().message()});
    }
  }
  // Jobs no longer running here (reaped, or adopted elsewhere) are forgotten.
  auto gone = [&](const auto& entry) {
    return std::none_of(running.begin(), running.end(), [&](const RunningJob& j) { return j.job_id == entry.first; });
  };
  std::erase_if(unreachable_since_, gone);
  std::erase_if(last_status_, gone);
  for (const WorkerExit& exit : exits) last_status_.erase(exit.job_id);
  return report;
}

void RayBackend::Terminate(const RunningJob& job) {
  auto stopped = client_->Stop(job.backend_ref);
  if (!stopped.ok()) spdlog::error("job {}: cannot stop Ray submission {}: {}", job.job_id, job.backend_ref,
                                   stopped.status().message());
}

}  // namespace dataml::jobs
