#include "jobs/dispatcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "app/app.h"
#include "test_support.h"

namespace dataml::jobs {
namespace {

using namespace std::chrono_literals;

// Records launches; the test decides when "workers" exit.
struct FakeWorkers {
  std::mutex mutex;
  std::condition_variable launched_cv;
  std::vector<std::pair<int64_t, std::string>> launched;  // job id, token
  std::vector<int64_t> live;
  std::vector<RunningJob> terminated;  // Terminate() calls
  std::vector<WorkerExit> exits;
  std::map<int64_t, std::string> status_changes;  // reported by the next Reap()
  std::vector<RunningJob> last_reaped;  // what the last Reap() was asked about
  bool fail_launch = false;
  bool outlive = false;  // a cluster's workers, which outlive their server
  Status ready;
  bool names_references = false;  // ReferenceFor names "pre-<id>" before the launch
  bool launch_unavailable = false;
  std::vector<std::optional<std::string>> launched_refs;  // the job's backend_ref at each launch

  void Exit(int64_t job_id, std::string reason) {
    std::lock_guard<std::mutex> lock(mutex);
    exits.push_back({job_id, std::move(reason)});
  }
  bool WaitForLaunches(size_t n) {
    std::unique_lock<std::mutex> lock(mutex);
    return launched_cv.wait_for(lock, 10s, [&] { return launched.size() >= n; });
  }
};

class FakeBackend : public Backend {
 public:
  explicit FakeBackend(std::shared_ptr<FakeWorkers> workers) : workers_(std::move(workers)) {}
  const char* name() const override { return "local"; }
  bool workers_outlive_server() const override { return workers_->outlive; }
  Status Ready() override {
    std::lock_guard<std::mutex> lock(workers_->mutex);
    return workers_->ready;
  }
  std::optional<std::string> ReferenceFor(const Job& job) override {
    std::lock_guard<std::mutex> lock(workers_->mutex);
    if (!workers_->names_references) return std::nullopt;
    return job.backend_ref ? job.backend_ref : "pre-" + std::to_string(job.id);
  }
  Result<std::string> Launch(const Job& job, const std::string& token) override {
    std::lock_guard<std::mutex> lock(workers_->mutex);
    workers_->launched_refs.push_back(job.backend_ref);
    if (workers_->launch_unavailable) return Status::Unavailable("the cluster cannot take it now");
    if (workers_->fail_launch)
      return Status::Internal("cannot start the worker: No such file or directory");
    workers_->launched.emplace_back(job.id, token);
    workers_->live.push_back(job.id);
    workers_->launched_cv.notify_all();
    return job.backend_ref ? *job.backend_ref : "fake-" + std::to_string(job.id);
  }
  ReapReport Reap(const std::vector<RunningJob>& running) override {
    std::lock_guard<std::mutex> lock(workers_->mutex);
    workers_->last_reaped = running;
    ReapReport out{std::exchange(workers_->exits, {}), std::exchange(workers_->status_changes, {})};
    for (const WorkerExit& e : out.exits) std::erase(workers_->live, e.job_id);
    return out;
  }
  void Terminate(const RunningJob& job) override {
    std::lock_guard<std::mutex> lock(workers_->mutex);
    workers_->terminated.push_back(job);
  }
  std::vector<int64_t> Shutdown() override {
    std::lock_guard<std::mutex> lock(workers_->mutex);
    if (workers_->outlive) return {};
    return std::exchange(workers_->live, {});
  }

 private:
  std::shared_ptr<FakeWorkers> workers_;
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.data_dir = temp_.dir().string();
    auto app = app::BuildServices(config_, std::string(48, 's'));
    ASSERT_TRUE(app.ok()) << app.status().message();
    app_ = std::move(app).ValueOrDie();
    auto tenant = app_->tenants->Create("acme");
    ASSERT_TRUE(tenant.ok()) << tenant.status().message();
    tenant_ = tenant->id;
  }

