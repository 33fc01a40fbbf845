#include "jobs/ray_backend.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/text.h"
#include "job_specs/job_specs.h"

namespace dataml::jobs {
namespace {

constexpr size_t kSubmissionSuffixBytes = 6;
constexpr int64_t kMaxBackoffSeconds = 30;
constexpr int64_t kRanksOutliveRank0Seconds = 30;

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

int RanksOf(const std::string& backend_ref) {
  const size_t at = backend_ref.rfind("-w");
  if (at == std::string::npos) return 1;
  int ranks = 0;
  auto [end, error] = std::from_chars(backend_ref.data() + at + 2, backend_ref.data() + backend_ref.size(), ranks);
  return error == std::errc() && end == backend_ref.data() + backend_ref.size() && ranks > 1 ? ranks : 1;
}

std::string RankSubmissionId(const std::string& backend_ref, int rank) {
  return rank == 0 ? backend_ref : backend_ref + "-r" + std::to_string(rank);
}

std::string RayBackend::Entrypoint(int64_t job_id, int rank, int ranks) const {
  std::string out = ShellQuote(options_.worker_binary) + " worker --job " + std::to_string(job_id) + " --server " +
                    ShellQuote(options_.callback_url) + " --data-dir " + ShellQuote(options_.worker_data_dir);
  if (ranks > 1) out += " --rank " + std::to_string(rank);
  return out;
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
  std::string ref = "dataml-" + std::to_string(job.id) + "-" + RandomToken(kSubmissionSuffixBytes);
  // How many ranks is part of the name, so that a server adopting the job knows them all.
  const int ranks = job_specs::WorkersOf(job.kind, job.payload);
  return ranks > 1 ? ref + "-w" + std::to_string(ranks) : ref;
}

Result<std::string> RayBackend::Launch(const Job& job, const std::string& token) {
  if (!job.backend_ref) return Status::Internal("a Ray job is launched under its recorded submission id");
  const int ranks = RanksOf(*job.backend_ref);
  // Every rank is a Ray job of its own (Ray places each where it has the CPUs); each retry
  // resubmits them all under the same ids, and those that got through answer "already exists".
  for (int rank = 0; rank < ranks; ++rank) {
    RaySubmission submission;
    submission.submission_id = RankSubmissionId(*job.backend_ref, rank);
    submission.entrypoint = Entrypoint(job.id, rank, ranks);
    // Only what the worker needs: Ray's API shows these to whoever can read it (README, Ray).
    submission.env_vars = {{"DATAML_JOB_TOKEN", token}, {"OMP_WAIT_POLICY", "PASSIVE"}};
    submission.entrypoint_num_cpus = options_.worker_cpus;
    submission.metadata = {{"dataml_job_id", std::to_string(job.id)}, {"dataml_kind", job.kind}};
    if (ranks > 1) submission.metadata["dataml_rank"] = std::to_string(rank);
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
    if (!submitted.ok()) {
      // The job fails: the ranks already submitted would wait for this one until they time out.
      for (int earlier = 0; earlier < rank; ++earlier) (void)client_->Stop(RankSubmissionId(*job.backend_ref, earlier));
      return submitted;
    }
  }
  backoff_seconds_ = 0;
  return *job.backend_ref;
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

namespace {

// One word for a job's ranks, as Ray would say it of one job: the worst of them.
std::string CombinedStatus(const std::vector<RayJobInfo>& ranks) {
  auto any = [&](const char* status) {
    return std::any_of(ranks.begin(), ranks.end(), [&](const RayJobInfo& r) { return r.status == status; });
  };
  if (any(ray_status::kFailed)) return ray_status::kFailed;
  if (any(ray_status::kStopped)) return ray_status::kStopped;
  if (std::all_of(ranks.begin(), ranks.end(), [](const RayJobInfo& r) { return r.status == ray_status::kSucceeded; }))
    return ray_status::kSucceeded;
  if (any(ray_status::kRunning) || any(ray_status::kSucceeded)) return ray_status::kRunning;
  return ray_status::kPending;
}

}  // namespace

void RayBackend::StopRanks(const RunningJob& job, const std::vector<RayJobInfo>& ranks) {
  for (size_t rank = 0; rank < ranks.size(); ++rank) {
    if (IsTerminalRayStatus(ranks[rank].status)) continue;
    const std::string id = RankSubmissionId(job.backend_ref, static_cast<int>(rank));
    auto stopped = client_->Stop(id);
    if (!stopped.ok()) spdlog::error("job {}: cannot stop Ray submission {}: {}", job.job_id, id, stopped.status().message());
  }
}

ReapReport RayBackend::Reap(const std::vector<RunningJob>& running) {
  ReapReport report;
  const int64_t now = Now();
  for (const RunningJob& job : running) {
    const int ranks = RanksOf(job.backend_ref);
    std::vector<RayJobInfo> infos;
    Status asked;
    for (int rank = 0; rank < ranks && asked.ok(); ++rank) {
      auto info = client_->Info(RankSubmissionId(job.backend_ref, rank));
      if (info.ok()) infos.push_back(std::move(*info));
      else asked = Status(info.status().code(), (ranks > 1 ? "rank " + std::to_string(rank) + ": " : "") + info.status().message());
    }
    if (asked.code() == StatusCode::kNotFound) {
      unreachable_since_.erase(job.job_id);
      if (ranks > 1) Terminate(job);
      report.exits.push_back({job.job_id, "worker unknown to the Ray cluster (its head may have restarted): " + asked.message()});
      continue;
    }
    if (!asked.ok()) {
      // Unreachable, or refusing the token: the job may well run on; give Ray time to come back.
      auto [since, first] = unreachable_since_.emplace(job.job_id, now);
      if (first) spdlog::warn("job {}: cannot ask Ray about {}: {}", job.job_id, job.backend_ref, asked.message());
      if (now - since->second >= options_.unreachable_grace.count()) {
        unreachable_since_.erase(since);
        report.exits.push_back({job.job_id, "the Ray cluster could not be asked about the worker for " +
                                                std::to_string(options_.unreachable_grace.count()) + " s: " + asked.message()});
      }
      continue;
    }
    unreachable_since_.erase(job.job_id);
    const std::string word = CombinedStatus(infos);
    if (auto [last, first] = last_status_.try_emplace(job.job_id, word); first || last->second != word) {
      last->second = word;
      report.status_changes[job.job_id] = word;
    }
    const bool all_ended = std::all_of(infos.begin(), infos.end(), [](const RayJobInfo& r) { return IsTerminalRayStatus(r.status); });
    if (!all_ended) {
      // Ranks wait for each other: once one failed or was stopped, the others never finish. Rank
      // 0 ends last when all goes well (it waits for every rank to leave), so the others left
      // running after it are stuck unless Ray is merely late to see them exit: given a while.
      bool rank0_long_gone = false;
      if (IsTerminalRayStatus(infos[0].status)) {
        auto [since, first] = rank0_ended_.emplace(job.job_id, now);
        rank0_long_gone = now - since->second >= kRanksOutliveRank0Seconds;
      }
      const bool hopeless = rank0_long_gone || word == ray_status::kFailed || word == ray_status::kStopped;
      if (hopeless && stopping_.insert(job.job_id).second) {
        spdlog::warn("job {}: stopping the ranks still running ({})", job.job_id,
                     rank0_long_gone ? "rank 0 ended " + std::to_string(kRanksOutliveRank0Seconds) + " s ago"
                                     : "a rank is " + word);
        StopRanks(job, infos);
      }
      continue;
    }
    stopping_.erase(job.job_id);
    // Why it ended: the first rank that failed, else the first stopped, else rank 0.
    size_t culprit = 0;
    for (const char* status : {ray_status::kFailed, ray_status::kStopped}) {
      auto it = std::find_if(infos.begin(), infos.end(), [&](const RayJobInfo& r) { return r.status == status; });
      if (it != infos.end()) {
        culprit = static_cast<size_t>(it - infos.begin());
        break;
      }
    }
    const RunningJob rank_job{job.job_id, RankSubmissionId(job.backend_ref, static_cast<int>(culprit))};
    std::string reason = ExitReason(rank_job, infos[culprit]);
    if (ranks > 1) reason = "rank " + std::to_string(culprit) + ": " + reason;
    report.exits.push_back({job.job_id, std::move(reason)});
  }
  // Jobs no longer running here (reaped, or adopted elsewhere) are forgotten.
  auto gone = [&](int64_t id) {
    return std::none_of(running.begin(), running.end(), [&](const RunningJob& j) { return j.job_id == id; });
  };
  std::erase_if(unreachable_since_, [&](const auto& entry) { return gone(entry.first); });
  std::erase_if(last_status_, [&](const auto& entry) { return gone(entry.first); });
  std::erase_if(rank0_ended_, [&](const auto& entry) { return gone(entry.first); });
  std::erase_if(stopping_, gone);
  for (const WorkerExit& exit : report.exits) {
    last_status_.erase(exit.job_id);
    rank0_ended_.erase(exit.job_id);
    stopping_.erase(exit.job_id);
  }
  return report;
}

void RayBackend::Terminate(const RunningJob& job) {
  for (int rank = 0; rank < RanksOf(job.backend_ref); ++rank) {
    const std::string id = RankSubmissionId(job.backend_ref, rank);
    auto stopped = client_->Stop(id);
    if (!stopped.ok()) spdlog::error("job {}: cannot stop Ray submission {}: {}", job.job_id, id, stopped.status().message());
  }
}

}  // namespace dataml::jobs
