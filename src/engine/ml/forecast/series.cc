#include "engine/ml/forecast/series.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include "core/text.h"
#include "engine/data/data_type.h"
#include "engine/data/parquet_rows.h"

namespace dataml::engine::ml::forecast {
namespace {

constexpr int64_t kMicrosPerHour = int64_t{3600} * 1000000;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Months since 0000-01 of the month a day count falls in.
int64_t MonthOfDay(int64_t days) {
  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, y, m, d);
  return int64_t{y} * 12 + (m - 1);
}

int64_t FirstDayOfMonth(int64_t months) {
  const int64_t y = FloorDiv(months, 12);
  const unsigned m = static_cast<unsigned>(months - y * 12 + 1);
  const std::chrono::sys_days day{std::chrono::year{static_cast<int>(y)} / std::chrono::month{m} / 1};
  return day.time_since_epoch().count();
}

// The period an instant falls in, and whether it is the period's own instant (on the grid).
// `anchor_day`: the series' first day, from which weeks run.
std::pair<int64_t, bool> PeriodOf(Frequency f, int64_t micros, int64_t anchor_day) {
  const int64_t day = FloorDiv(micros, kMicrosPerDay);
  const bool midnight = micros - day * kMicrosPerDay == 0;
  switch (f) {
    case Frequency::kHour: {
      const int64_t hour = FloorDiv(micros, kMicrosPerHour);
      return {hour, hour * kMicrosPerHour == micros};
    }
    case Frequency::kDay: return {day, midnight};
    case Frequency::kWeek: {
      const int64_t offset = day - anchor_day;
      return {anchor_day + FloorDiv(offset, 7) * 7, midnight && offset % 7 == 0};
    }
    case Frequency::kMonth: return {MonthOfDay(day), midnight};
    case Frequency::kQuarter: {
      const int64_t month = MonthOfDay(day);
      return {month - (month - FloorDiv(month, 12) * 12) % 3, midnight};
    }
    case Frequency::kYear: {
      const int64_t month = MonthOfDay(day);
      return {month - (month - FloorDiv(month, 12) * 12), midnight};
    }
  }
  return {day, midnight};
}

// How far apart two periods' indices are.
int64_t StepOf(Frequency f) {
  return f == Frequency::kWeek ? 7 : f == Frequency::kQuarter ? 3 : f == Frequency::kYear ? 12 : 1;
}

bool SameName(std::string_view a, std::string_view b) { return ToLowerAscii(a) == ToLowerAscii(b); }

struct Row {
  int64_t micros;
  double value;  // NaN when missing
  size_t order;  // in the file
};

std::string Quoted(const std::string& key) { return key.empty() ? std::string("the series") : "series '" + key + "'"; }

}  // namespace

const char* FrequencyName(Frequency f) {
  switch (f) {
    case Frequency::kHour: return "Hour";
    case Frequency::kDay: return "Day";
    case Frequency::kWeek: return "Week";
    case Frequency::kMonth: return "Month";
    case Frequency::kQuarter: return "Quarter";
    case Frequency::kYear: return "Year";
  }
  return "Day";
}

std::optional<Frequency> ParseFrequency(std::string_view name) {
  for (Frequency f : {Frequency::kHour, Frequency::kDay, Frequency::kWeek, Frequency::kMonth, Frequency::kQuarter,
                      Frequency::kYear}) {
    if (SameName(name, FrequencyName(f))) return f;
  }
  return std::nullopt;
}

int DefaultSeasonLength(Frequency f) {
  switch (f) {
    case Frequency::kHour: return 24;
    case Frequency::kDay: return 7;
    case Frequency::kWeek: return 52;
    case Frequency::kMonth: return 12;
    case Frequency::kQuarter: return 4;
    case Frequency::kYear: return 1;
  }
  return 1;
}

const char* AggregateName(Aggregate a) {
  switch (a) {
    case Aggregate::kSum: return "sum";
    case Aggregate::kMean: return "mean";
    case Aggregate::kLast: return "last";
  }
  return "sum";
}

std::optional<Aggregate> ParseAggregate(std::string_view name) {
  for (Aggregate a : {Aggregate::kSum, Aggregate::kMean, Aggregate::kLast}) {
    if (SameName(name, AggregateName(a))) return a;
  }
  return std::nullopt;
}

const char* FillName(Fill f) {
  switch (f) {
    case Fill::kZero: return "zero";
    case Fill::kPrevious: return "previous";
    case Fill::kLinear: return "linear";
  }
  return "zero";
}

std::optional<Fill> ParseFill(std::string_view name) {
  for (Fill f : {Fill::kZero, Fill::kPrevious, Fill::kLinear}) {
    if (SameName(name, FillName(f))) return f;
  }
  return std::nullopt;
}

