#include "jobs/jobs_repository.h"

#include <gtest/gtest.h>

#include "modules/rbac/rbac_service.h"
#include "modules/tenants/tenants_service.h"
#include "test_support.h"

namespace dataml::jobs {
namespace {

class JobsRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tenant = tenants_.Create("acme");
    ASSERT_TRUE(tenant.ok()) << tenant.status().message();
    tenant_id_ = tenant->id;
  }

  int64_t Insert(const std::string& status = "queued", const std::string& backend = "local",
                 const std::string& kind = "statistics") {
    Job job;
    job.tenant_id = tenant_id_;
    job.kind = kind;
    job.subject = "dataset:1";
    job.payload = {{"k", 1}};
    job.status = status;
    job.backend = backend;
    job.created_by = "alice";
    job.created_at = "2025-01-01T00:00:00Z";
    auto inserted = repo_.Insert(job);
    EXPECT_TRUE(inserted.ok()) << inserted.status().message();
    return inserted.ok() ? inserted->id : 0;
  }

  Job Read(int64_t id) {
    auto job = repo_.FindInAnyTenant(id);
    EXPECT_TRUE(job.ok() && *job);
    return job.ok() && *job ? **job : Job{};
  }

  dataml::testing::TempDatabase temp_;
  rbac::RbacService rbac_{temp_.db()};
  tenants::TenantsService tenants_{temp_.db(), rbac_};
  JobsRepository repo_{temp_.db()};
  std::string tenant_id_;
};

TEST_F(JobsRepositoryTest, AClustersReferenceAndStatusAreShownALocalProcessIdIsNot) {
  int64_t on_ray = Insert("running", "ray");
  ASSERT_TRUE(repo_.SetBackendRef(on_ray, "dataml-1-abc").ok());
  nlohmann::json before_poll = ToJson(Read(on_ray));
  EXPECT_EQ(before_poll["backend_ref"], "dataml-1-abc");
  EXPECT_TRUE(before_poll["backend_status"].is_null());
  ASSERT_TRUE(repo_.SetBackendStatus(on_ray, "PENDING").ok());
  ASSERT_TRUE(repo_.SetBackendStatus(on_ray, "RUNNING").ok());
  EXPECT_EQ(Read(on_ray).backend_status, "RUNNING");
  EXPECT_EQ(ToJson(Read(on_ray))["backend_status"], "RUNNING");

  int64_t local = Insert("running", "local");
  ASSERT_TRUE(repo_.SetBackendRef(local, "4242").ok());
  nlohmann::json shown = ToJson(Read(local));
  EXPECT_FALSE(shown.contains("backend_ref"));
  EXPECT_FALSE(shown.contains("backend_status"));
}

TEST_F(JobsRepositoryTest, OnlyOneOfTwoClaimsOfAQueuedJobWins) {
  int64_t id = Insert();
  auto first = repo_.Claim(id, {"server-a", 100}, "2025-01-01T00:00:01Z");
  auto second = repo_.Claim(id, {"server-b", 100}, "2025-01-01T00:00:02Z");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*second);
  Job job = Read(id);
  EXPECT_EQ(job.status, "running");
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(job.started_at, "2025-01-01T00:00:01Z");

  auto queued = repo_.Queued("local", 10);
  ASSERT_TRUE(queued.ok());
  EXPECT_TRUE(queued->empty());
}

TEST_F(JobsRepositoryTest, QueuedListsOldestFirstForOneBackend) {
  int64_t a = Insert(), b = Insert(), ray = Insert("queued", "ray"), c = Insert();
  ASSERT_TRUE(repo_.Claim(b, {"me", 100}, "t").ok());
  auto queued = repo_.Queued("local", 10);
  ASSERT_TRUE(queued.ok());
  EXPECT_EQ(*queued, (std::vector<int64_t>{a, c}));
  EXPECT_NE(ray, 0);
  auto one = repo_.Queued("local", 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, (std::vector<int64_t>{a}));
}

