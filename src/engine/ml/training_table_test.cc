#include "engine/ml/training_table.h"

#include <arrow/api.h>
#include <arrow/io/api.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>

#include <filesystem>

#include "core/crypto.h"

namespace dataml::engine::ml {
namespace {

// Rows numbered from `first`, with a text column, written in row groups of 7 rows.
std::string WriteNumbered(const std::filesystem::path& path, int64_t first, int64_t rows) {
  arrow::Int64Builder ids;
  arrow::StringBuilder names;
  for (int64_t i = first; i < first + rows; ++i) {
    EXPECT_TRUE(ids.Append(i).ok());
    EXPECT_TRUE(names.Append("row " + std::to_string(i)).ok());
  }
  auto table = arrow::Table::Make(arrow::schema({arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8())}),
                                  {ids.Finish().ValueOrDie(), names.Finish().ValueOrDie()});
  auto out = arrow::io::FileOutputStream::Open(path.string()).ValueOrDie();
  EXPECT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out, 7).ok());
  EXPECT_TRUE(out->Close().ok());
  return path.string();
}

std::vector<int64_t> Ids(const arrow::Table& table) {
  std::vector<int64_t> out;
  for (const auto& chunk : table.GetColumnByName("id")->chunks()) {
    const auto& ids = static_cast<const arrow::Int64Array&>(*chunk);
    for (int64_t i = 0; i < ids.length(); ++i) out.push_back(ids.Value(i));
  }
  return out;
}

class TrainingTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    dir_ = std::filesystem::temp_directory_path() / ("dataml-table-" + RandomToken(8));
    std::filesystem::create_directories(dir_);
    // 20 rows then 13: three row groups and a part, then one and a part.
    paths_ = {WriteNumbered(dir_ / "a.parquet", 0, 20), WriteNumbered(dir_ / "b.parquet", 20, 13)};
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::vector<std::string> paths_;
};

TEST_F(TrainingTableTest, ShardsAreContiguousRangesThatTogetherHoldEveryRowOnce) {
  auto whole = ReadTrainingTable(LocalFiles(paths_), {"id", "name"});
  ASSERT_TRUE(whole.ok()) << whole.status().message();
  ASSERT_EQ((*whole)->num_rows(), 33);
  for (int count : {1, 2, 3, 4, 7, 33, 40}) {
    std::vector<int64_t> joined;
    for (int index = 0; index < count; ++index) {
      auto shard = ReadTrainingTable(LocalFiles(paths_), {"name", "id"}, {index, count});
      ASSERT_TRUE(shard.ok()) << shard.status().message();
      EXPECT_EQ((*shard)->schema()->field(0)->name(), "name") << "the columns come in the order asked";
      const int64_t expected = 33 * (index + 1) / count - 33 * index / count;
      EXPECT_EQ((*shard)->num_rows(), expected) << index << " of " << count;
      for (int64_t id : Ids(**shard)) joined.push_back(id);
    }
    EXPECT_EQ(joined, Ids(**whole)) << count << " shards";
  }
}

TEST_F(TrainingTableTest, RefusesMissingColumnsAndImpossibleShards) {
  EXPECT_EQ(ReadTrainingTable(LocalFiles(paths_), {"id", "nope"}, {1, 2}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(ReadTrainingTable(LocalFiles(paths_), {"id"}, {2, 2}).ok());
  EXPECT_EQ(ReadTrainingTable(LocalFiles({}), {"id"}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dataml::engine::ml
