#include "storage/blob_store.h"

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
    store_ = std::make_unique<BlobStore>(root_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  void Put(const std::string& key, const std::string& content) {
    auto temp = store_->TempPathFor(key);
    ASSERT_TRUE(temp.ok());
    std::ofstream(*temp) << content;
    ASSERT_TRUE(store_->Commit(*temp, key).ok());
  }

  std::filesystem::path root_;
  std::unique_ptr<BlobStore> store_;
};

TEST_F(BlobStoreTest, RejectsHostileKeys) {
  for (const char* key : {"", "/etc/passwd", "a/../../b", "./a", "a\\b", "tenants/../x"}) {
    EXPECT_FALSE(store_->PathFor(key).ok()) << key;
  }
  EXPECT_TRUE(store_->PathFor("tenants/t1/datasets/1/files/2/raw.csv").ok());
}

TEST_F(BlobStoreTest, CommitIsAtomicRenameAndRemoveTreeCleansUp) {
  Put("tenants/t1/datasets/1/files/1/raw.csv", "a,b\n");
  auto path = store_->PathFor("tenants/t1/datasets/1/files/1/raw.csv");
  ASSERT_TRUE(std::filesystem::exists(*path));
  for (const auto& entry : std::filesystem::directory_iterator(path->parent_path())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos);
  }
  ASSERT_TRUE(store_->RemoveTree("tenants/t1/datasets/1").ok());
  EXPECT_FALSE(std::filesystem::exists(*path));
}

TEST_F(BlobStoreTest, ResolveInsideConfinesUserPathsToThePrefix) {
  Put("tenants/t1/datasets/1/files/1/raw.csv", "mine");
  Put("tenants/t2/datasets/9/files/9/raw.csv", "theirs");
  std::string mine = store_->PathFor("tenants/t1/datasets/1/files/1/raw.csv")->string();
  std::string theirs = store_->PathFor("tenants/t2/datasets/9/files/9/raw.csv")->string();
  EXPECT_TRUE(store_->ResolveInside(mine, "tenants/t1").ok());
  EXPECT_TRUE(store_->ResolveInside("tenants/t1/datasets/1/files/1/raw.csv", "tenants/t1").ok());
  EXPECT_EQ(store_->ResolveInside(theirs, "tenants/t1").status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(store_->ResolveInside(mine + "/../../../../../t2/datasets/9/files/9/raw.csv", "tenants/t1").ok());
  EXPECT_FALSE(store_->ResolveInside("/etc/passwd", "tenants/t1").ok());
  EXPECT_FALSE(store_->ResolveInside((root_ / "tenants/t1").string(), "tenants/t1").ok());  // a directory
  // "tenants/t1" must not match "tenants/t10".
  Put("tenants/t10/x.csv", "other");
  EXPECT_FALSE(store_->ResolveInside(store_->PathFor("tenants/t10/x.csv")->string(), "tenants/t1").ok());
  // A symlink inside the tenant that points out of it is refused.
  auto link = root_ / "tenants/t1/escape.csv";
  std::filesystem::create_symlink(theirs, link);
  EXPECT_FALSE(store_->ResolveInside(link.string(), "tenants/t1").ok());
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

}  // namespace
}  // namespace dataml::storage
