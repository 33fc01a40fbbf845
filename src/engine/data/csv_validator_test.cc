#include "engine/data/csv_validator.h"

#include <arrow/api.h>
#include <arrow/io/api.h>
#include <gtest/gtest.h>
#include <parquet/arrow/reader.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace dataml::engine {
namespace {

class CsvValidatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("dataml-csv-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& content) {
    std::string path = (dir_ / ("in" + std::to_string(counter_++) + ".csv")).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::shared_ptr<arrow::io::OutputStream> Sink(const std::string& path) {
    auto sink = CreateLocalFile(path);
    EXPECT_TRUE(sink.ok());
    return *sink;
  }
  std::string Out() { return (dir_ / ("out" + std::to_string(counter_++) + ".parquet")).string(); }

  std::shared_ptr<arrow::Table> ReadParquet(const std::string& path) {
    auto file = arrow::io::ReadableFile::Open(path).ValueOrDie();
    auto reader = parquet::arrow::OpenFile(file, arrow::default_memory_pool()).ValueOrDie();
    auto table = reader->ReadTable();
    EXPECT_TRUE(table.ok());
    return table.ok() ? *table : nullptr;
  }

  std::filesystem::path dir_;
  int counter_ = 0;
};

const TableSchema kSchema = {
    {"id", DataType::kInteger, std::nullopt},
    {"amount", DataType::kFloat, std::string("0.5")},
    {"name", DataType::kString, std::nullopt},
    {"active", DataType::kBoolean, std::nullopt},
    {"day", DataType::kDate, std::nullopt},
    {"at", DataType::kDateTime, std::nullopt},
};

TEST_F(CsvValidatorTest, GoodFileBecomesTypedParquet) {
  std::string csv =
      "\xEF\xBB\xBFid,amount,name,active,day,at\r\n"
      "1,2.5,\"Smith, \"\"Jo\"\"\",true,2024-02-29,2024-02-29T10:00:00Z\r\n"
      "2,,\"multi\nline\",no,2024-03-01,2024-03-01 00:00\r\n"
      "3,7,,1,2024-03-02,2024-03-02T00:00:00+01:00\r\n";
  std::string out = Out();
  auto result = ValidateCsvToParquet(LocalFile(Write(csv)), kSchema, Sink(out));
  ASSERT_TRUE(result.ok()) << result.status().message();
  const ValidationReport& r = result->report;
  EXPECT_EQ(r.total_fields, 6);
  EXPECT_EQ(r.total_records, 3);
  EXPECT_EQ(r.valid_records, 3);
  EXPECT_TRUE(r.clean());
  EXPECT_TRUE(r.ToJson().is_null());
  auto table = ReadParquet(out);
  ASSERT_EQ(table->num_rows(), 3);
  EXPECT_EQ(table->schema()->field(0)->type()->id(), arrow::Type::INT64);
  EXPECT_EQ(table->schema()->field(4)->type()->id(), arrow::Type::DATE32);
  EXPECT_EQ(table->schema()->field(5)->type()->id(), arrow::Type::TIMESTAMP);
  auto names = std::static_pointer_cast<arrow::StringArray>(table->column(2)->chunk(0));
  EXPECT_EQ(names->GetString(0), "Smith, \"Jo\"");
  EXPECT_EQ(names->GetString(1), "multi\nline");
  EXPECT_TRUE(names->IsNull(2));
  auto amounts = std::static_pointer_cast<arrow::DoubleArray>(table->column(1)->chunk(0));
  EXPECT_DOUBLE_EQ(amounts->Value(1), 0.5);  // empty cell took the default
  auto at = std::static_pointer_cast<arrow::TimestampArray>(table->column(5)->chunk(0));
  EXPECT_EQ(at->Value(2), int64_t{1709334000} * 1000000);  // 2024-03-01T23:00:00Z
}

TEST_F(CsvValidatorTest, BadCellsAndRaggedRowsAreReportedWithRecordNumbers) {
  std::string csv =
      "id;amount;name;active;day;at;extra\n"
      "1;1.0;a;true;2024-01-01;2024-01-01T00:00:00Z;x\n"
      "oops;1.0;b;true;2024-01-01;2024-01-01T00:00:00Z;x\n"
      "3;1.0;c\n"
      "4;NaN;d;maybe;2024-02-30;2024-01-01T00:00:00Z;x\n"
      "5;1.0;e;false;2024-01-05;2024-01-05T00:00:00Z;x\n";
  std::string out = Out();
  auto result = ValidateCsvToParquet(LocalFile(Write(csv)), kSchema, Sink(out));
  ASSERT_TRUE(result.ok()) << result.status().message();
  const ValidationReport& r = result->report;
  EXPECT_EQ(result->dialect.delimiter, ';');
  EXPECT_EQ(r.total_records, 5);
  EXPECT_EQ(r.valid_records, 2);
  EXPECT_EQ(r.extra_columns, std::vector<std::string>{"extra"});
  std::map<std::string, ErrorGroup> by_key;
  for (const auto& g : r.errors) by_key[g.column + "/" + g.kind] = g;
  ASSERT_TRUE(by_key.count("id/type_mismatch"));
  EXPECT_EQ(by_key["id/type_mismatch"].samples.at(0).row, 3);
  EXPECT_EQ(by_key["id/type_mismatch"].samples.at(0).value, "oops");
  ASSERT_TRUE(by_key.count("/ragged_row"));
  EXPECT_EQ(by_key["/ragged_row"].samples.at(0).row, 4);
  EXPECT_EQ(by_key["amount/type_mismatch"].samples.at(0).row, 5);
  EXPECT_EQ(by_key["active/type_mismatch"].count, 1);
  EXPECT_EQ(by_key["day/type_mismatch"].expected, "Date");
  auto table = ReadParquet(out);
  EXPECT_EQ(table->num_rows(), 2);
  EXPECT_EQ(table->num_columns(), 6);  // the extra column is not kept
}

TEST_F(CsvValidatorTest, MissingTemplateColumnsMakeTheFileUnusable) {
  auto result = ValidateCsvToParquet(LocalFile(Write("id,name\n1,a\n")), kSchema, Sink(Out()));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->report.valid_records, 0);
  EXPECT_EQ(result->report.missing_columns,
            (std::vector<std::string>{"amount", "active", "day", "at"}));
}

