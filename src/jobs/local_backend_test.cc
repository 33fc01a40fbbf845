#include "jobs/local_backend.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "core/crypto.h"

namespace dataml::jobs {
namespace {

using namespace std::chrono_literals;

// Stands in for `dataml worker`: behaves according to the job id ($3, after "worker --job").
constexpr const char* kFakeWorker = R"(#!/bin/sh
echo "args: $@"
echo "token: $DATAML_JOB_TOKEN"
echo "secret: ${DATAML_JWT_SECRET:-none}"
case "$3" in
  1) exit 0 ;;
  2) echo "cannot open tenants/t/x.parquet" >&2; exit 3 ;;
  3) kill -9 $$ ;;
  4) exec sleep 60 ;;
esac
)";

class LocalBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto());
    dir_ = std::filesystem::temp_directory_path() / ("dataml-local-" + RandomToken(8));
    std::filesystem::create_directories(dir_);
    script_ = (dir_ / "fake-worker.sh").string();
    std::ofstream(script_) << kFakeWorker;
    ::chmod(script_.c_str(), 0700);
    LocalBackendOptions options;
    options.executable = script_;
    options.server_url = "http://127.0.0.1:1";
    options.data_dir = (dir_ / "data").string();
    options.kill_grace = 2s;
    auto backend = LocalBackend::Make(options);
    ASSERT_TRUE(backend.ok()) << backend.status().message();
    backend_ = std::move(backend).ValueOrDie();
  }
  void TearDown() override {
    backend_.reset();
    std::filesystem::remove_all(dir_);
  }

  Job MakeJob(int64_t id) {
    Job job;
    job.id = id;
    return job;
  }

  // Reaps until `n` workers have ended (they end on their own within milliseconds).
  std::vector<WorkerExit> ReapAll(size_t n) {
    std::vector<WorkerExit> exits;
    for (int i = 0; i < 500 && exits.size() < n; ++i) {
      for (WorkerExit& e : backend_->Reap({}).exits) exits.push_back(std::move(e));
      if (exits.size() < n) std::this_thread::sleep_for(20ms);
    }
    return exits;
  }

  std::string ReadLog(int64_t id) {
    std::ifstream in(backend_->LogPath(id));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::filesystem::path dir_;
  std::string script_;
  std::unique_ptr<LocalBackend> backend_;
};

TEST_F(LocalBackendTest, PassesTheTokenInTheEnvironmentOnlyAndLogsToAFile) {
  ::setenv("DATAML_JWT_SECRET", "server-secret-that-workers-must-not-see", 1);
  auto ref = backend_->Launch(MakeJob(1), "tok-123");
  ::unsetenv("DATAML_JWT_SECRET");
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  EXPECT_GT(std::stoll(*ref), 0) << "the reference is the pid";
  auto exits = ReapAll(1);
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0].job_id, 1);
  std::string log = ReadLog(1);
  EXPECT_NE(log.find("args: worker --job 1 --server http://127.0.0.1:1 --data-dir " +
                     (dir_ / "data").string()),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("token: tok-123"), std::string::npos) << log;
  std::string args_line = log.substr(0, log.find('\n'));
  EXPECT_EQ(args_line.find("tok-123"), std::string::npos) << "never in argv, which ps shows";
  EXPECT_NE(log.find("secret: none"), std::string::npos) << "server secrets are withheld: " << log;
}

TEST_F(LocalBackendTest, ExitReasonsGiveTheCodeOrSignalAndTheLogTail) {
  ASSERT_TRUE(backend_->Launch(MakeJob(2), "t").ok());
  ASSERT_TRUE(backend_->Launch(MakeJob(3), "t").ok());
  auto exits = ReapAll(2);
  ASSERT_EQ(exits.size(), 2u);
  std::map<int64_t, std::string> reasons;
  for (const WorkerExit& e : exits) reasons[e.job_id] = e.reason;
  EXPECT_EQ(reasons[2].rfind("worker exited with code 3: ", 0), 0u) << reasons[2];
  EXPECT_NE(reasons[2].find("cannot open tenants/t/x.parquet"), std::string::npos) << reasons[2];
  EXPECT_EQ(reasons[3].rfind("worker was killed by signal 9", 0), 0u) << reasons[3];
  EXPECT_TRUE(backend_->Reap({}).exits.empty());
}

TEST_F(LocalBackendTest, ShutdownStopsRunningWorkers) {
  ASSERT_TRUE(backend_->Launch(MakeJob(4), "t").ok());
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(backend_->Shutdown(), (std::vector<int64_t>{4}));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s)
      << "SIGTERM suffices; no wait for SIGKILL";
  EXPECT_TRUE(backend_->Reap({}).exits.empty());
  EXPECT_TRUE(backend_->Shutdown().empty());
}

TEST_F(LocalBackendTest, AMissingExecutableIsAnError) {
  LocalBackendOptions options;
  options.executable = (dir_ / "no-such-binary").string();
  options.server_url = "http://127.0.0.1:1";
  options.data_dir = (dir_ / "data").string();
  auto backend = LocalBackend::Make(options);
  ASSERT_TRUE(backend.ok());
  auto ref = (*backend)->Launch(MakeJob(5), "t");
  EXPECT_EQ(ref.status().code(), StatusCode::kInternal);
}

TEST(LoopbackUrlTest, ReachesTheBoundAddress) {
  EXPECT_EQ(LoopbackUrl("0.0.0.0", 80), "http://127.0.0.1:80");
  EXPECT_EQ(LoopbackUrl("127.0.0.1", 8000), "http://127.0.0.1:8000");
  EXPECT_EQ(LoopbackUrl("::", 1), "http://[::1]:1");
  EXPECT_EQ(LoopbackUrl("10.0.0.5", 2), "http://10.0.0.5:2");
}

}  // namespace
}  // namespace dataml::jobs
