#include "jobs/ray_backend.h"

#include <gtest/gtest.h>

#include <mutex>

#include "http/scripted_server_for_tests.h"

namespace dataml::jobs {
namespace {

using http::testing_support::ScriptedServer;
using Answer = ScriptedServer::Answer;
using Request = ScriptedServer::Request;
using namespace std::chrono_literals;

// A Ray head as far as the backend can tell: submissions by id, each in a state the test sets.
// Answers as Ray 2.60.0 gave them (ray_jobs_client_test.cc).
class FakeRay {
 public:
  FakeRay()
      : server_([this](const Request& r) { return Respond(r); }) {}

  std::string url() const { return server_.url(); }
  void Set(const std::string& id, std::string status, std::string message = "") {
    std::lock_guard lock(mutex_);
    jobs_[id] = {std::move(status), std::move(message)};
  }
  void Forget(const std::string& id) {
    std::lock_guard lock(mutex_);
    jobs_.erase(id);
  }
  void SetDown(bool down) {
    std::lock_guard lock(mutex_);
    down_ = down;
  }
  void SetAgentMissing(bool missing) {
    std::lock_guard lock(mutex_);
    agent_missing_ = missing;
  }
  std::vector<Request> requests() const { return server_.requests(); }
  std::vector<std::string> stopped() {
    std::lock_guard lock(mutex_);
    return stopped_;
  }

 private:
  Answer Respond(const Request& r) {
    std::lock_guard lock(mutex_);
    const std::string target(r.target());
    if (down_) return {503, "Service Unavailable", {}};
    if (target == "/api/version") return {200, R"({"version": "4", "ray_version": "2.60.0"})", {}};
    if (target == "/api/jobs/" && r.method() == boost::beast::http::verb::post) {
      if (agent_missing_) return {500, "No available agent to submit job, please try again later.", {}};
      auto body = nlohmann::json::parse(r.body());
      const std::string id = body["submission_id"];
      if (jobs_.contains(id)) return {500, "ValueError: Job with submission_id " + id + " already exists.", {}};
      jobs_[id] = {"PENDING", "Job has not started yet."};
      return {200, nlohmann::json{{"job_id", id}, {"submission_id", id}}.dump(), {}};
    }
    const std::string prefix = "/api/jobs/";
    std::string id = target.substr(prefix.size());
    const bool stop = id.ends_with("/stop");
    if (stop) id.resize(id.size() - 5);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return {404, "Job " + id + " does not exist", {}};
    if (stop) {
      stopped_.push_back(id);
      it->second = {"STOPPED", "Job was intentionally stopped."};
      return {200, R"({"stopped": true})", {}};
    }
    nlohmann::json info = {{"type", "SUBMISSION"}, {"submission_id", id}, {"status", it->second.first},
                           {"message", it->second.second}};
    if (it->second.first == "FAILED") info["driver_exit_code"] = 1;
    return {200, info.dump(), {}};
  }

  std::mutex mutex_;
  std::map<std::string, std::pair<std::string, std::string>> jobs_;
  std::vector<std::string> stopped_;
  bool down_ = false;
  bool agent_missing_ = false;
  ScriptedServer server_;  // last: it calls into the members above
};

class RayBackendTest : public ::testing::Test {
 protected:
  std::unique_ptr<RayBackend> Make() {
    RayBackendOptions options;
    options.address = ray_.url();
    options.token = "ray-token";
    options.worker_binary = "/opt/data ml/dataml";
    options.worker_data_dir = "/srv/it's data";
    options.callback_url = "http://10.0.0.5:8000";
    options.worker_cpus = 2;
    options.unreachable_grace = 300s;
    options.clock = [this] { return now_; };
    options.http.connect_timeout = 5s;
    options.http.request_timeout = 5s;
    auto backend = RayBackend::Make(options);
    EXPECT_TRUE(backend.ok()) << backend.status().message();
    return backend.ok() ? std::move(backend).ValueOrDie() : nullptr;
  }

  Job AJob(int64_t id) {
    Job job;
    job.id = id;
    job.kind = "train";
    job.backend = "ray";
    return job;
  }

