#include "modules/datasets/datasets_service.h"

#include <gtest/gtest.h>

#include "modules/rbac/rbac_service.h"
#include "modules/tenants/tenants_service.h"
#include "test_support.h"

namespace dataml::datasets {
namespace {

// A multipart body with the given (file name, content) parts, all named "files".
MultipartSource Body(std::vector<std::pair<std::string, std::string>> parts) {
  return [parts](const http::PartStart& start, const http::PartData& data) {
    for (const auto& [name, content] : parts) {
      if (!start({"files", name, "text/csv"})) return false;
      for (size_t i = 0; i < content.size(); i += 7) {  // in small chunks, as a socket delivers
        if (!data(content.data() + i, std::min<size_t>(7, content.size() - i))) return false;
      }
    }
    return true;
  };
}

class DatasetsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tenant = tenants_.Create("acme");
    ASSERT_TRUE(tenant.ok());
    tenant_id_ = tenant->id;
    caller_ = {1, tenant_id_, "alice", false};
  }

  size_t FilesUnder(const std::string& relative) {
    auto dir = temp_.dir() / "blobs" / relative;
    if (!std::filesystem::exists(dir)) return 0;
    size_t n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
    return n;
  }

  dataml::testing::TempDatabase temp_;
  rbac::RbacService rbac_{temp_.db()};
  tenants::TenantsService tenants_{temp_.db(), rbac_};
  templates::TemplatesService templates_{temp_.db()};
  std::unique_ptr<storage::BlobStore> store_ = std::move(storage::BlobStore::OpenLocal(temp_.dir() / "blobs")).ValueOrDie();
  jobs::JobsService jobs_{temp_.db()};
  datalake::DatalakeService lake_{temp_.db(), *store_};
  DatasetsService service_{temp_.db(), *store_, templates_, jobs_, lake_};
  std::string tenant_id_;
  Principal caller_;
};

TEST_F(DatasetsServiceTest, UploadStoresRowsAndBlobsTogether) {
  auto result = service_.Upload(tenant_id_, caller_, {"sales", "t", std::nullopt, std::nullopt},
                                Body({{"a.csv", "x,y\n1,2\n3,4\n"}, {"b.csv", "x,y\n5,oops\n"}}));
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->files.size(), 2u);
  EXPECT_EQ(result->dataset.total_records, 3);
  EXPECT_EQ(result->dataset.valid_records, 2);  // "oops" is not an Integer (schema from a.csv)
  EXPECT_EQ(FilesUnder("tenants/" + tenant_id_ + "/datasets"), 4u);  // raw + parquet per file
  EXPECT_EQ(FilesUnder("tenants/" + tenant_id_ + "/staging"), 0u);
}

TEST_F(DatasetsServiceTest, AFailedUploadLeavesNothing) {
  auto result = service_.Upload(tenant_id_, caller_, {"bad", "t", std::nullopt, std::nullopt},
                                Body({{"a.csv", "x,y\n1,2\n"}, {"empty.csv", ""}}));
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("empty.csv"), std::string::npos);
  EXPECT_EQ(service_.List(tenant_id_, false, 0, 10)->total, 0);
  EXPECT_EQ(FilesUnder("tenants/" + tenant_id_), 0u);
  // A body cut short is a 400 and leaves nothing either.
  MultipartSource broken = [](const http::PartStart& start, const http::PartData& data) {
    start({"files", "a.csv", "text/csv"});
    data("x,y\n1,2\n", 8);
    return false;
  };
  result = service_.Upload(tenant_id_, caller_, {"cut", "t", std::nullopt, std::nullopt}, broken);
  EXPECT_EQ(result.status().code(), StatusCode::kBadRequest);
  EXPECT_EQ(FilesUnder("tenants/" + tenant_id_), 0u);
}

TEST_F(DatasetsServiceTest, DeletesAreRefusedWhileAJobUsesTheDataset) {
  auto uploaded = service_.Upload(tenant_id_, caller_, {"busy", "t", std::nullopt, std::nullopt},
                                  Body({{"a.csv", "x\n1\n"}}));
  ASSERT_TRUE(uploaded.ok());
  int64_t id = uploaded->dataset.id;
  auto job = service_.GenerateStatistics(tenant_id_, caller_, id);
  ASSERT_TRUE(job.ok()) << job.status().message();
  EXPECT_EQ(job->status, "queued");
  EXPECT_EQ(service_.Delete(tenant_id_, id).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(service_.DeleteFile(tenant_id_, uploaded->files[0].id).code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(service_.Get(tenant_id_, id).ok());
}

TEST_F(DatasetsServiceTest, NamesAreUniquePerTenant) {
  ASSERT_TRUE(service_.Upload(tenant_id_, caller_, {"same", "t", std::nullopt, std::nullopt},
                              Body({{"a.csv", "x\n1\n"}})).ok());
  auto again = service_.Upload(tenant_id_, caller_, {"same", "p", std::nullopt, std::nullopt},
                               Body({{"a.csv", "x\n1\n"}}));
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  auto other = tenants_.Create("other");
  ASSERT_TRUE(other.ok());
  Principal bob{2, other->id, "bob", false};
  EXPECT_TRUE(service_.Upload(other->id, bob, {"same", "t", std::nullopt, std::nullopt},
                              Body({{"a.csv", "x\n1\n"}})).ok());
}

}  // namespace
}  // namespace dataml::datasets
