#include "engine/data/column_statistics.h"

#include <arrow/api.h>
#include <arrow/io/api.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "engine/data/typed_column_builder.h"

namespace dataml::engine {
namespace {

using nlohmann::json;
template <typename T>
using Values = std::vector<std::optional<T>>;

template <typename Builder, typename T>
std::shared_ptr<arrow::Array> Build(Builder builder, const Values<T>& values) {
  for (const auto& v : values) EXPECT_TRUE((v ? builder.Append(*v) : builder.AppendNull()).ok());
  std::shared_ptr<arrow::Array> out;
  EXPECT_TRUE(builder.Finish(&out).ok());
  return out;
}

std::shared_ptr<arrow::Array> Ints(const Values<int64_t>& v) { return Build(arrow::Int64Builder(), v); }
std::shared_ptr<arrow::Array> Floats(const Values<double>& v) { return Build(arrow::DoubleBuilder(), v); }
std::shared_ptr<arrow::Array> Strings(const Values<std::string>& v) { return Build(arrow::StringBuilder(), v); }
std::shared_ptr<arrow::Array> Bools(const Values<bool>& v) { return Build(arrow::BooleanBuilder(), v); }
std::shared_ptr<arrow::Array> Dates(const std::vector<std::optional<std::string>>& texts) {
  Values<int32_t> days;
  for (const auto& t : texts) days.push_back(t ? ParseDate(*t) : std::nullopt);
  return Build(arrow::Date32Builder(), days);
}
std::shared_ptr<arrow::Array> DateTimes(const std::vector<std::optional<std::string>>& texts) {
  Values<int64_t> micros;
  for (const auto& t : texts) micros.push_back(t ? ParseDateTime(*t) : std::nullopt);
  return Build(arrow::TimestampBuilder(ArrowTypeFor(DataType::kDateTime), arrow::default_memory_pool()), micros);
}

// The same columns in two files: statistics must combine them as one table.
const TableSchema kSchema = {
    {"n", DataType::kInteger, std::nullopt},    {"x", DataType::kFloat, std::nullopt},
    {"name", DataType::kString, std::nullopt},  {"flag", DataType::kBoolean, std::nullopt},
    {"day", DataType::kDate, std::nullopt},     {"at", DataType::kDateTime, std::nullopt},
    {"empty", DataType::kFloat, std::nullopt},  {"one", DataType::kInteger, std::nullopt},
};

class ColumnStatisticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("dataml-stats-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    std::optional<std::string> none;
    first_ = Write({Ints({1, 2, 3, 4, 5}), Floats({0.5, 2.5, 2.5, std::nullopt, -1.0}),
                    Strings({"b", "a", "b", none, "dd"}), Bools({true, false, true, std::nullopt, true}),
                    Dates({"2024-01-31", none, "2024-02-29", "2024-01-31", "2024-01-01"}),
                    DateTimes({"2024-01-31T10:00:00Z", none, none, "2024-01-31T10:00:00.5Z", none}),
                    Floats({std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt}),
                    Ints({7, 7, 7, 7, 7})});
    second_ = Write({Ints({6, 7, 8, 9, 10, std::nullopt}), Floats({4.0, 2.5, std::nullopt, std::nullopt, 10.0, 0.5}),
                     Strings({"a", "b", "\xC3\xA9\xC3\xA9\xC3\xA9", none, "a", "c"}),
                     Bools({false, std::nullopt, true, true, true, true}),
                     Dates({"2023-12-31", none, none, none, none, "2024-02-01"}),
                     DateTimes({"2023-05-01T23:59:59Z", none, none, none, none, none}),
                     Floats({std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt}),
                     Ints({7, std::nullopt, 7, 7, 7, 7})});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::vector<std::shared_ptr<arrow::Array>>& arrays, const TableSchema& schema = kSchema) {
    arrow::FieldVector fields;
    for (const ColumnSpec& c : schema) fields.push_back(arrow::field(c.name, ArrowTypeFor(c.type)));
    auto table = arrow::Table::Make(arrow::schema(fields), arrays);
    std::string path = (dir_ / ("part" + std::to_string(counter_++) + ".parquet")).string();
    auto sink = arrow::io::FileOutputStream::Open(path).ValueOrDie();
    // Two rows per row group, so one file already spans several.
    EXPECT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), sink, 2).ok());
    EXPECT_TRUE(sink->Close().ok());
    return path;
  }

  // Statistics of the single column `name` over both files.
  json Column(const std::string& name, const StatisticsOptions& options = StatisticsOptions::Defaults()) {
    TableSchema only;
    for (const ColumnSpec& c : kSchema) {
      if (c.name == name) only.push_back(c);
    }
    auto result = ComputeColumnStatistics(LocalFiles({first_, second_}), only, options);
    EXPECT_TRUE(result.ok()) << result.status().message();
    if (!result.ok()) return json();
    EXPECT_EQ((*result)["row_count"], 11);
    return (*result)["columns"].at(0);
  }

  std::filesystem::path dir_;
  int counter_ = 0;
  std::string first_, second_;
};

