#include "storage/blob_store.h"

#include <arrow/filesystem/mockfs.h>
#include <gtest/gtest.h>

#include <fstream>

#include "core/crypto.h"

namespace dataml::storage {
namespace {

class BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    root_ = std::filesystem::temp_directory_path() / ("dataml-blob-" + RandomToken(6));
    auto store = BlobStore::OpenLocal(root_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    root_ = std::filesystem::canonical(root_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  void Put(const std::string& key, const std::string& content) {
    ASSERT_TRUE(store_->Write(key, content).ok());
  }

  std::filesystem::path root_;
  std::unique_ptr<BlobStore> store_;
};

TEST_F(BlobStoreTest, RejectsHostileKeys) {
  for (const char* key : {"", "/etc/passwd", "a/../../b", "./a", "a\\b", "tenants/../x", "a//b", "a/"}) {
    EXPECT_FALSE(BlobStore::CheckKey(key).ok()) << key;
    EXPECT_FALSE(store_->Write(key, "x").ok()) << key;
    EXPECT_FALSE(store_->Read(key).ok()) << key;
  }
  EXPECT_TRUE(BlobStore::CheckKey("tenants/t1/datasets/1/files/2/raw.csv").ok());
}

TEST_F(BlobStoreTest, WritesArePublishedWholeAndRemoveTreeCleansUp) {
  Put("tenants/t1/datasets/1/files/1/raw.csv", "a,b\n");
  EXPECT_EQ(*store_->Read("tenants/t1/datasets/1/files/1/raw.csv"), "a,b\n");
  EXPECT_EQ(*store_->Size("tenants/t1/datasets/1/files/1/raw.csv"), 4);
  EXPECT_EQ(*store_->List("tenants/t1"), std::vector<std::string>{"tenants/t1/datasets/1/files/1/raw.csv"});
  EXPECT_EQ(store_->LocationOf("tenants/t1/x"), (root_ / "tenants/t1/x").string());
  ASSERT_TRUE(store_->RemoveTree("tenants/t1/datasets/1").ok());
  EXPECT_EQ(store_->Read("tenants/t1/datasets/1/files/1/raw.csv").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->RemoveTree("tenants/t1/datasets/1").ok());  // missing is fine
  EXPECT_TRUE(store_->Remove("tenants/t1/none").ok());
}

TEST_F(BlobStoreTest, AnUnpublishedWriterLeavesNothing) {
  {
    auto writer = store_->OpenWrite("tenants/t1/models/1/model.json");
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->stream().Write("half", 4).ok());
  }
  EXPECT_EQ(*store_->Exists("tenants/t1/models/1/model.json"), false);
  EXPECT_TRUE(store_->List("tenants/t1")->empty());
}

TEST_F(BlobStoreTest, KeyInsideConfinesLocationsToThePrefix) {
  Put("tenants/t1/datasets/1/files/1/raw.csv", "mine");
  Put("tenants/t2/datasets/9/files/9/raw.csv", "theirs");
  std::string mine = store_->LocationOf("tenants/t1/datasets/1/files/1/raw.csv");
  std::string theirs = store_->LocationOf("tenants/t2/datasets/9/files/9/raw.csv");
  EXPECT_EQ(*store_->KeyInside(mine, "tenants/t1"), "tenants/t1/datasets/1/files/1/raw.csv");
  EXPECT_EQ(*store_->KeyInside("file://" + mine, "tenants/t1"), "tenants/t1/datasets/1/files/1/raw.csv");
  EXPECT_TRUE(store_->KeyInside("tenants/t1/datasets/1/files/1/raw.csv", "tenants/t1").ok());
  EXPECT_EQ(store_->KeyInside(theirs, "tenants/t1").status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(store_->KeyInside(mine + "/../../../../../t2/datasets/9/files/9/raw.csv", "tenants/t1").ok());
  EXPECT_FALSE(store_->KeyInside("tenants/t1/../t2/datasets/9/files/9/raw.csv", "tenants/t1").ok());
  EXPECT_FALSE(store_->KeyInside("/etc/passwd", "tenants/t1").ok());
  EXPECT_FALSE(store_->KeyInside("s3://bucket/tenants/t1/x", "tenants/t1").ok());
  EXPECT_FALSE(store_->KeyInside((root_ / "tenants/t1").string(), "tenants/t1").ok());  // a directory
  // "tenants/t1" must not match "tenants/t10".
  Put("tenants/t10/x.csv", "other");
  EXPECT_FALSE(store_->KeyInside(store_->LocationOf("tenants/t10/x.csv"), "tenants/t1").ok());
  // A symlink inside the tenant that points out of it is refused.
  auto link = root_ / "tenants/t1/escape.csv";
  std::filesystem::create_symlink(theirs, link);
  EXPECT_FALSE(store_->KeyInside(link.string(), "tenants/t1").ok());
}

TEST_F(BlobStoreTest, StaleStagingIsSweptAndFreshStagingKept) {
  Put("tenants/t1/staging/old/0.csv", "left by a crash");
  Put("tenants/t1/staging/new/0.csv", "in flight");
  Put("tenants/t1/datasets/1/files/1/raw.csv", "kept");
  auto old_dir = root_ / "tenants/t1/staging/old";
  std::filesystem::last_write_time(old_dir, std::filesystem::file_time_type::clock::now() - std::chrono::hours(48));
  EXPECT_EQ(store_->RemoveStaleStaging(24 * 3600), 1u);
  EXPECT_FALSE(std::filesystem::exists(old_dir));
  EXPECT_TRUE(std::filesystem::exists(root_ / "tenants/t1/staging/new/0.csv"));
  EXPECT_TRUE(std::filesystem::exists(root_ / "tenants/t1/datasets/1/files/1/raw.csv"));
}

// The same contract over a store that is not a local directory (what S3 will be).
TEST(BlobStoreOverMockTest, KeysStreamsAndLocationsWithoutALocalPath) {
  InitCrypto();
  auto fs = std::make_shared<arrow::fs::internal::MockFileSystem>(arrow::fs::TimePoint{});
  auto store = BlobStore::Over(fs, "mem://bucket/");
  ASSERT_TRUE(store->Write("tenants/t1/a.json", "{}").ok());
  ASSERT_TRUE(store->Move("tenants/t1/a.json", "tenants/t1/b/a.json").ok());
  EXPECT_EQ(*store->Read("tenants/t1/b/a.json"), "{}");
  EXPECT_EQ(*store->List("tenants"), std::vector<std::string>{"tenants/t1/b/a.json"});
  EXPECT_EQ(store->LocationOf("tenants/t1/b/a.json"), "mem://bucket/tenants/t1/b/a.json");
  EXPECT_EQ(*store->KeyInside("mem://bucket/tenants/t1/b/a.json", "tenants/t1"), "tenants/t1/b/a.json");
  EXPECT_FALSE(store->KeyInside("mem://bucket/tenants/t1/../t2/x", "tenants/t1").ok());
  EXPECT_FALSE(store->KeyInside("mem://bucket/tenants/t1/missing", "tenants/t1").ok());
  EXPECT_EQ(store->KeyAt("mem://bucket/tenants/t1/missing"), "tenants/t1/missing");  // existing or not
  EXPECT_EQ(store->KeyAt("mem://bucket/tenants/../x"), std::nullopt);
  EXPECT_EQ(store->KeyAt("s3://other/tenants/t1/x"), std::nullopt);
  ASSERT_TRUE(store->RemoveTree("tenants/t1").ok());
  EXPECT_TRUE(store->List("tenants")->empty());
}

}  // namespace
}  // namespace dataml::storage
