// The datalake service over a store that is not a local directory (Arrow's mock filesystem),
// with a fault injected before the catalog swap.
#include "modules/datalake/datalake_service.h"

#include <arrow/api.h>
#include <arrow/filesystem/mockfs.h>
#include <gtest/gtest.h>

#include "test_support.h"

namespace dataml::datalake {
namespace {

// Refuses to create metadata files while `fail` is set: the last write before the swap.
class FaultyFileSystem : public arrow::fs::internal::MockFileSystem {
 public:
  FaultyFileSystem() : MockFileSystem(arrow::fs::TimePoint{}) {}
  bool fail = false;
  arrow::Result<std::shared_ptr<arrow::io::OutputStream>> OpenOutputStream(
      const std::string& path, const std::shared_ptr<const arrow::KeyValueMetadata>& metadata) override {
    if (fail && path.find(".metadata.json") != std::string::npos) return arrow::Status::IOError("disk on fire");
    return MockFileSystem::OpenOutputStream(path, metadata);
  }
};

std::shared_ptr<arrow::RecordBatchReader> Rows(int64_t n) {
  arrow::Int64Builder ids;
  for (int64_t i = 0; i < n; ++i) EXPECT_TRUE(ids.Append(i).ok());
  auto schema = arrow::schema({arrow::field("id", arrow::int64())});
  return *arrow::RecordBatchReader::Make({arrow::RecordBatch::Make(schema, n, {*ids.Finish()})});
}

class DatalakeServiceTest : public ::testing::Test {
 protected:
  Status Append(int64_t rows) {
    PendingAppend append;
    append.ref = {"t1", kSilver, "numbers"};
    append.schema = engine::lake::NewLakeSchema({{"id", engine::DataType::kInteger, std::nullopt}});
    append.owner = "ada";
    DATAML_RETURN_NOT_OK(service_.Prepare(append, "iceberg_table_name"));
    DATAML_RETURN_NOT_OK(service_.WriteDataFile(append, *Rows(rows)));
    Status committed = db_.db().RunInTransaction([&](soci::session& sql) { return service_.Commit(sql, append); });
    if (!committed.ok()) service_.Discard(append);
    return committed;
  }

  testing::TempDatabase db_;
  std::shared_ptr<FaultyFileSystem> fs_ = std::make_shared<FaultyFileSystem>();
  std::unique_ptr<storage::BlobStore> store_ = storage::BlobStore::Over(fs_, "mem://store");
  DatalakeService service_{db_.db(), *store_};
};

TEST_F(DatalakeServiceTest, AFaultBeforeTheSwapLeavesThePreviousSnapshotAndNoFiles) {
  ASSERT_TRUE(Append(3).ok());
  auto before = service_.TableInfo("t1", kSilver, "numbers");
  ASSERT_TRUE(before.ok()) << before.status().message();
  EXPECT_EQ((*before)["record_count"], 3);
  EXPECT_EQ((*before)["owner"], "ada");
  EXPECT_EQ((*before)["location"], "mem://store/tenants/t1/lake/silver/numbers");
  auto files_before = store_->List("tenants/t1/lake/silver/numbers");

  fs_->fail = true;
  Status failed = Append(5);
  EXPECT_EQ(failed.code(), StatusCode::kInternal);
  EXPECT_NE(failed.message().find("disk on fire"), std::string::npos);
  auto after = service_.TableInfo("t1", kSilver, "numbers");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)["current_snapshot_id"], (*before)["current_snapshot_id"]);
  EXPECT_EQ((*after)["record_count"], 3);
  EXPECT_EQ(*store_->List("tenants/t1/lake/silver/numbers"), *files_before);  // the data file went too

  fs_->fail = false;
  ASSERT_TRUE(Append(5).ok());
  EXPECT_EQ((*service_.TableInfo("t1", kSilver, "numbers"))["record_count"], 8);
  auto stats = service_.NumericStats("t1", kSilver, "numbers", "id");
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ((*stats)["count"], 8);
  EXPECT_EQ((*stats)["max"], 4.0);
}

TEST_F(DatalakeServiceTest, AFailedFirstCommitCreatesNoTable) {
  fs_->fail = true;
  EXPECT_FALSE(Append(2).ok());
  EXPECT_EQ(service_.TableInfo("t1", kSilver, "numbers").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->List("tenants/t1/lake")->empty());
}

}  // namespace
}  // namespace dataml::datalake
