#include "jobs/jobs_service.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "modules/rbac/rbac_service.h"
#include "modules/tenants/tenants_service.h"
#include "test_support.h"

namespace dataml::jobs {
namespace {

TEST(JobsServiceTest, CountByStateListsEveryStateEvenWithoutJobs) {
  dataml::testing::TempDatabase temp;
  rbac::RbacService rbac(temp.db());
  tenants::TenantsService tenants(temp.db(), rbac);
  JobsService jobs(temp.db());
  auto tenant = tenants.Create("acme");
  ASSERT_TRUE(tenant.ok()) << tenant.status().message();
  ASSERT_TRUE(jobs.Submit(tenant->id, "statistics", "dataset:1", {}, "alice").ok());
  ASSERT_TRUE(jobs.Submit(tenant->id, "statistics", "dataset:2", {}, "alice").ok());

  auto counts = jobs.CountByState();
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  EXPECT_EQ(*counts, (std::map<std::string, int64_t>{
                         {"queued", 2}, {"running", 0}, {"completed", 0}, {"failed", 0},
                         {"cancelled", 0}}));
}

TEST(JobsServiceTest, ListRefusesAStatusOrKindThatNoJobHas) {
  dataml::testing::TempDatabase temp;
  rbac::RbacService rbac(temp.db());
  tenants::TenantsService tenants(temp.db(), rbac);
  JobsService jobs(temp.db());
  auto tenant = tenants.Create("acme");
  ASSERT_TRUE(tenant.ok()) << tenant.status().message();
  ASSERT_TRUE(jobs.Submit(tenant->id, "statistics", "dataset:1", {}, "alice").ok());

  auto listed = jobs.List(tenant->id, {"queued", "statistics"}, 0, 10);
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  EXPECT_EQ(listed->total, 1);
  ASSERT_EQ(listed->jobs.size(), 1u);

  auto refused = jobs.List(tenant->id, {"done", "training"}, 0, 10);
  ASSERT_FALSE(refused.ok());
  Status status = refused.status();
  ASSERT_EQ(status.code(), StatusCode::kInvalidArgument);
  const auto& errors = status.field_errors();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].loc, (std::vector<std::string>{"status"}));
  EXPECT_EQ(errors[0].msg, "Input should be 'queued', 'running', 'completed', 'failed' or 'cancelled'");
  EXPECT_EQ(errors[1].loc, (std::vector<std::string>{"kind"}));
  EXPECT_EQ(errors[1].type, "enum");
}

TEST(JobsServiceTest, EveryKindOfJobSpecIsAKnownKind) {
  for (std::string_view kind : {job_specs::StatisticsSpec::kKind, job_specs::TrainSpec::kKind,
                                job_specs::ShapSpec::kKind, job_specs::BatchPredictionSpec::kKind}) {
    EXPECT_NE(std::find(kKinds.begin(), kKinds.end(), kind), kKinds.end()) << kind;
  }
}

}  // namespace
}  // namespace dataml::jobs
