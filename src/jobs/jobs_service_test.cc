#include "jobs/jobs_service.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace dataml::jobs