  std::unique_ptr<Dispatcher> MakeDispatcher(
      DispatcherOptions options = DispatcherOptions::Defaults()) {
    if (!options.clock) options.clock = [this] { return now_; };
    return std::make_unique<Dispatcher>(*app_->jobs, std::make_unique<FakeBackend>(workers_),
                                        options);
  }

  int64_t Submit(const std::string& kind = "statistics") {
    auto job = app_->jobs->Submit(tenant_, kind, "dataset:1", {{"n", 1}}, "alice");
    EXPECT_TRUE(job.ok()) << job.status().message();
    return job.ok() ? job->id : 0;
  }

  Job Get(int64_t id) {
    auto job = app_->jobs->Get(tenant_, id);
    EXPECT_TRUE(job.ok()) << job.status().message();
    return job.ok() ? *job : Job{};
  }

  int64_t LeaseExpiry(int64_t id) {
    long long expires = 0;
    long long key = id;
    EXPECT_TRUE(app_->db
                    ->Run([&](soci::session& sql) {
                      sql << "SELECT lease_expires_at FROM jobs WHERE id = :id", soci::use(key),
                          soci::into(expires);
                      return Status::OK();
                    })
                    .ok());
    return expires;
  }

  dataml::testing::TempDatabase temp_;
  ServerConfig config_;
  std::unique_ptr<app::App> app_;
  std::string tenant_;
  int64_t now_ = 1'000'000;
  std::shared_ptr<FakeWorkers> workers_ = std::make_shared<FakeWorkers>();
};

TEST_F(DispatcherTest, JobGoesFromQueuedToRunningToCompleted) {
  auto dispatcher = MakeDispatcher();
  int64_t id = Submit();
  Job queued = Get(id);
  EXPECT_EQ(queued.status, "queued");
  EXPECT_EQ(queued.backend, "local");
  EXPECT_EQ(queued.attempts, 0);
  EXPECT_TRUE(queued.active());

  dispatcher->RunOnce();
  ASSERT_EQ(workers_->launched.size(), 1u);
  EXPECT_EQ(workers_->launched[0].first, id);
  EXPECT_TRUE(app_->jobs->tokens().Verify(id, workers_->launched[0].second))
      << "the worker gets the job's token";
  Job running = Get(id);
  EXPECT_EQ(running.status, "running");
  EXPECT_EQ(running.attempts, 1);
  EXPECT_EQ(running.backend_ref, "fake-" + std::to_string(id));
  EXPECT_TRUE(running.started_at);

  ASSERT_TRUE(app_->jobs->Complete(id, {{"row_count", 3}}).ok());
  workers_->Exit(id, "worker exited with code 0");
  dispatcher->RunOnce();
  Job done = Get(id);
  EXPECT_EQ(done.status, "completed") << "a worker that reported is not failed by its exit";
  EXPECT_EQ(done.result, (nlohmann::json{{"row_count", 3}}));
  EXPECT_FALSE(done.error);
  EXPECT_TRUE(done.finished_at);
  EXPECT_FALSE(done.active());
  EXPECT_EQ(app_->jobs->Complete(id, {{"again", true}}).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(app_->jobs->Fail(id, "late").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ToJson(Get(id)).at("status"), "completed");
}

TEST_F(DispatcherTest, WorkerThatExitsWithoutReportingFailsItsJob) {
  auto dispatcher = MakeDispatcher();
  int64_t id = Submit();
  dispatcher->RunOnce();
  workers_->Exit(id, "worker was killed by signal 9 (Killed)");
  dispatcher->RunOnce();
  Job job = Get(id);
  EXPECT_EQ(job.status, "failed");
  EXPECT_EQ(job.error, "worker was killed by signal 9 (Killed)");
  EXPECT_FALSE(job.result);
}

TEST_F(DispatcherTest, RunsAtMostTheConfiguredNumberOldestFirst) {
  DispatcherOptions options;
  options.max_concurrent_jobs = 2;
  auto dispatcher = MakeDispatcher(options);
  int64_t a = Submit(), b = Submit(), c = Submit();
  dispatcher->RunOnce();
  ASSERT_EQ(workers_->launched.size(), 2u);
  EXPECT_EQ(workers_->launched[0].first, a);
  EXPECT_EQ(workers_->launched[1].first, b);
  EXPECT_EQ(Get(c).status, "queued");

  dispatcher->RunOnce();
  EXPECT_EQ(workers_->launched.size(), 2u) << "no free slot yet";
  ASSERT_TRUE(app_->jobs->Complete(a, nlohmann::json::object()).ok());
  workers_->Exit(a, "worker exited with code 0");
  dispatcher->RunOnce();
  ASSERT_EQ(workers_->launched.size(), 3u);
  EXPECT_EQ(workers_->launched[2].first, c);
  EXPECT_EQ(Get(c).status, "running");
}

TEST_F(DispatcherTest, AJobWhoseWorkerCannotStartFails) {
  auto dispatcher = MakeDispatcher();
  workers_->fail_launch = true;
  int64_t id = Submit();
  dispatcher->RunOnce();
  Job job = Get(id);
  EXPECT_EQ(job.status, "failed");
  EXPECT_EQ(job.error, "cannot start the worker: No such file or directory");
}

TEST_F(DispatcherTest, StopTerminatesWorkersAndFailsTheirJobs) {
  auto dispatcher = MakeDispatcher();
  int64_t running = Submit(), finished = Submit();
  dispatcher->RunOnce();
  ASSERT_TRUE(app_->jobs->Complete(finished, nlohmann::json::object()).ok());
  dispatcher->Stop();
  EXPECT_TRUE(workers_->live.empty());
  EXPECT_EQ(Get(running).status, "failed");
  EXPECT_EQ(Get(running).error, "server stopped");
  EXPECT_EQ(Get(finished).status, "completed");
  dispatcher->Stop();  // idempotent
}

TEST_F(DispatcherTest, SubmitWakesTheDispatcherThread) {
  DispatcherOptions options;
  options.poll_interval = std::chrono::hours(1);  // only the notification can start the job
  auto dispatcher = MakeDispatcher(options);
  ASSERT_TRUE(dispatcher->Start().ok());
  EXPECT_EQ(dispatcher->Start().code(), StatusCode::kFailedPrecondition);
  int64_t id = Submit();
  ASSERT_TRUE(workers_->WaitForLaunches(1));
  EXPECT_EQ(workers_->launched[0].first, id);
  dispatcher->Stop();
  EXPECT_EQ(Get(id).status, "failed");
}

TEST_F(DispatcherTest, StartFailsJobsLeftRunningByAGoneServerAndKeepsLiveOnes) {
  int64_t lost = Submit(), live = Submit();
  JobsRepository& repo = app_->jobs->repository();
  ASSERT_TRUE(*repo.Claim(lost, {"previous-process", now_ - 1}, "t"));
  ASSERT_TRUE(*repo.Claim(live, {"other-server", now_ + 30}, "t"));
  auto dispatcher = MakeDispatcher();
  ASSERT_TRUE(dispatcher->Start().ok());
  dispatcher->Stop();
  EXPECT_EQ(Get(lost).status, "failed");
  EXPECT_EQ(Get(lost).error, "worker lost (server restarted)");
  EXPECT_EQ(Get(live).status, "running");
}

TEST_F(DispatcherTest, LeasesAreRenewedWhileTheWorkerRunsAndSweptWhenTheServerIsGone) {
  DispatcherOptions options;
  options.lease_seconds = 60;
  options.lease_renew_seconds = 10;
  auto dispatcher = MakeDispatcher(options);
  int64_t id = Submit();
  dispatcher->RunOnce();
  EXPECT_EQ(LeaseExpiry(id), now_ + 60);
  now_ += 50;
  dispatcher->RunOnce();
  EXPECT_EQ(LeaseExpiry(id), now_ + 60);
  now_ += 50;  // past the first lease: still ours
  dispatcher->RunOnce();
  EXPECT_EQ(Get(id).status, "running");

  // This server dies without a word; another one notices once the lease has run out.
  now_ += 61;
  auto other = MakeDispatcher(options);
  now_ += 10;
  other->RunOnce();
  Job job = Get(id);
  EXPECT_EQ(job.status, "failed");
  EXPECT_EQ(job.error, "worker lost (its server stopped renewing the job's lease)");
}

TEST_F(DispatcherTest, OptionsAreValidated) {
  DispatcherOptions options;
  EXPECT_TRUE(options.Validate().ok());
  options.max_concurrent_jobs = 0;
  EXPECT_EQ(options.Validate().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeDispatcher(options)->Start().code(), StatusCode::kInvalidArgument);
  options = DispatcherOptions::Defaults();
  options.lease_seconds = options.lease_renew_seconds;
  EXPECT_EQ(options.Validate().code(), StatusCode::kInvalidArgument);
}

TEST_F(DispatcherTest, AnotherTenantsJobIsNotFound) {
  int64_t id = Submit();
  auto other = app_->tenants->Create("globex");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(app_->jobs->Get(other->id, id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(app_->jobs->Get(tenant_, id + 100).status().code(), StatusCode::kNotFound);
  auto active = app_->jobs->HasActive(tenant_, "dataset:1");
  ASSERT_TRUE(active.ok());
  EXPECT_TRUE(*active);
  EXPECT_FALSE(*app_->jobs->HasActive(other->id, "dataset:1"));
}


TEST_F(DispatcherTest, CancelledJobsHaveTheirWorkersStoppedAndStayCancelled) {
  auto dispatcher = MakeDispatcher();
  int64_t running = Submit();
  dispatcher->RunOnce();
  ASSERT_EQ(Get(running).status, "running");
  // A queued job is cancelled before it ever starts.
  int64_t queued = Submit();
  ASSERT_TRUE(app_->jobs->Cancel(tenant_, queued, "terminated").ok());
  EXPECT_EQ(Get(queued).status, "cancelled");

  ASSERT_TRUE(app_->jobs->Cancel(tenant_, running, "terminated by alice").ok());
  EXPECT_EQ(Get(running).status, "cancelled");
  EXPECT_EQ(Get(running).error, "terminated by alice");
  dispatcher->RunOnce();
  ASSERT_EQ(workers_->terminated.size(), 1u);  // addressed by its reference
  EXPECT_EQ(workers_->terminated[0].job_id, running);
  EXPECT_EQ(workers_->terminated[0].backend_ref, "fake-" + std::to_string(running));
  EXPECT_EQ(workers_->launched.size(), 1u) << "the cancelled queued job never starts";
  // The worker then exits; a silent exit must not turn "cancelled" into "failed".
  workers_->Exit(running, "worker was killed by signal 9");
  dispatcher->RunOnce();
  EXPECT_EQ(Get(running).status, "cancelled");

  EXPECT_EQ(app_->jobs->Cancel(tenant_, running, "again").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(app_->jobs->Cancel("another-tenant", running, "x").code(), StatusCode::kNotFound);
}

TEST_F(DispatcherTest, JobsGoToTheConfiguredBackendAndOnlyItsDispatchersClaimThem) {
  JobsService elsewhere(*app_->db, std::string(48, 's'), "elsewhere");
  auto theirs = elsewhere.Submit(tenant_, "statistics", "dataset:2", {{"n", 1}}, "alice");
  ASSERT_TRUE(theirs.ok()) << theirs.status().message();
  EXPECT_EQ(theirs->backend, "elsewhere");
  int64_t ours = Submit();
  EXPECT_EQ(Get(ours).backend, "local");

  auto dispatcher = MakeDispatcher();
  dispatcher->RunOnce();
  EXPECT_EQ(Get(ours).status, "running");
  EXPECT_EQ(Get(theirs->id).status, "queued") << "another backend's job is not claimed";
  ASSERT_EQ(workers_->launched.size(), 1u);

  // The worker is asked about by the reference its launch returned.
  dispatcher->RunOnce();
  ASSERT_EQ(workers_->last_reaped.size(), 1u);
  EXPECT_EQ(workers_->last_reaped[0].job_id, ours);
  EXPECT_EQ(workers_->last_reaped[0].backend_ref, "fake-" + std::to_string(ours));
  EXPECT_EQ(Get(ours).backend_ref, "fake-" + std::to_string(ours));

  // A dispatcher whose backend is not the one jobs are submitted to refuses to start.
  Dispatcher mismatched(elsewhere, std::make_unique<FakeBackend>(workers_), DispatcherOptions::Defaults());
  EXPECT_EQ(mismatched.Start().code(), StatusCode::kFailedPrecondition);
}

TEST_F(DispatcherTest, JobsWaitQueuedWhileTheBackendTakesNone) {
  workers_->ready = Status::Unavailable("cluster unreachable");
  auto dispatcher = MakeDispatcher();
  int64_t id = Submit();
  dispatcher->RunOnce();
  dispatcher->RunOnce();
  EXPECT_EQ(Get(id).status, "queued");
  EXPECT_TRUE(workers_->launched.empty());
  {
    std::lock_guard<std::mutex> lock(workers_->mutex);
    workers_->ready = Status::OK();
  }
  dispatcher->RunOnce();
  EXPECT_EQ(Get(id).status, "running");
  EXPECT_EQ(Get(id).attempts, 1);
}

TEST_F(DispatcherTest, TheHealthCheckSeesTheBackendAsLastProbedEvenWithNoJobs) {
  EXPECT_EQ(app_->jobs->backend_health().status, "unknown");
  auto dispatcher = MakeDispatcher();
  dispatcher->RunOnce();
  EXPECT_EQ(app_->jobs->backend_health().status, "ok");
  {
    std::lock_guard<std::mutex> lock(workers_->mutex);
    workers_->ready = Status::Unauthenticated("Forbidden: Invalid authentication token");
  }
  dispatcher->RunOnce();  // probed again only once the renewal interval has passed
  EXPECT_EQ(app_->jobs->backend_health().status, "ok");
  now_ += 10;
  dispatcher->RunOnce();
  BackendHealth health = app_->jobs->backend_health();
  EXPECT_EQ(health.name, "local");
  EXPECT_EQ(health.status, "unauthorized");
  EXPECT_EQ(health.detail, "Forbidden: Invalid authentication token");
  EXPECT_TRUE(health.degraded());
  {
    std::lock_guard<std::mutex> lock(workers_->mutex);
    workers_->ready = Status::Unavailable("cannot connect");
  }
  Submit();  // a queued job has the backend asked at once
  dispatcher->RunOnce();
  EXPECT_EQ(app_->jobs->backend_health().status, "unreachable");
}

TEST_F(DispatcherTest, TheBackendsWordForAWorkerIsRecordedOnItsJob) {
  auto dispatcher = MakeDispatcher();
  int64_t id = Submit();
  dispatcher->RunOnce();
  EXPECT_EQ(Get(id).backend_status, std::nullopt);
  {
    std::lock_guard<std::mutex> lock(workers_->mutex);
    workers_->status_changes[id] = "RUNNING";
  }
  dispatcher->RunOnce();
  EXPECT_EQ(Get(id).backend_status, "RUNNING");
  EXPECT_EQ(Get(id).status, "running");
  {
    std::lock_guard<std::mutex> lock(workers_->mutex);
    workers_->status_changes[id] = "FAILED";
    workers_->exits.push_back({id, "worker failed on the Ray cluster"});
  }
  dispatcher->RunOnce();
  Job job = Get(id);
  EXPECT_EQ(job.backend_status, "FAILED");
  EXPECT_EQ(job.status, "failed");
  EXPECT_EQ(job.error, "worker failed on the Ray cluster");
}

TEST_F(DispatcherTest, WorkersThatOutliveTheirServerAreAdoptedNotFailed) {
  workers_->outlive = true;
  int64_t orphan = Submit(), unrecorded = Submit(), live = Submit();
  JobsRepository& repo = app_->jobs->repository();
  // A server died: one worker it started is still out there; for another it died before
  // recording the launch; a third job belongs to a server that is alive.
  ASSERT_TRUE(*repo.Claim(orphan, {"gone-server", now_ - 1}, "t"));
  ASSERT_TRUE(repo.SetBackendRef(orphan, "submission-7").ok());
  ASSERT_TRUE(*repo.Claim(unrecorded, {"gone-server", now_ - 1}, "t"));
  ASSERT_TRUE(*repo.Claim(live, {"other-server", now_ + 30}, "t"));

  DispatcherOptions options;
  options.lease_seconds = 60;
  auto dispatcher = MakeDispatcher(options);
  ASSERT_TRUE(dispatcher->Start().ok());
  dispatcher->Stop();  // workers that outlive the server are left running
  EXPECT_EQ(Get(orphan).status, "running");
  EXPECT_EQ(LeaseExpiry(orphan), now_ + 60) << "this server holds its lease now";
  EXPECT_EQ(Get(unrecorded).status, "failed");
  EXPECT_EQ(Get(unrecorded).error, "worker lost (server restarted)");
  EXPECT_EQ(Get(live).status, "running");
  EXPECT_EQ(LeaseExpiry(live), now_ + 30);

  // Adopted jobs are reaped like launched ones: a silent end fails the job.
  now_ += 61;
  auto next = MakeDispatcher(options);
  next->RunOnce();  // the lease ran out again: adopted by this one
  next->RunOnce();
  ASSERT_EQ(workers_->last_reaped.size(), 1u);
  EXPECT_EQ(workers_->last_reaped[0].backend_ref, "submission-7");
  workers_->Exit(orphan, "the cluster says: FAILED");
  next->RunOnce();
  EXPECT_EQ(Get(orphan).status, "failed");
  EXPECT_EQ(Get(orphan).error, "the cluster says: FAILED");
  EXPECT_TRUE(workers_->launched.empty());
}

TEST_F(DispatcherTest, ALaunchTheBackendCannotTakeNowGoesBackToTheQueueUnderItsRecordedName) {
  workers_->names_references = true;
  workers_->launch_unavailable = true;
  auto dispatcher = MakeDispatcher();
  int64_t id = Submit();
  dispatcher->RunOnce();
  Job requeued = Get(id);
  EXPECT_EQ(requeued.status, "queued") << "not failed";
  EXPECT_EQ(requeued.backend_ref, "pre-" + std::to_string(id)) << "recorded before the launch";
  EXPECT_FALSE(requeued.started_at);
  {
    std::lock_guard<std::mutex> lock(workers_->mutex);
    workers_->launch_unavailable = false;
  }
  dispatcher->RunOnce();
  Job running = Get(id);
  EXPECT_EQ(running.status, "running");
  EXPECT_EQ(running.backend_ref, "pre-" + std::to_string(id));
  EXPECT_EQ(running.attempts, 2);
  ASSERT_EQ(workers_->launched_refs.size(), 2u);
  EXPECT_EQ(workers_->launched_refs[1], "pre-" + std::to_string(id)) << "the retry reuses the name";
}

}  // namespace
}  // namespace dataml::jobs
