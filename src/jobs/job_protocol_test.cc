// The job protocol end to end in one process: the real routes on a real HTTP server, the real
// dispatcher and worker code, with workers run on threads instead of child processes.
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <stdexcept>
#include <thread>

#include "app/app.h"
#include "core/clock.h"
#include "http/client.h"
#include "http/server.h"
#include "jobs/dispatcher.h"
#include "worker/job_client.h"
#include "worker/worker.h"
#include "test_support.h"

namespace dataml::jobs {
namespace {

using namespace std::chrono_literals;
using worker::DefaultJobKinds;
using worker::JobClient;
using worker::JobKinds;
using worker::RunWorker;
using worker::WorkerContext;
using worker::WorkerOptions;

class ThreadBackend : public Backend {
 public:
  ThreadBackend(std::string server_url, std::string data_dir, JobKinds kinds)
      : server_url_(std::move(server_url)),
        data_dir_(std::move(data_dir)),
        kinds_(std::move(kinds)) {}
  ~ThreadBackend() override { Shutdown(); }

  const char* name() const override { return "local"; }
  bool workers_outlive_server() const override { return false; }
  Result<std::string> Launch(const Job& job, const std::string& token) override {
    WorkerOptions options{job.id, server_url_, data_dir_, token};
    workers_[job.id] =
        std::async(std::launch::async, [this, options] { return RunWorker(options, kinds_); });
    return std::string("thread");
  }
  ReapReport Reap(const std::vector<RunningJob>&) override {
    ReapReport report;
    std::vector<WorkerExit>& exits = report.exits;
    for (auto it = workers_.begin(); it != workers_.end();) {
      if (it->second.wait_for(0s) != std::future_status::ready) {
        ++it;
        continue;
      }
      exits.push_back({it->first, "worker exited with code " + std::to_string(it->second.get())});
      it = workers_.erase(it);
    }
    return report;
  }
  void Terminate(const RunningJob&) override {}  // threads cannot be killed; the tests do not cancel
  std::vector<int64_t> Shutdown() override {
    std::vector<int64_t> ids;
    for (auto& [id, worker] : workers_) {
      worker.wait();
      ids.push_back(id);
    }
    workers_.clear();
    return ids;
  }

 private:
  std::string server_url_, data_dir_;
  JobKinds kinds_;
  std::map<int64_t, std::future<int>> workers_;
};

JobKinds TestKinds() {
  JobKinds kinds = DefaultJobKinds();
  kinds.Register("echo",
                 [](const nlohmann::json& payload, const WorkerContext&) -> Result<nlohmann::json> {
                   return nlohmann::json{{"echo", payload}};
                 });
  kinds.Register("reject",
                 [](const nlohmann::json&, const WorkerContext&) -> Result<nlohmann::json> {
                   return Status::InvalidArgument("the payload is not acceptable");
                 });
  kinds.Register("throw",
                 [](const nlohmann::json&, const WorkerContext&) -> Result<nlohmann::json> {
                   throw std::runtime_error("kaboom");
                 });
  kinds.Register("huge", [](const nlohmann::json&, const WorkerContext&) -> Result<nlohmann::json> {
    return nlohmann::json{{"blob", std::string(20000, 'x')}};
  });
  return kinds;
}

class JobProtocolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.data_dir = temp_.dir().string();
    auto app = app::BuildServices(config_, std::string(48, 's'));
    ASSERT_TRUE(app.ok()) << app.status().message();
    app_ = std::move(app).ValueOrDie();
    app::RegisterRoutes(*app_, config_);
    auto tenant = app_->tenants->Create("acme");
    ASSERT_TRUE(tenant.ok()) << tenant.status().message();
    tenant_ = tenant->id;

    http::ServerOptions options;
    options.port = 0;
    options.threads = 4;
    options.max_body_bytes = 8192;
    auto server = http::Server::Make(options, app_->router, *app_->auth);
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(server).ValueOrDie();
    auto port = server_->Bind();
    ASSERT_TRUE(port.ok());
    port_ = *port;
    url_ = "http://127.0.0.1:" + std::to_string(port_);
    listener_ = std::thread([this] { (void)server_->Listen(); });
  }
  void TearDown() override {
    if (dispatcher_) dispatcher_->Stop();
    server_->Stop();
    listener_.join();
  }

  void StartDispatcher() {
    DispatcherOptions options;
    options.max_concurrent_jobs = 4;
    options.poll_interval = 20ms;
    dispatcher_ = std::make_unique<Dispatcher>(
        *app_->jobs, std::make_unique<ThreadBackend>(url_, config_.data_dir, TestKinds()), options);
    ASSERT_TRUE(dispatcher_->Start().ok());
  }

  int64_t Submit(const std::string& kind,
                 const nlohmann::json& payload = nlohmann::json::object()) {
    auto job = app_->jobs->Submit(tenant_, kind, "dataset:1", payload, "alice");
    EXPECT_TRUE(job.ok()) << job.status().message();
    return job.ok() ? job->id : 0;
  }

