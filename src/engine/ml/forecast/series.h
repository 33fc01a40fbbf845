// Time series in long format (a series key, a timestamp, a value per row) made regular: one
// value per period of a frequency, from each series' first period to its last, under rules
// that say how to combine rows that share a period and how to fill periods without one. The
// one reader of forecasting data: training and forecasts from a dataset both use it.
#pragma once

#include <arrow/table.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace dataml::engine::ml::forecast {

enum class Frequency { kHour, kDay, kWeek, kMonth, kQuarter, kYear };
enum class Aggregate { kSum, kMean, kLast };
enum class Fill { kZero, kPrevious, kLinear };

// "Hour", "Day", "Week", "Month", "Quarter", "Year"; parsed in any case.
const char* FrequencyName(Frequency frequency);
std::optional<Frequency> ParseFrequency(std::string_view name);
// The season a frequency implies: Hour 24, Day 7, Week 52, Month 12, Quarter 4, Year 1.
int DefaultSeasonLength(Frequency frequency);
// "sum", "mean", "last" and "zero", "previous", "linear"; parsed in any case.
const char* AggregateName(Aggregate aggregate);
std::optional<Aggregate> ParseAggregate(std::string_view name);
const char* FillName(Fill fill);
std::optional<Fill> ParseFill(std::string_view name);

struct SeriesRules {
  Frequency frequency = Frequency::kDay;
  // How rows that fall in one period (or off the grid, then put in the period they fall in)
  // become its value; without it they are refused.
  std::optional<Aggregate> aggregate;
  // How a period without a row (or with a missing value) gets one; without it, refused.
  std::optional<Fill> fill;
};

// Where a period is: Hour and Day count hours and days since 1970-01-01; Week counts days since
// then of the week's first day (weeks run in 7-day steps from the series' first date); Month,
// Quarter and Year count months since 0000-01 of the period's first month.
struct Period {
  Frequency frequency = Frequency::kDay;
  int64_t index = 0;
};
// The period `steps` after `p` (steps may be negative).
Period Advance(Period p, int64_t steps);
// The period's first instant as text: "YYYY-MM-DD" for a Date column, ISO-8601 UTC for a
// DateTime one (Hour always has a time).
std::string PeriodText(Period p, bool date_column);

// One series made regular: values[k] is the value of the period k steps after `start`.
struct Series {
  std::string key;  // the Id column's value as text; "" without an Id column
  Period start;
  std::vector<double> values;
  int64_t rows = 0;    // rows read into it
  int64_t filled = 0;  // periods given a value by the fill rule
  // Its static features' values as text (null: empty), in the recipe's order (SeriesRecipe::Read).
  std::vector<std::optional<std::string>> statics;
};

struct SeriesColumns {
  std::optional<std::string> id;  // without one, every row is one series
  std::string timestamp;          // Date (date32) or DateTime (timestamp[us])
  std::string target;             // Integer or Float
};

// A column's values as text (null: nullopt), whatever its type: series keys and static features
// compare that way. InvalidArgument naming `name` when the type has no text form.
Result<std::vector<std::optional<std::string>>> ColumnAsText(const std::shared_ptr<arrow::ChunkedArray>& column,
                                                             const std::string& name);

// The table's series, ordered by key. InvalidArgument naming the series and the dates for a
// row without a timestamp, rows that share a period, a timestamp off the grid or a period
// without a value (the last three unless the rules say how), and for columns of other types.
Result<std::vector<Series>> ReadSeries(const arrow::Table& table, const SeriesColumns& columns,
                                       const SeriesRules& rules);

}  // namespace dataml::engine::ml::forecast
