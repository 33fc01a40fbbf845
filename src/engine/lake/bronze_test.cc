#include "engine/lake/bronze.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

namespace dataml::engine::lake {
namespace {

TEST(BronzeTest, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(ReplaceInvalidUtf8("plain"), "plain");
  EXPECT_EQ(ReplaceInvalidUtf8("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(ReplaceInvalidUtf8("a\xff" "b"), "a\xef\xbf\xbd" "b");
  EXPECT_EQ(ReplaceInvalidUtf8("\xc3"), "\xef\xbf\xbd");                   // cut short
  EXPECT_EQ(ReplaceInvalidUtf8("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");   // overlong
  EXPECT_EQ(ReplaceInvalidUtf8("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // a surrogate
  EXPECT_EQ(ReplaceInvalidUtf8("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");   // U+1F600 stays
}

TEST(BronzeTest, ABatchIsTheCellsAsTextWithTheirOrigin) {
  TableSchema schema = {{"id", DataType::kInteger, std::nullopt}, {"name", DataType::kString, std::nullopt}};
  arrow::BinaryBuilder id, name;
  ASSERT_TRUE(id.Append("1").ok());
  ASSERT_TRUE(id.Append("x").ok());
  ASSERT_TRUE(name.Append("ok").ok());
  ASSERT_TRUE(name.Append(std::string("bad\xff")).ok());
  auto ids = std::static_pointer_cast<arrow::BinaryArray>(*id.Finish());
  auto names = std::static_pointer_cast<arrow::BinaryArray>(*name.Finish());
  std::vector<const arrow::BinaryArray*> cells = {ids.get(), names.get()};
  std::vector<int64_t> records = {2, 4};
  auto batch = BronzeBatch({schema, cells, records}, "f.csv", 1700000000000000);
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  EXPECT_EQ((*batch)->num_rows(), 2);
  auto id_text = std::static_pointer_cast<arrow::StringArray>((*batch)->GetColumnByName("id"));
  EXPECT_EQ(id_text->GetString(0), "1");
  EXPECT_EQ(id_text->GetString(1), "x");
  auto text = std::static_pointer_cast<arrow::StringArray>((*batch)->GetColumnByName("name"));
  EXPECT_EQ(text->GetString(1), "bad\xef\xbf\xbd");
  auto record = std::static_pointer_cast<arrow::Int64Array>((*batch)->GetColumnByName("_record"));
  EXPECT_EQ(record->Value(1), 4);
  LakeSchema bronze = BronzeSchema(schema);
  ASSERT_EQ(bronze.columns.size(), 5u);
  EXPECT_EQ(bronze.columns[1].iceberg_type, "string");
  EXPECT_EQ(bronze.columns[4].name, "_loaded_at");
  EXPECT_EQ(bronze.columns[4].iceberg_type, "timestamptz");
}

}  // namespace
}  // namespace dataml::engine::lake
