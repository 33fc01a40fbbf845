#include "engine/ml/forecast/series.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <cmath>

#include "engine/data/data_type.h"

namespace dataml::engine::ml::forecast {
namespace {

int32_t Day(const char* text) { return *ParseDate(text); }

// Long-format rows: key, date, value (nullopt: missing).
std::shared_ptr<arrow::Table> Dated(const std::vector<std::tuple<std::string, std::string, std::optional<double>>>& rows) {
  arrow::StringBuilder keys;
  arrow::Date32Builder dates;
  arrow::DoubleBuilder values;
  for (const auto& [key, date, value] : rows) {
    EXPECT_TRUE(keys.Append(key).ok());
    EXPECT_TRUE(dates.Append(Day(date.c_str())).ok());
    EXPECT_TRUE((value ? values.Append(*value) : values.AppendNull()).ok());
  }
  return arrow::Table::Make(arrow::schema({arrow::field("id", arrow::utf8()), arrow::field("ds", arrow::date32()),
                                           arrow::field("y", arrow::float64())}),
                            {keys.Finish().ValueOrDie(), dates.Finish().ValueOrDie(), values.Finish().ValueOrDie()});
}

const SeriesColumns kColumns{"id", "ds", "y"};

SeriesRules Rules(Frequency f, std::optional<Aggregate> a = std::nullopt, std::optional<Fill> fill = std::nullopt) {
  return {f, a, fill};
}

TEST(SeriesTest, NamesParseInAnyCaseAndSeasonsFollowTheFrequency) {
  EXPECT_EQ(ParseFrequency("week"), Frequency::kWeek);
  EXPECT_EQ(ParseFrequency("QUARTER"), Frequency::kQuarter);
  EXPECT_FALSE(ParseFrequency("fortnight"));
  EXPECT_EQ(ParseAggregate("Mean"), Aggregate::kMean);
  EXPECT_EQ(ParseFill("linear"), Fill::kLinear);
  EXPECT_FALSE(ParseFill("interpolate"));
  EXPECT_EQ(DefaultSeasonLength(Frequency::kHour), 24);
  EXPECT_EQ(DefaultSeasonLength(Frequency::kWeek), 52);
  EXPECT_EQ(DefaultSeasonLength(Frequency::kYear), 1);
}

TEST(SeriesTest, WeeklySeriesRunFromTheirFirstDateAndContinueTheirGrid) {
  auto table = Dated({{"B", "2025-09-14", 5}, {"A", "2025-09-21", 2}, {"A", "2025-09-14", 1}, {"B", "2025-09-21", 6},
                      {"A", "2025-09-28", 3}});
  auto series = ReadSeries(*table, kColumns, Rules(Frequency::kWeek));
  ASSERT_TRUE(series.ok()) << series.status().message();
  ASSERT_EQ(series->size(), 2u);
  EXPECT_EQ((*series)[0].key, "A");
  EXPECT_EQ((*series)[0].values, (std::vector<double>{1, 2, 3}));
  EXPECT_EQ((*series)[0].rows, 3);
  EXPECT_EQ(PeriodText((*series)[0].start, true), "2025-09-14");
  EXPECT_EQ(PeriodText(Advance((*series)[0].start, 3), true), "2025-10-05");
  EXPECT_EQ(PeriodText(Advance((*series)[0].start, 3), false), "2025-10-05T00:00:00Z");
  EXPECT_EQ((*series)[1].values, (std::vector<double>{5, 6}));
}

TEST(SeriesTest, RowsSharingAPeriodAreRefusedUnlessAggregated) {
  auto table = Dated({{"A", "2025-01-01", 1}, {"A", "2025-01-02", 4}, {"A", "2025-01-02", 6}, {"A", "2025-01-03", std::nullopt},
                      {"A", "2025-01-03", 8}});
  auto refused = ReadSeries(*table, kColumns, Rules(Frequency::kDay));
  ASSERT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("series 'A': 2 rows fall in the Day of 2025-01-02"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("and 1 more"), std::string::npos) << refused.status().message();
  EXPECT_EQ(ReadSeries(*table, kColumns, Rules(Frequency::kDay, Aggregate::kSum))->front().values,
            (std::vector<double>{1, 10, 8}));
  EXPECT_EQ(ReadSeries(*table, kColumns, Rules(Frequency::kDay, Aggregate::kMean))->front().values,
            (std::vector<double>{1, 5, 8}));
  EXPECT_EQ(ReadSeries(*table, kColumns, Rules(Frequency::kDay, Aggregate::kLast))->front().values,
            (std::vector<double>{1, 6, 8}));
}

TEST(SeriesTest, MissingPeriodsAreRefusedUnlessFilled) {
  auto table = Dated({{"A", "2025-01-01", std::nullopt}, {"A", "2025-01-02", 2}, {"A", "2025-01-05", 8}, {"A", "2025-01-06", 9}});
  auto refused = ReadSeries(*table, kColumns, Rules(Frequency::kDay));
  ASSERT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("the Day of 2025-01-01 has no value (3 of its 6 periods lack one)"),
            std::string::npos)
      << refused.status().message();
  auto zero = ReadSeries(*table, kColumns, Rules(Frequency::kDay, std::nullopt, Fill::kZero));
  EXPECT_EQ(zero->front().values, (std::vector<double>{0, 2, 0, 0, 8, 9}));
  EXPECT_EQ(zero->front().filled, 3);
  EXPECT_EQ(ReadSeries(*table, kColumns, Rules(Frequency::kDay, std::nullopt, Fill::kPrevious))->front().values,
            (std::vector<double>{2, 2, 2, 2, 8, 9}));
  EXPECT_EQ(ReadSeries(*table, kColumns, Rules(Frequency::kDay, std::nullopt, Fill::kLinear))->front().values,
            (std::vector<double>{2, 2, 4, 6, 8, 9}));
  auto empty = ReadSeries(*Dated({{"A", "2025-01-01", std::nullopt}}), kColumns, Rules(Frequency::kDay, std::nullopt, Fill::kZero));
  EXPECT_NE(empty.status().message().find("series 'A' has no values"), std::string::npos);
}

TEST(SeriesTest, CalendarPeriodsTakeAnyDayInThemAndStartOnTheirFirstDay) {
  auto table = Dated({{"A", "2024-01-31", 1}, {"A", "2024-02-29", 2}, {"A", "2024-03-15", 3}, {"A", "2024-04-30", 4}});
  auto months = ReadSeries(*table, kColumns, Rules(Frequency::kMonth));
  ASSERT_TRUE(months.ok()) << months.status().message();
  EXPECT_EQ(months->front().values, (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(PeriodText(months->front().start, true), "2024-01-01");
  EXPECT_EQ(PeriodText(Advance(months->front().start, 11), true), "2024-12-01");
  EXPECT_EQ(PeriodText(Advance(months->front().start, 12), true), "2025-01-01");

  auto quarters = ReadSeries(*table, kColumns, Rules(Frequency::kQuarter, Aggregate::kSum));
  ASSERT_TRUE(quarters.ok()) << quarters.status().message();
  EXPECT_EQ(quarters->front().values, (std::vector<double>{6, 4}));
  EXPECT_EQ(PeriodText(Advance(quarters->front().start, 1), true), "2024-04-01");
  EXPECT_EQ(ReadSeries(*table, kColumns, Rules(Frequency::kQuarter)).status().code(), StatusCode::kInvalidArgument);
  auto years = ReadSeries(*table, kColumns, Rules(Frequency::kYear, Aggregate::kMean));
  EXPECT_EQ(years->front().values, (std::vector<double>{2.5}));
  EXPECT_EQ(PeriodText(Advance(years->front().start, 2), true), "2026-01-01");
}

TEST(SeriesTest, TimesOffTheGridAreRefusedUnlessAggregatedIntoTheirPeriod) {
  arrow::TimestampBuilder times(arrow::timestamp(arrow::TimeUnit::MICRO), arrow::default_memory_pool());
  arrow::Int64Builder values;
  for (const char* t : {"2025-01-01T00:00:00Z", "2025-01-01T01:00:00Z", "2025-01-01T02:30:00Z"}) {
    ASSERT_TRUE(times.Append(*ParseDateTime(t)).ok());
    ASSERT_TRUE(values.Append(7).ok());
  }
  auto table = arrow::Table::Make(arrow::schema({arrow::field("ts", arrow::timestamp(arrow::TimeUnit::MICRO)),
                                                 arrow::field("y", arrow::int64())}),
                                  {times.Finish().ValueOrDie(), values.Finish().ValueOrDie()});
  const SeriesColumns columns{std::nullopt, "ts", "y"};
  auto refused = ReadSeries(*table, columns, Rules(Frequency::kHour));
  ASSERT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("the series: 2025-01-01T02:30:00Z is not on the Hour grid"), std::string::npos)
      << refused.status().message();
  auto hours = ReadSeries(*table, columns, Rules(Frequency::kHour, Aggregate::kSum));
  ASSERT_TRUE(hours.ok());
  EXPECT_EQ(hours->front().key, "");
  EXPECT_EQ(hours->front().values, (std::vector<double>{7, 7, 7}));
  EXPECT_EQ(PeriodText(Advance(hours->front().start, 3), false), "2025-01-01T03:00:00Z");
  auto days = ReadSeries(*table, columns, Rules(Frequency::kDay));
  EXPECT_EQ(days.status().code(), StatusCode::kInvalidArgument) << "01:00 is not midnight";
  auto one_day = ReadSeries(*table, columns, Rules(Frequency::kDay, Aggregate::kMean));
  EXPECT_EQ(one_day->front().values, (std::vector<double>{7}));
}

TEST(SeriesTest, RefusesRowsWithoutTimestampsAndColumnsOfOtherTypes) {
  arrow::StringBuilder keys;
  arrow::Date32Builder dates;
  arrow::StringBuilder texts;
  ASSERT_TRUE(keys.Append("A").ok());
  ASSERT_TRUE(dates.AppendNull().ok());
  ASSERT_TRUE(texts.Append("x").ok());
  auto table = arrow::Table::Make(arrow::schema({arrow::field("id", arrow::utf8()), arrow::field("ds", arrow::date32()),
                                                 arrow::field("y", arrow::utf8())}),
                                  {keys.Finish().ValueOrDie(), dates.Finish().ValueOrDie(), texts.Finish().ValueOrDie()});
  EXPECT_NE(ReadSeries(*table, kColumns, Rules(Frequency::kDay)).status().message().find("must be an Integer or Float"),
            std::string::npos);
  EXPECT_NE(ReadSeries(*table, {"id", "y", "y"}, Rules(Frequency::kDay)).status().message().find("must be a Date or DateTime"),
            std::string::npos);
  EXPECT_NE(ReadSeries(*table, {"id", "nope", "y"}, Rules(Frequency::kDay)).status().message().find("no column 'nope'"),
            std::string::npos);
  auto no_time = Dated({{"A", "2025-01-01", 1}});
  auto with_null = arrow::Table::Make(no_time->schema(), {no_time->column(0), table->column(1), no_time->column(2)});
  EXPECT_NE(ReadSeries(*with_null, kColumns, Rules(Frequency::kDay)).status().message().find("series 'A': row 1 has no timestamp"),
            std::string::npos);
}

}  // namespace
}  // namespace dataml::engine::ml::forecast