int64_t Sum(const json& counts) {
  int64_t sum = 0;
  for (const json& c : counts) sum += c.get<int64_t>();
  return sum;
}

TEST_F(ColumnStatisticsTest, WholeSchemaInSchemaOrder) {
  auto result = ComputeColumnStatistics(LocalFiles({first_, second_}), kSchema);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ((*result)["row_count"], 11);
  ASSERT_EQ((*result)["columns"].size(), kSchema.size());
  for (size_t i = 0; i < kSchema.size(); ++i) {
    const json& c = (*result)["columns"][i];
    EXPECT_EQ(c["column_name"], kSchema[i].name);
    EXPECT_EQ(c["data_type"], DataTypeName(kSchema[i].type));
    EXPECT_EQ(c["count"].get<int64_t>() + c["nulls"].get<int64_t>(), 11) << kSchema[i].name;
  }
}

TEST_F(ColumnStatisticsTest, IntegersCombineAcrossFiles) {
  StatisticsOptions options;
  options.histogram_bins = 3;
  json c = Column("n", options);
  EXPECT_EQ(c["count"], 10);
  EXPECT_EQ(c["nulls"], 1);
  EXPECT_EQ(c["distinct"], 10);
  EXPECT_TRUE(c["min"].is_number_integer());
  EXPECT_EQ(c["min"], 1);
  EXPECT_EQ(c["max"], 10);
  EXPECT_DOUBLE_EQ(c["mean"].get<double>(), 5.5);
  EXPECT_DOUBLE_EQ(c["std"].get<double>(), 3.0276503540974917);
  EXPECT_DOUBLE_EQ(c["median"].get<double>(), 5.5);
  EXPECT_DOUBLE_EQ(c["q1"].get<double>(), 3.25);
  EXPECT_DOUBLE_EQ(c["q3"].get<double>(), 7.75);
  EXPECT_EQ(c["histogram"]["bin_edges"], json::array({1.0, 4.0, 7.0, 10.0}));
  EXPECT_EQ(c["histogram"]["counts"], json::array({3, 3, 4}));  // numpy.histogram(range(1, 11), 3)
}