  FakeRay ray_;
  int64_t now_ = 1'000'000;
};

TEST_F(RayBackendTest, SubmitsTheWorkerUnderTheRecordedIdWithOnlyItsTokenInTheEnvironment) {
  auto backend = Make();
  ASSERT_TRUE(backend->Ready().ok());
  Job job = AJob(7);
  job.backend_ref = backend->ReferenceFor(job);
  ASSERT_TRUE(job.backend_ref);
  EXPECT_EQ(job.backend_ref->rfind("dataml-7-", 0), 0u) << *job.backend_ref;
  auto ref = backend->Launch(job, "job-token");
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  EXPECT_EQ(*ref, *job.backend_ref);

  std::vector<Request> requests = ray_.requests();
  const Request& submit = requests.back();
  EXPECT_EQ(submit[boost::beast::http::field::authorization], "Bearer ray-token");
  nlohmann::json body = nlohmann::json::parse(submit.body());
  EXPECT_EQ(body["entrypoint"],
            "'/opt/data ml/dataml' worker --job 7 --server 'http://10.0.0.5:8000' --data-dir '/srv/it'\\''s data'");
  EXPECT_EQ(body["runtime_env"], (nlohmann::json{{"env_vars", {{"DATAML_JOB_TOKEN", "job-token"}, {"OMP_WAIT_POLICY", "PASSIVE"}}}}));
  EXPECT_EQ(body["entrypoint_num_cpus"], 2.0);
  EXPECT_EQ(body["metadata"]["dataml_job_id"], "7");

  // A retry (its first answer was lost) reuses the id; Ray's "already exists" means it got through.
  EXPECT_EQ(backend->ReferenceFor(job), job.backend_ref);
  auto again = backend->Launch(job, "job-token");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(*again, *job.backend_ref);
}

TEST_F(RayBackendTest, ReapsEndedJobsWithRaysWordAndLeavesRunningOnes) {
  auto backend = Make();
  ray_.Set("dataml-1-a", "RUNNING", "Job is currently running.");
  ray_.Set("dataml-2-b", "FAILED", "Job entrypoint command failed with exit code 1, last available logs: boom");
  ray_.Set("dataml-3-c", "STOPPED", "Job was intentionally stopped.");
  ray_.Set("dataml-4-d", "SUCCEEDED", "Job finished successfully.");
  auto report = backend->Reap({{1, "dataml-1-a"}, {2, "dataml-2-b"}, {3, "dataml-3-c"}, {4, "dataml-4-d"}, {5, "dataml-5-e"}});
  const std::vector<WorkerExit>& exits = report.exits;
  EXPECT_EQ(report.status_changes, (std::map<int64_t, std::string>{
                                       {1, "RUNNING"}, {2, "FAILED"}, {3, "STOPPED"}, {4, "SUCCEEDED"}}));
  std::map<int64_t, std::string> by_job;
  for (const WorkerExit& e : exits) by_job[e.job_id] = e.reason;
  EXPECT_FALSE(by_job.contains(1));
  EXPECT_EQ(by_job[2],
            "worker failed on the Ray cluster (exit code 1): Job entrypoint command failed with exit code 1, last "
            "available logs: boom");
  EXPECT_EQ(by_job[3], "worker stopped on the Ray cluster: Job was intentionally stopped.");
  EXPECT_EQ(by_job[4], "worker ended without reporting its outcome (Ray: SUCCEEDED)");
  EXPECT_EQ(by_job[5].rfind("worker unknown to the Ray cluster (its head may have restarted)", 0), 0u) << by_job[5];
}

TEST_F(RayBackendTest, AnUnreachableClusterFailsItsJobsOnlyAfterTheGrace) {
  auto backend = Make();
  ray_.Set("dataml-1-a", "RUNNING");
  ray_.SetDown(true);
  EXPECT_EQ(backend->Ready().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(backend->Reap({{1, "dataml-1-a"}}).exits.empty());
  now_ += 299;
  EXPECT_TRUE(backend->Reap({{1, "dataml-1-a"}}).exits.empty());
  // Back in time: the clock restarts.
  ray_.SetDown(false);
  EXPECT_TRUE(backend->Reap({{1, "dataml-1-a"}}).exits.empty());
  ray_.SetDown(true);
  now_ += 299;
  EXPECT_TRUE(backend->Reap({{1, "dataml-1-a"}}).exits.empty());
  now_ += 300;
  auto exits = backend->Reap({{1, "dataml-1-a"}}).exits;
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0].reason.rfind("the Ray cluster could not be asked about the worker for 300 s", 0), 0u);
}

TEST_F(RayBackendTest, ASubmissionRayCannotTakeIsRetriedAfterABackOff) {
  auto backend = Make();
  ray_.SetAgentMissing(true);
  Job job = AJob(9);
  job.backend_ref = backend->ReferenceFor(job);
  auto refused = backend->Launch(job, "t");
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(backend->Ready().code(), StatusCode::kUnavailable) << "backing off";
  ray_.SetAgentMissing(false);
  now_ += 1;
  ASSERT_TRUE(backend->Ready().ok());
  EXPECT_TRUE(backend->Launch(job, "t").ok());
}

TEST_F(RayBackendTest, TerminateStopsTheSubmissionAndShutdownLeavesJobsRunning) {
  auto backend = Make();
  ray_.Set("dataml-1-a", "RUNNING");
  backend->Terminate({1, "dataml-1-a"});
  EXPECT_EQ(ray_.stopped(), std::vector<std::string>{"dataml-1-a"});
  EXPECT_TRUE(backend->Shutdown().empty());
  EXPECT_TRUE(backend->workers_outlive_server());
}

TEST_F(RayBackendTest, RefusesRelativeWorkerPaths) {
  RayBackendOptions options;
  options.address = ray_.url();
  options.worker_binary = "build/dataml";
  options.worker_data_dir = "/srv/data";
  options.callback_url = "http://10.0.0.5:8000";
  EXPECT_EQ(RayBackend::Make(options).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ShellQuote("a'b c"), "'a'\\''b c'");
}

TEST_F(RayBackendTest, ATrainingOnSeveralWorkersIsOneRayJobPerRank) {
  auto backend = Make();
  Job job = AJob(8);
  job.payload = {{"num_workers", 3}};
  job.backend_ref = backend->ReferenceFor(job);
  ASSERT_TRUE(job.backend_ref);
  EXPECT_TRUE(job.backend_ref->ends_with("-w3")) << *job.backend_ref;
  EXPECT_EQ(RanksOf(*job.backend_ref), 3);
  ASSERT_TRUE(backend->Launch(job, "job-token").ok());
  const std::string ref = *job.backend_ref;
  std::vector<std::string> submitted;
  for (const Request& r : ray_.requests()) {
    if (r.method() != boost::beast::http::verb::post) continue;
    auto body = nlohmann::json::parse(r.body());
    submitted.push_back(body["submission_id"]);
    const std::string rank = body["metadata"]["dataml_rank"];
    EXPECT_TRUE(body["entrypoint"].get<std::string>().ends_with(" --rank " + rank)) << body["entrypoint"];
  }
  EXPECT_EQ(submitted, (std::vector<std::string>{ref, ref + "-r1", ref + "-r2"}));

  // Ranks that ended wait for the others; one word for them all.
  ray_.Set(ref, "RUNNING");
  ray_.Set(ref + "-r1", "SUCCEEDED");
  ray_.Set(ref + "-r2", "PENDING");
  ReapReport report = backend->Reap({{8, ref}});
  EXPECT_TRUE(report.exits.empty());
  EXPECT_EQ(report.status_changes.at(8), "RUNNING");
  EXPECT_TRUE(ray_.stopped().empty());

  // A failed rank stops the others, and the job ends with its reason once Ray has stopped them.
  ray_.Set(ref + "-r2", "FAILED", "Job entrypoint command failed with exit code 1, last available logs: rank 2: boom");
  report = backend->Reap({{8, ref}});
  EXPECT_TRUE(report.exits.empty()) << "rank 0 still runs";
  EXPECT_EQ(report.status_changes.at(8), "FAILED");
  EXPECT_EQ(ray_.stopped(), (std::vector<std::string>{ref}));
  report = backend->Reap({{8, ref}});
  ASSERT_EQ(report.exits.size(), 1u);
  EXPECT_EQ(report.exits[0].reason,
            "rank 2: worker failed on the Ray cluster (exit code 1): Job entrypoint command failed with exit code 1, last "
            "available logs: rank 2: boom");
  EXPECT_EQ(ray_.stopped().size(), 1u) << "stopped once";
}

TEST_F(RayBackendTest, RanksLeftRunningLongAfterRank0AreStopped) {
  auto backend = Make();
  Job job = AJob(11);
  job.payload = {{"num_workers", 2}};
  job.backend_ref = backend->ReferenceFor(job);
  ASSERT_TRUE(backend->Launch(job, "t").ok());
  const std::string ref = *job.backend_ref;
  ray_.Set(ref, "SUCCEEDED", "Job finished successfully.");
  ray_.Set(ref + "-r1", "RUNNING");
  EXPECT_TRUE(backend->Reap({{11, ref}}).exits.empty());
  now_ += 29;
  EXPECT_TRUE(backend->Reap({{11, ref}}).exits.empty());
  EXPECT_TRUE(ray_.stopped().empty()) << "Ray may just be late to see rank 1 exit";
  now_ += 1;
  EXPECT_TRUE(backend->Reap({{11, ref}}).exits.empty());
  EXPECT_EQ(ray_.stopped(), (std::vector<std::string>{ref + "-r1"}));
  auto exits = backend->Reap({{11, ref}}).exits;
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0].reason, "rank 1: worker stopped on the Ray cluster: Job was intentionally stopped.");
}

TEST_F(RayBackendTest, TerminateStopsEveryRankAndAnUnknownRankEndsTheJob) {
  auto backend = Make();
  Job job = AJob(9);
  job.payload = {{"num_workers", 2}};
  job.backend_ref = backend->ReferenceFor(job);
  ASSERT_TRUE(backend->Launch(job, "t").ok());
  const std::string ref = *job.backend_ref;
  backend->Terminate({9, ref});
  EXPECT_EQ(ray_.stopped(), (std::vector<std::string>{ref, ref + "-r1"}));

  Job other = AJob(10);
  other.payload = {{"num_workers", 2}};
  other.backend_ref = backend->ReferenceFor(other);
  ASSERT_TRUE(backend->Launch(other, "t").ok());
  ray_.Forget(*other.backend_ref + "-r1");
  ReapReport report = backend->Reap({{10, *other.backend_ref}});
  ASSERT_EQ(report.exits.size(), 1u);
  EXPECT_NE(report.exits[0].reason.find("unknown to the Ray cluster"), std::string::npos) << report.exits[0].reason;
  EXPECT_NE(report.exits[0].reason.find("rank 1"), std::string::npos) << report.exits[0].reason;
}

}  // namespace
}  // namespace dataml::jobs
