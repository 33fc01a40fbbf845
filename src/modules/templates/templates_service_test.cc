#include "modules/templates/templates_service.h"

#include <gtest/gtest.h>

#include "modules/rbac/rbac_service.h"
#include "modules/tenants/tenants_service.h"
#include "test_support.h"

namespace dataml::templates {
namespace {

TEST(TemplatesServiceTest, ValidatesTypesDefaultsAndDuplicates) {
  auto ok = TemplatesService::ValidateColumns({{"a", "integer", "12"}, {"b", " Float ", std::nullopt}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)[0].data_type, engine::DataType::kInteger);
  EXPECT_EQ((*ok)[1].data_type, engine::DataType::kFloat);

  auto bad = TemplatesService::ValidateColumns(
      {{"a", "Integer", "x"}, {"A", "String", std::nullopt}, {"c", "Money", std::nullopt}});
  ASSERT_FALSE(bad.ok());
  ASSERT_EQ(bad.status().field_errors().size(), 3u);
  EXPECT_EQ(bad.status().field_errors()[1].loc,
            (std::vector<std::string>{"template_schema", "1", "column_name"}));
}

class TemplatesDbTest : public ::testing::Test {
 protected:
  dataml::testing::TempDatabase temp_;
  rbac::RbacService rbac_{temp_.db()};
  tenants::TenantsService tenants_{temp_.db(), rbac_};
  TemplatesService service_{temp_.db()};
  Principal caller_{1, "", "alice", false};
};

TEST_F(TemplatesDbTest, DeleteIsRefusedWhileADatasetUsesTheTemplate) {
  auto tenant = tenants_.Create("acme");
  ASSERT_TRUE(tenant.ok());
  caller_.tenant_id = tenant->id;
  TemplateInput input{"Churn", std::vector<ColumnInput>{{"id", "String", std::nullopt}}};
  auto created = service_.Create(tenant->id, caller_, input);
  ASSERT_TRUE(created.ok()) << created.status().message();
  long long template_id = created->id;
  std::string tenant_id = tenant->id;
  ASSERT_TRUE(temp_.db().Run([&](soci::session& sql) {
    sql << "INSERT INTO datasets (tenant_id, dataset_name, template_id, usage, data_source, "
           "created_by, created_at, modified_at) VALUES (:t, 'd1', :id, 't', 'csv', 'alice', 'now', 'now')",
        soci::use(tenant_id), soci::use(template_id);
    return Status::OK();
  }).ok());
  EXPECT_EQ(service_.Delete(tenant->id, created->id).code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(service_.Get(tenant->id, created->id).ok());

  ASSERT_TRUE(temp_.db().Run([](soci::session& sql) {
    sql << "DELETE FROM datasets";
    return Status::OK();
  }).ok());
  EXPECT_TRUE(service_.Delete(tenant->id, created->id).ok());
  EXPECT_EQ(service_.Get(tenant->id, created->id).status().code(), StatusCode::kNotFound);
}

TEST_F(TemplatesDbTest, AnotherTenantsTemplateIsNotFound) {
  auto a = tenants_.Create("a");
  auto b = tenants_.Create("b");
  ASSERT_TRUE(a.ok() && b.ok());
  auto created = service_.Create(a->id, caller_, TemplateInput{"T", std::nullopt});
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(service_.Get(b->id, created->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_.Delete(b->id, created->id).code(), StatusCode::kNotFound);
  EXPECT_TRUE(service_.Create(b->id, caller_, TemplateInput{"t", std::nullopt}).ok());
  EXPECT_EQ(service_.Create(a->id, caller_, TemplateInput{"t", std::nullopt}).status().code(),
            StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace dataml::templates