TEST_F(ColumnStatisticsTest, FloatsMatchNumpy) {
  json c = Column("x");  // -1, 0.5, 0.5, 2.5, 2.5, 2.5, 4, 10
  EXPECT_EQ(c["count"], 8);
  EXPECT_EQ(c["nulls"], 3);
  EXPECT_EQ(c["distinct"], 5);
  EXPECT_DOUBLE_EQ(c["min"].get<double>(), -1.0);
  EXPECT_DOUBLE_EQ(c["max"].get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(c["mean"].get<double>(), 2.6875);
  EXPECT_DOUBLE_EQ(c["std"].get<double>(), 3.3481071411428025);
  EXPECT_DOUBLE_EQ(c["median"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(c["q1"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(c["q3"].get<double>(), 2.875);
  const json& edges = c["histogram"]["bin_edges"];
  ASSERT_EQ(edges.size(), 21u);
  EXPECT_DOUBLE_EQ(edges.front().get<double>(), -1.0);
  EXPECT_DOUBLE_EQ(edges[1].get<double>(), -0.45);
  EXPECT_DOUBLE_EQ(edges.back().get<double>(), 10.0);
  EXPECT_EQ(c["histogram"]["counts"],
            json::array({1, 0, 2, 0, 0, 0, 3, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(Sum(c["histogram"]["counts"]), 8);
}

TEST_F(ColumnStatisticsTest, EqualValuesHaveOneBin) {
  json c = Column("one");
  EXPECT_EQ(c["count"], 10);
  EXPECT_EQ(c["nulls"], 1);
  EXPECT_EQ(c["distinct"], 1);
  EXPECT_DOUBLE_EQ(c["std"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(c["q3"].get<double>(), 7.0);
  EXPECT_EQ(c["histogram"]["bin_edges"], json::array({7.0, 7.0}));
  EXPECT_EQ(c["histogram"]["counts"], json::array({10}));
}

TEST_F(ColumnStatisticsTest, OneValueHasNoStd) {
  const TableSchema schema = {{"v", DataType::kFloat, std::nullopt}};
  std::string path = Write({Floats({std::nullopt, 3.5})}, schema);
  auto result = ComputeColumnStatistics(LocalFiles({path}), schema);
  ASSERT_TRUE(result.ok()) << result.status().message();
  const json& c = (*result)["columns"][0];
  EXPECT_EQ(c["count"], 1);
  ASSERT_TRUE(c.contains("std"));
  EXPECT_TRUE(c["std"].is_null());
  EXPECT_DOUBLE_EQ(c["mean"].get<double>(), 3.5);
  EXPECT_DOUBLE_EQ(c["median"].get<double>(), 3.5);
  EXPECT_DOUBLE_EQ(c["q1"].get<double>(), 3.5);
  EXPECT_EQ(c["histogram"]["counts"], json::array({1}));
}

TEST_F(ColumnStatisticsTest, StringsRankTopValuesAndCountCharacters) {
  StatisticsOptions options;
  options.top_values = 3;
  json c = Column("name", options);
  EXPECT_EQ(c["count"], 9);
  EXPECT_EQ(c["nulls"], 2);
  EXPECT_EQ(c["distinct"], 5);
  // a and b tie at 3 and c, dd, ééé at 1: ties go to the smaller value.
  EXPECT_EQ(c["top_values"], json::parse(R"([{"value":"a","count":3},{"value":"b","count":3},
                                             {"value":"c","count":1}])"));
  EXPECT_EQ(c["min_length"], 1);
  EXPECT_EQ(c["max_length"], 3);  // "ééé" is six bytes but three characters
  EXPECT_FALSE(c.contains("mean"));
}

TEST_F(ColumnStatisticsTest, BooleansCountEachValue) {
  json c = Column("flag");
  EXPECT_EQ(c["count"], 9);
  EXPECT_EQ(c["nulls"], 2);
  EXPECT_EQ(c["distinct"], 2);
  EXPECT_EQ(c["true_count"], 7);
  EXPECT_EQ(c["false_count"], 2);
}

TEST_F(ColumnStatisticsTest, DatesAndTimestampsAsIsoText) {
  json day = Column("day");
  EXPECT_EQ(day["count"], 6);
  EXPECT_EQ(day["nulls"], 5);
  EXPECT_EQ(day["distinct"], 5);
  EXPECT_EQ(day["min"], "2023-12-31");
  EXPECT_EQ(day["max"], "2024-02-29");
  json at = Column("at");
  EXPECT_EQ(at["count"], 3);
  EXPECT_EQ(at["distinct"], 3);
  EXPECT_EQ(at["min"], "2023-05-01T23:59:59Z");
  EXPECT_EQ(at["max"], "2024-01-31T10:00:00.500000Z");
}

TEST_F(ColumnStatisticsTest, AllNullColumnHasNullStatistics) {
  json c = Column("empty");
  EXPECT_EQ(c["count"], 0);
  EXPECT_EQ(c["nulls"], 11);
  EXPECT_EQ(c["distinct"], 0);
  for (const char* key : {"min", "max", "mean", "std", "median", "q1", "q3", "histogram"}) {
    ASSERT_TRUE(c.contains(key)) << key;
    EXPECT_TRUE(c[key].is_null()) << key;
  }
}

TEST_F(ColumnStatisticsTest, NoRowsGivesZeroCounts) {
  std::string empty = Write({Ints({}), Floats({}), Strings({}), Bools({}), Dates({}), DateTimes({}), Floats({}),
                             Ints({})});
  for (const auto& paths : {std::vector<std::string>{}, std::vector<std::string>{empty}}) {
    auto result = ComputeColumnStatistics(LocalFiles(paths), kSchema);
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ((*result)["row_count"], 0);
    ASSERT_EQ((*result)["columns"].size(), kSchema.size());
    for (const json& c : (*result)["columns"]) {
      EXPECT_EQ(c["count"], 0);
      EXPECT_EQ(c["nulls"], 0);
    }
    EXPECT_TRUE((*result)["columns"][2]["top_values"].is_null());
    EXPECT_TRUE((*result)["columns"][4]["min"].is_null());
    EXPECT_EQ((*result)["columns"][3]["true_count"], 0);
  }
}

TEST_F(ColumnStatisticsTest, MissingFileIsInternalAndNamesThePath) {
  std::string missing = (dir_ / "nope.parquet").string();
  auto result = ComputeColumnStatistics(LocalFiles({first_, missing}), kSchema);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
  EXPECT_NE(result.status().message().find(missing), std::string::npos);
}

TEST_F(ColumnStatisticsTest, NonParquetFileIsInternal) {
  std::string text = (dir_ / "text.parquet").string();
  std::ofstream(text) << "id,name\n1,a\n";
  auto result = ComputeColumnStatistics(LocalFiles({text}), kSchema);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
  EXPECT_NE(result.status().message().find(text), std::string::npos);
}

TEST_F(ColumnStatisticsTest, MissingOrMistypedColumnIsInvalidArgument) {
  TableSchema wider = kSchema;
  wider.push_back({"absent", DataType::kString, std::nullopt});
  auto missing = ComputeColumnStatistics(LocalFiles({first_}), wider);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("absent"), std::string::npos);

  auto mistyped = ComputeColumnStatistics(LocalFiles({first_}), {{"name", DataType::kInteger, std::nullopt}});
  ASSERT_FALSE(mistyped.ok());
  EXPECT_EQ(mistyped.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ColumnStatisticsTest, InvalidOptionsAreRejected) {
  StatisticsOptions options;
  options.histogram_bins = 0;
  auto result = ComputeColumnStatistics(LocalFiles({first_}), kSchema, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dataml::engine