  Job WaitUntilFinished(int64_t id) {
    for (int i = 0; i < 1000; ++i) {
      auto job = app_->jobs->Get(tenant_, id);
      if (job.ok() && !job->active()) return *job;
      std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "job " << id << " did not finish";
    return {};
  }

  // A job in state running with no worker: the test plays the worker.
  int64_t RunningJob(const nlohmann::json& payload) {
    int64_t id = Submit("echo", payload);
    auto claimed = app_->jobs->repository().Claim(id, {"test", NowUnixSeconds() + 60}, "t");
    EXPECT_TRUE(claimed.ok() && *claimed);
    return id;
  }

  // A plain HTTP client on the server, for what a worker or a user sends by hand.
  std::unique_ptr<http::HttpClient> Client() {
    auto client = http::HttpClient::Make(url_);
    EXPECT_TRUE(client.ok()) << client.status().message();
    return client.ok() ? std::move(client).ValueOrDie() : nullptr;
  }

  dataml::testing::TempDatabase temp_;
  ServerConfig config_;
  std::unique_ptr<app::App> app_;
  std::string tenant_;
  std::unique_ptr<http::Server> server_;
  int port_ = 0;
  std::string url_;
  std::thread listener_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(JobProtocolTest, WorkersReportResultsAndErrorsOverHttp) {
  StartDispatcher();
  int64_t echo = Submit("echo", {{"n", 42}});
  int64_t reject = Submit("reject");
  int64_t thrower = Submit("throw");
  int64_t unknown = Submit("no-such-kind");
  int64_t huge = Submit("huge");
  int64_t stats =
      Submit(job_specs::StatisticsSpec::kKind,
             job_specs::Encode(job_specs::StatisticsSpec{1, {"tenants/x/datasets/1/missing.parquet"}, {{"a", "Integer", std::nullopt}}}));
  // A typed kind whose payload is not its spec fails with the codec's word, never crashes.
  int64_t malformed = Submit(job_specs::TrainSpec::kKind, {{"model_key", 7}});

  Job done = WaitUntilFinished(echo);
  EXPECT_EQ(done.status, "completed");
  EXPECT_EQ(done.result, (nlohmann::json{{"echo", {{"n", 42}}}}));
  EXPECT_EQ(done.attempts, 1);

  EXPECT_EQ(WaitUntilFinished(reject).error, "the payload is not acceptable");
  EXPECT_EQ(WaitUntilFinished(thrower).error, "job failed: kaboom");
  EXPECT_EQ(WaitUntilFinished(unknown).error, "unknown job kind 'no-such-kind'");
  EXPECT_EQ(WaitUntilFinished(huge).error, "the job's result is larger than the server accepts");
  Job bad_spec = WaitUntilFinished(malformed);
  EXPECT_EQ(bad_spec.status, "failed");
  ASSERT_TRUE(bad_spec.error);
  EXPECT_EQ(bad_spec.error->rfind("malformed train job spec: ", 0), 0u) << *bad_spec.error;

  Job failed = WaitUntilFinished(stats);
  EXPECT_EQ(failed.status, "failed");
  ASSERT_TRUE(failed.error);
  EXPECT_NE(failed.error->find("tenants/x/datasets/1/missing.parquet"), std::string::npos)
      << *failed.error;
  EXPECT_EQ(failed.error->find(temp_.dir().string()), std::string::npos)
      << "errors name storage keys, not server paths: " << *failed.error;
}

TEST_F(JobProtocolTest, AWorkerWhoseJobIsBackInTheQueueWaitsForItToRunAgain) {
  // Its backend started this worker, then could not take the job's other workers: requeued.
  int64_t id = Submit("echo", {{"n", 7}});
  WorkerOptions options{id, url_, config_.data_dir, app_->jobs->tokens().Issue(id)};
  options.requeued_wait = 10s;
  auto worker = std::async(std::launch::async, [&] { return RunWorker(options, TestKinds()); });
  std::this_thread::sleep_for(700ms);
  EXPECT_EQ(worker.wait_for(0s), std::future_status::timeout) << "it waits while the job is queued";
  auto claimed = app_->jobs->repository().Claim(id, {"test", NowUnixSeconds() + 60}, "t");  // launched again
  ASSERT_TRUE(claimed.ok() && *claimed);
  EXPECT_EQ(worker.get(), 0);
  EXPECT_EQ(WaitUntilFinished(id).result, (nlohmann::json{{"echo", {{"n", 7}}}}));

  // Not for ever.
  int64_t never = Submit("echo");
  WorkerOptions late{never, url_, config_.data_dir, app_->jobs->tokens().Issue(never)};
  late.requeued_wait = 600ms;
  EXPECT_EQ(RunWorker(late, TestKinds()), 1);
}

TEST_F(JobProtocolTest, CallbacksNeedTheJobsTokenAndARunningJob) {
  int64_t id = RunningJob({{"n", 1}});
  const std::string token = app_->jobs->tokens().Issue(id);
  const std::string spec = "/api/v1/jobs/" + std::to_string(id) + "/spec";
  const std::string result = "/api/v1/jobs/" + std::to_string(id) + "/result";
  auto client = Client();
  ASSERT_TRUE(client);

  auto missing = client->Send("GET", spec, {});
  ASSERT_TRUE(missing.ok()) << missing.status().message();
  EXPECT_EQ(missing->status, 401);
  EXPECT_EQ(nlohmann::json::parse(missing->body)["detail"],
            "Missing job token (X-Job-Token header)");
  auto other_job =
      client->Send("GET", spec, {{"X-Job-Token", app_->jobs->tokens().Issue(id + 1)}});
  ASSERT_TRUE(other_job.ok()) << other_job.status().message();
  EXPECT_EQ(other_job->status, 401);
  auto forged = client->Send("POST", result, {{"X-Job-Token", "deadbeef"}}, R"({"result": {}})",
                             "application/json");
  ASSERT_TRUE(forged.ok()) << forged.status().message();
  EXPECT_EQ(forged->status, 401);
  EXPECT_EQ(app_->jobs->Get(tenant_, id)->status, "running")
      << "a refused callback changes nothing";

  JobClient worker(url_, id, token);
  auto fetched = worker.FetchSpec();
  ASSERT_TRUE(fetched.ok()) << fetched.status().message();
  EXPECT_EQ(fetched->id, id);
  EXPECT_EQ(fetched->kind, "echo");
  EXPECT_EQ(fetched->payload, (nlohmann::json{{"n", 1}}));

  for (const char* bad :
       {"{}", R"({"result": 5})", R"({"result": {}, "error": "x"})", R"({"error": ""})", "[1]"}) {
    auto response =
        client->Send("POST", result, {{"X-Job-Token", token}}, bad, "application/json");
    ASSERT_TRUE(response.ok()) << response.status().message();
    EXPECT_EQ(response->status, 422) << bad;
  }
  auto posted = client->Send("POST", result, {{"X-Job-Token", token}},
                             R"({"result": {"ok": true}})", "application/json");
  ASSERT_TRUE(posted.ok()) << posted.status().message();
  EXPECT_EQ(posted->status, 200) << posted->body;
  EXPECT_EQ(nlohmann::json::parse(posted->body)["status"], "completed");

  EXPECT_EQ(worker.ReportError("late").code(), StatusCode::kFailedPrecondition)
      << "no longer running: 409";
  EXPECT_EQ(worker.FetchSpec().status().code(), StatusCode::kFailedPrecondition);
  Job job = *app_->jobs->Get(tenant_, id);
  EXPECT_EQ(job.status, "completed");
  EXPECT_EQ(job.result, (nlohmann::json{{"ok", true}}));
}

TEST_F(JobProtocolTest, UsersSeeTheirTenantsJobsOnly) {
  int64_t id = Submit("echo");
  auto other = app_->tenants->Create("globex");
  ASSERT_TRUE(other.ok());
  for (const auto& [tenant, name] :
       {std::pair{tenant_, std::string("alice")}, std::pair{other->id, std::string("bob")}}) {
    users::CreateUserInput input;
    input.tenant_id = tenant;
    input.username = name;
    input.email = name + "@example.com";
    input.password = "Secret-pass-123";
    ASSERT_TRUE(app_->users->CreateUnchecked(input).ok());
  }
  auto alice = app_->auth->Login("alice", "Secret-pass-123");
  auto bob = app_->auth->Login("bob", "Secret-pass-123");
  ASSERT_TRUE(alice.ok() && bob.ok());
  auto client = Client();
  ASSERT_TRUE(client);
  const std::string path = "/api/v1/jobs/" + std::to_string(id);

  auto anonymous = client->Send("GET", path, {});
  ASSERT_TRUE(anonymous.ok()) << anonymous.status().message();
  EXPECT_EQ(anonymous->status, 401);
  auto mine = client->Send("GET", path, {{"Authorization", "Bearer " + alice->access_token}});
  ASSERT_TRUE(mine.ok()) << mine.status().message();
  ASSERT_EQ(mine->status, 200) << mine->body;
  auto body = nlohmann::json::parse(mine->body);
  EXPECT_EQ(body["id"], id);
  EXPECT_EQ(body["status"], "queued");
  EXPECT_EQ(body["kind"], "echo");
  EXPECT_FALSE(body.contains("payload"));
  EXPECT_FALSE(body.contains("backend_ref"));
  auto theirs = client->Send("GET", path, {{"Authorization", "Bearer " + bob->access_token}});
  ASSERT_TRUE(theirs.ok()) << theirs.status().message();
  EXPECT_EQ(theirs->status, 404);
  auto bad_id =
      client->Send("GET", "/api/v1/jobs/abc", {{"Authorization", "Bearer " + alice->access_token}});
  ASSERT_TRUE(bad_id.ok()) << bad_id.status().message();
  EXPECT_EQ(bad_id->status, 422);
}

}  // namespace
}  // namespace dataml::jobs