Result<std::vector<std::optional<std::string>>> ColumnAsText(const std::shared_ptr<arrow::ChunkedArray>& column,
                                                             const std::string& name) {
  auto cast = arrow::compute::Cast(arrow::Datum(column), arrow::utf8());
  if (!cast.ok()) return Status::InvalidArgument("column '" + name + "' cannot be read as text: " + cast.status().ToString());
  std::vector<std::optional<std::string>> out;
  for (const auto& chunk : cast->chunked_array()->chunks()) {
    const auto& text = static_cast<const arrow::StringArray&>(*chunk);
    for (int64_t i = 0; i < text.length(); ++i) {
      out.push_back(text.IsNull(i) ? std::nullopt : std::optional<std::string>(text.GetString(i)));
    }
  }
  return out;
}

Period Advance(Period p, int64_t steps) {
  p.index += StepOf(p.frequency) * steps;
  return p;
}

std::string PeriodText(Period p, bool date_column) {
  int64_t micros = 0;
  switch (p.frequency) {
    case Frequency::kHour: return FormatTimestampMicros(p.index * kMicrosPerHour);
    case Frequency::kDay:
    case Frequency::kWeek: micros = p.index * kMicrosPerDay; break;
    default: micros = FirstDayOfMonth(p.index) * kMicrosPerDay;
  }
  if (date_column) return FormatDate(static_cast<int32_t>(micros / kMicrosPerDay));
  return FormatTimestampMicros(micros);
}