TEST_F(CsvValidatorTest, InvalidUtf8IsARowErrorNotACrash) {
  TableSchema schema = {{"name", DataType::kString, std::nullopt}};
  auto result = ValidateCsvToParquet(LocalFile(Write("name\nok\nbad\xff\xfe\nfine\n")), schema, Sink(Out()));
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->report.valid_records, 2);
  ASSERT_EQ(result->report.errors.size(), 1u);
  EXPECT_EQ(result->report.errors[0].kind, "invalid_utf8");
  EXPECT_EQ(result->report.errors[0].samples[0].value, "bad\\xff\\xfe");
  EXPECT_NO_THROW(result->report.ToJson().dump());
}

TEST_F(CsvValidatorTest, UnreadableFilesAreInvalidArgument) {
  for (const char* content : {"", "   \n", "a,,c\n1,2,3\n", "a,A\n1,2\n", "\xff\xfe,b\n1,2\n"}) {
    auto result = ValidateCsvToParquet(LocalFile(Write(content)), std::nullopt, Sink(Out()));
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << content;
  }
}

TEST_F(CsvValidatorTest, HeaderOnlyFileIsEmptyButValid) {
  auto result = ValidateCsvToParquet(LocalFile(Write("id,amount,name,active,day,at\n")), kSchema, Sink(Out()));
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->report.total_records, 0);
  EXPECT_EQ(result->report.valid_records, 0);
}

TEST_F(CsvValidatorTest, SchemaIsInferredWithoutATemplate) {
  std::string csv =
      "i|f|b|d|t|s|blank\n"
      "1|1.5|yes|2024-01-01|2024-01-01T10:00:00|x|\n"
      "2|2|no|2024-01-02|2024-01-02 11:00|y|\n"
      "|3e2||||1|\n";
  auto result = ValidateCsvToParquet(LocalFile(Write(csv)), std::nullopt, Sink(Out()));
  ASSERT_TRUE(result.ok()) << result.status().message();
  std::vector<DataType> types;
  for (const auto& c : result->schema) types.push_back(c.type);
  EXPECT_EQ(types, (std::vector<DataType>{DataType::kInteger, DataType::kFloat, DataType::kBoolean,
                                          DataType::kDate, DataType::kDateTime, DataType::kString,
                                          DataType::kString}));
  EXPECT_EQ(result->report.valid_records, 3);
}

// Random bytes and mangled CSV must never crash, hang or misreport counts.
TEST_F(CsvValidatorTest, FuzzedInputsNeverCrash) {
  std::mt19937 rng(12345);
  const std::string alphabet = "ab1,;\"\n\r\t|.-:T \xff\xc3\xa9";
  for (int round = 0; round < 300; ++round) {
    std::string csv = "x,y,z\n";
    int length = static_cast<int>(rng() % 400);
    for (int i = 0; i < length; ++i) csv.push_back(alphabet[rng() % alphabet.size()]);
    auto result = ValidateCsvToParquet(LocalFile(Write(csv)), std::nullopt, Sink(Out()));
    if (result.ok()) {
      EXPECT_LE(result->report.valid_records, result->report.total_records);
      EXPECT_GE(result->report.valid_records, 0);
    } else {
      EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << result.status().message();
    }
  }
}

}  // namespace
}  // namespace dataml::engine
