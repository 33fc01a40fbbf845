#include "engine/data/parquet_rows.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/data/csv_validator.h"

namespace dataml::engine {
namespace {

TEST(ParquetRowsTest, FormatsDatesAndTimestamps) {
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDate(19753), "2024-01-31");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
  EXPECT_EQ(FormatTimestampMicros(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestampMicros(1754756580000000), "2025-08-09T16:23:00Z");
  EXPECT_EQ(FormatTimestampMicros(1500000), "1970-01-01T00:00:01.500000Z");
  EXPECT_EQ(FormatTimestampMicros(-1), "1969-12-31T23:59:59.999999Z");
}

TEST(ParquetRowsTest, PagesAcrossFilesInColumnOrder) {
  auto dir = std::filesystem::temp_directory_path() / "dataml-parquet-rows-test";
  std::filesystem::create_directories(dir);
  TableSchema schema = {{"z", DataType::kInteger, std::nullopt}, {"a", DataType::kString, std::nullopt},
                        {"d", DataType::kDate, std::nullopt}};
  std::vector<std::string> paths;
  for (int f = 0; f < 2; ++f) {
    std::string csv = (dir / ("in" + std::to_string(f) + ".csv")).string();
    std::ofstream(csv) << "z,a,d\n" << f * 10 + 1 << ",x,2024-01-31\n" << f * 10 + 2 << ",,\n";
    paths.push_back((dir / ("out" + std::to_string(f) + ".parquet")).string());
    ASSERT_TRUE(ValidateCsvToParquet(LocalFile(csv), schema, *CreateLocalFile(paths.back())).ok());
  }
  auto page = ReadParquetRows(LocalFiles(paths), 1, 2);
  ASSERT_TRUE(page.ok()) << page.status().message();
  EXPECT_EQ(page->total_rows, 4);
  EXPECT_EQ(page->rows.dump(), R"([{"z":2,"a":null,"d":null},{"z":11,"a":"x","d":"2024-01-31"}])");
  EXPECT_EQ(ReadParquetRows(LocalFiles(paths), 10, 5)->rows.size(), 0u);
  EXPECT_FALSE(ReadParquetRows(LocalFiles({(dir / "missing.parquet").string()}), 0, 1).ok());
  std::filesystem::remove_all(dir);
}

TEST(ParquetRowsTest, SortsAcrossFilesWithNullsLastAndTiesInFileOrder) {
  auto dir = std::filesystem::temp_directory_path() / "dataml-parquet-sorted-rows-test";
  std::filesystem::create_directories(dir);
  TableSchema schema = {{"n", DataType::kInteger, std::nullopt}, {"s", DataType::kString, std::nullopt}};
  std::vector<std::string> paths;
  const char* bodies[] = {"n,s\n3,c\n,a\n1,b\n", "n,s\n2,b\n1,\n"};
  for (int f = 0; f < 2; ++f) {
    std::string csv = (dir / ("in" + std::to_string(f) + ".csv")).string();
    std::ofstream(csv) << bodies[f];
    paths.push_back((dir / ("out" + std::to_string(f) + ".parquet")).string());
    ASSERT_TRUE(ValidateCsvToParquet(LocalFile(csv), schema, *CreateLocalFile(paths.back())).ok());
  }
  auto ns = [](const RowPage& page) {
    std::string out;
    for (const auto& row : page.rows) out += row["n"].is_null() ? "_" : std::to_string(row["n"].get<int64_t>());
    return out;
  };
  auto ss = [](const RowPage& page) {
    std::string out;
    for (const auto& row : page.rows) out += row["s"].is_null() ? "_" : row["s"].get<std::string>();
    return out;
  };
  auto up = ReadParquetRowsSorted(LocalFiles(paths), "n", false, 0, 10);
  ASSERT_TRUE(up.ok()) << up.status().message();
  EXPECT_EQ(up->total_rows, 5);
  EXPECT_EQ(ns(*up), "1123_");
  EXPECT_EQ(ss(*up), "b_bca");  // the two 1s keep file order: file 0's "b", then file 1's null
  EXPECT_EQ(ns(*ReadParquetRowsSorted(LocalFiles(paths), "n", true, 0, 10)), "3211_");
  EXPECT_EQ(ss(*ReadParquetRowsSorted(LocalFiles(paths), "s", true, 1, 2)), "bb");
  EXPECT_EQ(ns(*ReadParquetRowsSorted(LocalFiles(paths), "", true, 0, 2)), "12");  // the last rows first
  EXPECT_EQ(ReadParquetRowsSorted(LocalFiles(paths), "n", false, 9, 5)->rows.size(), 0u);
  auto unknown = ReadParquetRowsSorted(LocalFiles(paths), "nope", false, 0, 1);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().field_errors().at(0).msg, "Input should be a column of the dataset: 'n', 's'");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dataml::engine