TEST_F(JobsRepositoryTest, FinishAppliesOnlyToARunningJob) {
  int64_t id = Insert();
  auto early = repo_.Finish(id, {"completed", nlohmann::json{{"n", 1}}, std::nullopt, "t1"});
  ASSERT_TRUE(early.ok());
  EXPECT_FALSE(*early) << "a queued job cannot be finished";

  ASSERT_TRUE(*repo_.Claim(id, {"me", 100}, "t0"));
  auto done = repo_.Finish(id, {"completed", nlohmann::json{{"n", 1}}, std::nullopt, "t1"});
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(*done);
  auto again = repo_.Finish(id, {"failed", std::nullopt, "late", "t2"});
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again) << "the first outcome stands";

  Job job = Read(id);
  EXPECT_EQ(job.status, "completed");
  EXPECT_EQ(job.result, (nlohmann::json{{"n", 1}}));
  EXPECT_FALSE(job.error);
  EXPECT_EQ(job.finished_at, "t1");
}

TEST_F(JobsRepositoryTest, ExpiredLeasesOfOneBackendAreFailedAndLiveOnesKept) {
  int64_t stale = Insert(), live = Insert(), renewed = Insert(), ray = Insert("queued", "ray"),
          queued = Insert();
  ASSERT_TRUE(*repo_.Claim(stale, {"dead", 90}, "t"));
  ASSERT_TRUE(*repo_.Claim(live, {"alive", 200}, "t"));
  ASSERT_TRUE(*repo_.Claim(renewed, {"me", 90}, "t"));
  ASSERT_TRUE(*repo_.Claim(ray, {"dead", 90}, "t"));
  ASSERT_TRUE(repo_.RenewLease(renewed, {"me", 160}).ok());
  ASSERT_TRUE(repo_.RenewLease(live, {"not-the-owner", 10}).ok()) << "only the owner renews";

  auto failed = repo_.FailExpired("local", 100, "worker lost (server restarted)", "t9");
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(*failed, 1);
  EXPECT_EQ(Read(stale).status, "failed");
  EXPECT_EQ(Read(stale).error, "worker lost (server restarted)");
  EXPECT_EQ(Read(stale).finished_at, "t9");
  EXPECT_EQ(Read(live).status, "running");
  EXPECT_EQ(Read(renewed).status, "running");
  EXPECT_EQ(Read(ray).status, "running") << "another backend's jobs are its own business";
  EXPECT_EQ(Read(queued).status, "queued");
}

TEST_F(JobsRepositoryTest, ListenersHearEveryStatusChangeOfTheirKindInItsTransaction) {
  std::vector<std::string> heard;
  repo_.OnStatusChange("statistics", [&](soci::session& sql, const StatusChange& change) {
    // The change is visible inside its own transaction.
    std::string now;
    long long key = change.job_id;
    sql << "SELECT status FROM jobs WHERE id = :id", soci::use(key), soci::into(now);
    heard.push_back(std::to_string(change.job_id) + " " + change.subject + " " + change.status + " " + now + " " +
                    change.error.value_or("-"));
  });
  repo_.OnStatusChange("train", [&](soci::session&, const StatusChange&) { heard.push_back("a train job"); });

  const int64_t a = Insert(), b = Insert(), c = Insert(), d = Insert();
  const std::string A = std::to_string(a) + " dataset:1 ", B = std::to_string(b) + " dataset:1 ",
                    C = std::to_string(c) + " dataset:1 ", D = std::to_string(d) + " dataset:1 ";
  ASSERT_TRUE(*repo_.Claim(a, {"me", 90}, "t"));
  ASSERT_TRUE(*repo_.Requeue(a, "me"));
  ASSERT_TRUE(*repo_.Claim(a, {"me", 90}, "t"));
  ASSERT_TRUE(*repo_.Finish(a, {"completed", nlohmann::json::object(), std::nullopt, "t"}));
  ASSERT_FALSE(*repo_.Finish(a, {"failed", std::nullopt, "late", "t"})) << "no change, nothing heard";
  ASSERT_TRUE(*repo_.Cancel(tenant_id_, b, "by alice", "t"));
  ASSERT_TRUE(*repo_.Claim(c, {"dead", 90}, "t"));
  ASSERT_EQ(*repo_.FailExpired("local", 100, "worker lost", "t"), 1);
  EXPECT_EQ(heard, (std::vector<std::string>{A + "running running -", A + "queued queued -", A + "running running -",
                                             A + "completed completed -", B + "cancelled cancelled by alice",
                                             C + "running running -", C + "failed failed worker lost"}));

  // A listener that fails undoes the change it heard of.
  repo_.OnStatusChange("statistics", [](soci::session&, const StatusChange&) { throw std::runtime_error("no"); });
  EXPECT_FALSE(repo_.Claim(d, {"me", 90}, "t").ok());
  EXPECT_EQ(Read(d).status, "queued") << D;
}