Result<std::vector<Series>> ReadSeries(const arrow::Table& table, const SeriesColumns& columns,
                                       const SeriesRules& rules) {
  auto find = [&](const std::string& name) -> Result<std::shared_ptr<arrow::ChunkedArray>> {
    auto column = table.GetColumnByName(name);
    if (!column) return Status::InvalidArgument("the data has no column '" + name + "'");
    return column;
  };
  DATAML_ASSIGN_OR_RETURN(auto time_column, find(columns.timestamp));
  DATAML_ASSIGN_OR_RETURN(auto target_column, find(columns.target));
  const arrow::Type::type time_type = time_column->type()->id();
  if (time_type != arrow::Type::DATE32 && time_type != arrow::Type::TIMESTAMP)
    return Status::InvalidArgument("the Timestamp column '" + columns.timestamp + "' must be a Date or DateTime");
  if (time_type == arrow::Type::TIMESTAMP &&
      static_cast<const arrow::TimestampType&>(*time_column->type()).unit() != arrow::TimeUnit::MICRO)
    return Status::InvalidArgument("the Timestamp column '" + columns.timestamp + "' must hold microseconds");
  const bool date_column = time_type == arrow::Type::DATE32;
  const arrow::Type::type target_type = target_column->type()->id();
  if (target_type != arrow::Type::INT64 && target_type != arrow::Type::DOUBLE)
    return Status::InvalidArgument("the Target column '" + columns.target + "' must be an Integer or Float");

  const size_t n = static_cast<size_t>(table.num_rows());
  std::vector<std::optional<int64_t>> instants;
  instants.reserve(n);
  for (const auto& chunk : time_column->chunks()) {
    for (int64_t i = 0; i < chunk->length(); ++i) {
      if (chunk->IsNull(i)) {
        instants.push_back(std::nullopt);
      } else if (date_column) {
        instants.push_back(int64_t{static_cast<const arrow::Date32Array&>(*chunk).Value(i)} * kMicrosPerDay);
      } else {
        instants.push_back(static_cast<const arrow::TimestampArray&>(*chunk).Value(i));
      }
    }
  }
  std::vector<double> values;
  values.reserve(n);
  for (const auto& chunk : target_column->chunks()) {
    for (int64_t i = 0; i < chunk->length(); ++i) {
      if (chunk->IsNull(i)) {
        values.push_back(NAN);
      } else if (target_type == arrow::Type::INT64) {
        values.push_back(static_cast<double>(static_cast<const arrow::Int64Array&>(*chunk).Value(i)));
      } else {
        values.push_back(static_cast<const arrow::DoubleArray&>(*chunk).Value(i));
      }
    }
  }
  std::vector<std::optional<std::string>> keys(n, std::string());
  if (columns.id) {
    DATAML_ASSIGN_OR_RETURN(auto id_column, find(*columns.id));
    DATAML_ASSIGN_OR_RETURN(keys, ColumnAsText(id_column, *columns.id));
  }

  std::map<std::string, std::vector<Row>> grouped;
  for (size_t i = 0; i < n; ++i) {
    if (!keys[i]) return Status::InvalidArgument("row " + std::to_string(i + 1) + " has no series Id");
    if (!instants[i]) return Status::InvalidArgument(Quoted(*keys[i]) + ": row " + std::to_string(i + 1) + " has no timestamp");
    grouped[*keys[i]].push_back({*instants[i], values[i], i});
  }

  // Problems of one kind are counted; the first is told with its series and dates.
  std::optional<std::string> first_problem;
  int64_t problems = 0;
  auto problem = [&](std::string text) {
    if (!first_problem) first_problem = std::move(text);
    ++problems;
  };
  auto instant_text = [&](int64_t micros) {
    return date_column ? FormatDate(static_cast<int32_t>(FloorDiv(micros, kMicrosPerDay))) : FormatTimestampMicros(micros);
  };
  const char* freq = FrequencyName(rules.frequency);

  std::vector<Series> out;
  for (auto& [key, rows] : grouped) {
    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.micros < b.micros; });
    const int64_t anchor_day = FloorDiv(rows.front().micros, kMicrosPerDay);
    // Rows by period, in time order.
    std::map<int64_t, std::vector<const Row*>> periods;
    for (const Row& row : rows) {
      auto [index, on_grid] = PeriodOf(rules.frequency, row.micros, anchor_day);
      if (!on_grid && !rules.aggregate) {
        problem(Quoted(key) + ": " + instant_text(row.micros) + " is not on the " + freq + " grid (" +
                PeriodText({rules.frequency, index}, date_column) + " is its period); give aggregate (sum, mean or "
                "last) to put such rows in the period they fall in");
      }
      periods[index].push_back(&row);
    }
    Series series;
    series.key = key;
    series.rows = static_cast<int64_t>(rows.size());
    series.start = {rules.frequency, periods.begin()->first};
    for (const auto& [index, in_period] : periods) {
      if (in_period.size() > 1 && !rules.aggregate) {
        problem(Quoted(key) + ": " + std::to_string(in_period.size()) + " rows fall in the " + freq + " of " +
                PeriodText({rules.frequency, index}, date_column) + " (" + instant_text(in_period[0]->micros) + ", " +
                instant_text(in_period[1]->micros) + "); give aggregate (sum, mean or last) to combine them");
      }
      double value = NAN;
      if (in_period.size() == 1) {
        value = in_period[0]->value;
      } else if (rules.aggregate == Aggregate::kLast) {
        for (const Row* row : in_period) {
          if (!std::isnan(row->value)) value = row->value;
        }
      } else {
        double sum = 0;
        int present = 0;
        for (const Row* row : in_period) {
          if (std::isnan(row->value)) continue;
          sum += row->value;
          ++present;
        }
        if (present > 0) value = rules.aggregate == Aggregate::kMean ? sum / present : sum;
      }
      // Periods without a row before this one are missing.
      const size_t position = static_cast<size_t>((index - series.start.index) / StepOf(rules.frequency));
      series.values.resize(position, NAN);
      series.values.push_back(value);
    }
    const size_t missing = static_cast<size_t>(std::count_if(series.values.begin(), series.values.end(),
                                                             [](double v) { return std::isnan(v); }));
    if (missing == series.values.size()) {
      problem(Quoted(key) + " has no values");
      continue;
    }
    if (missing > 0 && !rules.fill) {
      size_t k = 0;
      while (!std::isnan(series.values[k])) ++k;
      problem(Quoted(key) + ": the " + freq + " of " + PeriodText(Advance(series.start, static_cast<int64_t>(k)), date_column) +
              " has no value (" + std::to_string(missing) + " of its " + std::to_string(series.values.size()) +
              " periods lack one); give fill (zero, previous or linear) to fill them");
    }
    if (missing > 0 && rules.fill) {
      std::vector<double>& v = series.values;
      size_t first = 0;
      while (std::isnan(v[first])) ++first;
      for (size_t k = 0; k < v.size(); ++k) {
        if (!std::isnan(v[k])) continue;
        ++series.filled;
        if (*rules.fill == Fill::kZero) {
          v[k] = 0;
        } else if (k < first) {
          v[k] = v[first];  // nothing before: the first value
        } else if (*rules.fill == Fill::kPrevious) {
          v[k] = v[k - 1];
        } else {
          size_t next = k;
          while (next < v.size() && std::isnan(v[next])) ++next;
          if (next == v.size()) {
            v[k] = v[k - 1];  // nothing after: the last value
          } else {
            const double step = (v[next] - v[k - 1]) / static_cast<double>(next - k + 1);
            v[k] = v[k - 1] + step;
          }
        }
      }
    }
    out.push_back(std::move(series));
  }
  if (first_problem) {
    return Status::InvalidArgument(*first_problem +
                                   (problems > 1 ? " (and " + std::to_string(problems - 1) + " more such problems)" : ""));
  }
  return out;
}

}  // namespace dataml::engine::ml::forecast
