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

}  // namespace
}  // namespace dataml::engine