TEST_F(JobsRepositoryTest, FindIsTenantScopedAndLatestAndActiveFollowTheSubject) {
  int64_t first = Insert(), second = Insert();
  auto other = tenants_.Create("globex");
  ASSERT_TRUE(other.ok());
  auto hidden = repo_.Find(other->id, first);
  ASSERT_TRUE(hidden.ok());
  EXPECT_FALSE(*hidden);
  auto latest = repo_.Latest(tenant_id_, "statistics", "dataset:1");
  ASSERT_TRUE(latest.ok() && *latest);
  EXPECT_EQ((*latest)->id, second);
  EXPECT_EQ(*repo_.CountActive(tenant_id_, "dataset:1"), 2);
  EXPECT_EQ(*repo_.CountActive(tenant_id_, "dataset:2"), 0);
  EXPECT_EQ(*repo_.CountActive(other->id, "dataset:1"), 0);
}

TEST_F(JobsRepositoryTest, CountByStatusGroupsTheJobsOfAllTenants) {
  auto none = repo_.CountByStatus();
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_TRUE(none->empty());

  int64_t running = Insert(), done = Insert(), cancelled = Insert();
  Insert();
  auto other = tenants_.Create("globex");
  ASSERT_TRUE(other.ok());
  std::string acme = tenant_id_;
  tenant_id_ = other->id;
  Insert();
  Insert("queued", "ray");
  ASSERT_TRUE(*repo_.Claim(running, {"me", 100}, "t"));
  ASSERT_TRUE(*repo_.Claim(done, {"me", 100}, "t"));
  ASSERT_TRUE(*repo_.Finish(done, {"completed", std::nullopt, std::nullopt, "t1"}));
  ASSERT_TRUE(*repo_.Cancel(acme, cancelled, "stop", "t2"));

  auto counts = repo_.CountByStatus();
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  EXPECT_EQ(*counts, (std::map<std::string, int64_t>{
                         {"queued", 3}, {"running", 1}, {"completed", 1}, {"cancelled", 1}}));
}

std::vector<int64_t> Ids(const Result<std::vector<Job>>& jobs) {
  EXPECT_TRUE(jobs.ok()) << jobs.status().message();
  std::vector<int64_t> ids;
  if (jobs.ok()) {
    for (const Job& job : *jobs) ids.push_back(job.id);
  }
  return ids;
}

TEST_F(JobsRepositoryTest, ListPagesOneTenantsJobsNewestFirstAndCountsTheMatches) {
  int64_t a = Insert(), b = Insert("queued", "local", "train"), c = Insert(), d = Insert("queued", "local", "train");
  ASSERT_TRUE(*repo_.Cancel(tenant_id_, c, "stop", "t"));
  std::string acme = tenant_id_;
  auto other = tenants_.Create("globex");
  ASSERT_TRUE(other.ok());
  tenant_id_ = other->id;
  int64_t foreign = Insert();

  EXPECT_EQ(Ids(repo_.List(acme, {}, 0, 100)), (std::vector<int64_t>{d, c, b, a}));
  EXPECT_EQ(Ids(repo_.List(acme, {}, 1, 2)), (std::vector<int64_t>{c, b}));
  EXPECT_EQ(Ids(repo_.List(acme, {}, 4, 2)), (std::vector<int64_t>{}));
  EXPECT_EQ(*repo_.Count(acme, {}), 4);

  JobFilter trains{std::nullopt, "train"};
  EXPECT_EQ(Ids(repo_.List(acme, trains, 0, 100)), (std::vector<int64_t>{d, b}));
  EXPECT_EQ(*repo_.Count(acme, trains), 2);
  JobFilter queued{"queued", std::nullopt};
  EXPECT_EQ(Ids(repo_.List(acme, queued, 0, 100)), (std::vector<int64_t>{d, b, a}));
  JobFilter queued_statistics{"queued", "statistics"};
  EXPECT_EQ(Ids(repo_.List(acme, queued_statistics, 0, 100)), (std::vector<int64_t>{a}));
  EXPECT_EQ(*repo_.Count(acme, queued_statistics), 1);
  EXPECT_EQ(*repo_.Count(acme, {"failed", std::nullopt}), 0);

  EXPECT_EQ(Ids(repo_.List(other->id, {}, 0, 100)), (std::vector<int64_t>{foreign}));
  EXPECT_EQ(*repo_.Count(other->id, {}), 1);
}

}  // namespace
}  // namespace dataml::jobs
