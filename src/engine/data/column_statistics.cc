#include "engine/data/column_statistics.h"
#include "engine/data/memory_pool.h"

#include <arrow/api.h>
#include <arrow/io/api.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/schema.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <functional>
#include <numeric>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "engine/data/parquet_rows.h"
#include "engine/data/typed_column_builder.h"

namespace dataml::engine {
namespace {

using nlohmann::json;

// One opened file; the reader keeps the handle and the parsed footer for every column pass.
struct ParquetSource {
  std::string path;
  std::unique_ptr<parquet::arrow::FileReader> reader;
  std::shared_ptr<arrow::Schema> schema;
  std::vector<int> row_groups;
};

bool HasExpectedType(const arrow::DataType& actual, DataType type) {
  if (actual.id() != ArrowTypeFor(type)->id()) return false;
  if (actual.id() != arrow::Type::TIMESTAMP) return true;
  // The time zone is only a label on UTC instants, but the unit changes what the numbers mean.
  return static_cast<const arrow::TimestampType&>(actual).unit() == arrow::TimeUnit::MICRO;
}

Result<ParquetSource> OpenSource(const FileRef& ref, const TableSchema& schema) {
  const std::string& path = ref.path;
  DATAML_ASSIGN_OR_RETURN(auto file, OpenFile(ref));
  auto opened = parquet::arrow::OpenFile(file, DataMemoryPool());
  if (!opened.ok()) return Status::Internal("cannot read " + path + ": " + opened.status().ToString());
  ParquetSource source{path, std::move(*opened), nullptr, {}};
  arrow::Status st = source.reader->GetSchema(&source.schema);
  if (!st.ok()) return Status::Internal("cannot read the schema of " + path + ": " + st.ToString());
  for (const ColumnSpec& column : schema) {
    // -1 also when the name is ambiguous: statistics of either column would be a guess.
    const int index = source.schema->GetFieldIndex(column.name);
    if (index < 0) return Status::InvalidArgument(path + " has no single column " + column.name);
    const auto& type = source.schema->field(index)->type();
    if (!HasExpectedType(*type, column.type)) {
      return Status::InvalidArgument("column " + column.name + " of " + path + " is " + type->ToString() +
                                     ", not " + DataTypeName(column.type));
    }
  }
  source.row_groups.resize(static_cast<size_t>(source.reader->num_row_groups()));
  std::iota(source.row_groups.begin(), source.row_groups.end(), 0);
  return source;
}

// Calls consume(array) for each record batch of one column, file after file, so that only
// one batch of the column is decoded at a time.
Status ForEachBatch(std::vector<ParquetSource>& sources, const std::string& column,
                    const std::function<void(const arrow::Array&)>& consume) {
  for (ParquetSource& source : sources) {
    if (source.row_groups.empty()) continue;
    const int field = source.schema->GetFieldIndex(column);
    const int leaf = source.reader->manifest().schema_fields[static_cast<size_t>(field)].column_index;
    auto batches = source.reader->GetRecordBatchReader(source.row_groups, {leaf});
    if (!batches.ok()) return Status::Internal("cannot read " + source.path + ": " + batches.status().ToString());
    while (true) {
      std::shared_ptr<arrow::RecordBatch> batch;
      arrow::Status st = (*batches)->ReadNext(&batch);
      if (!st.ok()) return Status::Internal("cannot read " + source.path + ": " + st.ToString());
      if (!batch) break;
      consume(*batch->column(0));
    }
  }
  return Status::OK();
}

// The non-null values of a column; exact quantiles and distinct counts need all of them.
template <typename ArrayType, typename T>
Status CollectValues(std::vector<ParquetSource>& sources, const std::string& column,
                     std::vector<T>& values, int64_t& nulls) {
  return ForEachBatch(sources, column, [&](const arrow::Array& array) {
    const auto& typed = static_cast<const ArrayType&>(array);
    for (int64_t i = 0; i < typed.length(); ++i) {
      const T value = typed.IsNull(i) ? T{} : static_cast<T>(typed.Value(i));
      // Validation admits finite floats only; a NaN or infinity from elsewhere counts as
      // missing (as pandas treats NaN) rather than turning every statistic into NaN.
      bool missing = typed.IsNull(i);
      if constexpr (std::is_floating_point_v<T>) missing = missing || !std::isfinite(value);
      if (missing) ++nulls;
      else values.push_back(value);
    }
  });
}

template <typename T>
int64_t CountDistinctSorted(const std::vector<T>& sorted) {
  int64_t distinct = sorted.empty() ? 0 : 1;
  for (size_t i = 1; i < sorted.size(); ++i) distinct += sorted[i] != sorted[i - 1] ? 1 : 0;
  return distinct;
}

// numpy's default ("linear") quantile, including its lerp that stays exact near either end.
template <typename T>
double Quantile(const std::vector<T>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(position);
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double t = position - static_cast<double>(lo);
  const double a = static_cast<double>(sorted[lo]);
  const double b = static_cast<double>(sorted[hi]);
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

// numpy's median averages the two middle values rather than interpolating.
template <typename T>
double Median(const std::vector<T>& sorted) {
  const size_t mid = sorted.size() / 2;
  if (sorted.size() % 2 == 1) return static_cast<double>(sorted[mid]);
  return std::midpoint(static_cast<double>(sorted[mid - 1]), static_cast<double>(sorted[mid]));
}

// Equal-width bins as numpy.histogram draws them: the index from the scaled offset, then
// corrected against the edges themselves so rounding never puts a value past its edge.
template <typename T>
json Histogram(const std::vector<T>& sorted, int bins) {
  const double first = static_cast<double>(sorted.front());
  const double last = static_cast<double>(sorted.back());
  if (first == last) {
    return {{"bin_edges", json::array({first, last})}, {"counts", json::array({sorted.size()})}};
  }
  const size_t n = static_cast<size_t>(bins);
  std::vector<double> edges(n + 1);
  const double step = (last - first) / static_cast<double>(n);
  for (size_t i = 0; i < n; ++i) edges[i] = static_cast<double>(i) * step + first;
  edges[n] = last;
  std::vector<int64_t> counts(n, 0);
  for (const T& v : sorted) {
    const double x = static_cast<double>(v);
    const double scaled = (x - first) / (last - first) * static_cast<double>(n);
    size_t index = scaled < static_cast<double>(n) ? static_cast<size_t>(std::max(scaled, 0.0)) : n - 1;
    if (index > 0 && x < edges[index]) --index;
    else if (index + 1 < n && x >= edges[index + 1]) ++index;
    ++counts[index];
  }
  return {{"bin_edges", edges}, {"counts", counts}};
}

template <typename T>
void AddNumberStatistics(std::vector<T>& values, const StatisticsOptions& options, json& out) {
  std::sort(values.begin(), values.end());
  out["distinct"] = CountDistinctSorted(values);
  if (values.empty()) {
    for (const char* key : {"min", "max", "mean", "std", "median", "q1", "q3", "histogram"}) out[key] = nullptr;
    return;
  }
  out["min"] = values.front();
  out["max"] = values.back();
  // long double keeps int64 sums exact far beyond 2^53.
  const long double n = static_cast<long double>(values.size());
  long double sum = 0;
  for (const T& v : values) sum += static_cast<long double>(v);
  const long double mean = sum / n;
  out["mean"] = static_cast<double>(mean);
  if (values.size() < 2) {
    out["std"] = nullptr;
  } else {
    long double squares = 0;
    for (const T& v : values) squares += (static_cast<long double>(v) - mean) * (static_cast<long double>(v) - mean);
    out["std"] = static_cast<double>(std::sqrt(squares / (n - 1)));
  }
  out["median"] = Median(values);
  out["q1"] = Quantile(values, 0.25);
  out["q3"] = Quantile(values, 0.75);
  out["histogram"] = Histogram(values, options.histogram_bins);
}

void AddTimeStatistics(std::vector<int64_t>& values, DataType type, json& out) {
  std::sort(values.begin(), values.end());
  out["distinct"] = CountDistinctSorted(values);
  if (values.empty()) {
    out["min"] = nullptr;
    out["max"] = nullptr;
    return;
  }
  auto text = [type](int64_t v) {
    return type == DataType::kDate ? FormatDate(static_cast<int32_t>(v)) : FormatTimestampMicros(v);
  };
  out["min"] = text(values.front());
  out["max"] = text(values.back());
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using StringCounts = std::unordered_map<std::string, int64_t, StringHash, std::equal_to<>>;

// Length in code points, as a user counts characters (strings are validated UTF-8).
int64_t CodePoints(std::string_view s) {
  return std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

Status AddStringStatistics(std::vector<ParquetSource>& sources, const ColumnSpec& column,
                           const StatisticsOptions& options, json& out) {
  StringCounts counts;
  int64_t count = 0, nulls = 0;
  int64_t min_length = INT64_MAX, max_length = 0;
  DATAML_RETURN_NOT_OK(ForEachBatch(sources, column.name, [&](const arrow::Array& array) {
    const auto& strings = static_cast<const arrow::StringArray&>(array);
    for (int64_t i = 0; i < strings.length(); ++i) {
      if (strings.IsNull(i)) {
        ++nulls;
        continue;
      }
      const std::string_view value = strings.GetView(i);
      ++count;
      const int64_t length = CodePoints(value);
      min_length = std::min(min_length, length);
      max_length = std::max(max_length, length);
      auto it = counts.find(value);
      if (it == counts.end()) counts.emplace(std::string(value), 1);
      else ++it->second;
    }
  }));
  out["count"] = count;
  out["nulls"] = nulls;
  out["distinct"] = counts.size();
  if (count == 0) {
    out["top_values"] = nullptr;
    out["min_length"] = nullptr;
    out["max_length"] = nullptr;
    return Status::OK();
  }
  std::vector<std::pair<const std::string*, int64_t>> ranked;
  ranked.reserve(counts.size());
  for (const auto& [value, n] : counts) ranked.emplace_back(&value, n);
  const size_t top = std::min(ranked.size(), static_cast<size_t>(options.top_values));
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(top), ranked.end(),
                    [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : *a.first < *b.first; });
  json top_values = json::array();
  for (size_t i = 0; i < top; ++i) top_values.push_back({{"value", *ranked[i].first}, {"count", ranked[i].second}});
  out["top_values"] = std::move(top_values);
  out["min_length"] = min_length;
  out["max_length"] = max_length;
  return Status::OK();
}

Status AddBooleanStatistics(std::vector<ParquetSource>& sources, const ColumnSpec& column, json& out) {
  int64_t trues = 0, falses = 0, nulls = 0;
  DATAML_RETURN_NOT_OK(ForEachBatch(sources, column.name, [&](const arrow::Array& array) {
    const auto& booleans = static_cast<const arrow::BooleanArray&>(array);
    nulls += booleans.null_count();
    trues += booleans.true_count();
    falses += booleans.false_count();
  }));
  out["count"] = trues + falses;
  out["nulls"] = nulls;
  out["distinct"] = (trues > 0 ? 1 : 0) + (falses > 0 ? 1 : 0);
  out["true_count"] = trues;
  out["false_count"] = falses;
  return Status::OK();
}

// Collects the values of a column of ArrayType, then summarizes them with add(values, out).
template <typename ArrayType, typename T, typename Add>
Status AddCollectedStatistics(std::vector<ParquetSource>& sources, const ColumnSpec& column, int64_t row_count,
                              json& out, Add add) {
  std::vector<T> values;
  values.reserve(static_cast<size_t>(row_count));  // one allocation instead of doubling copies
  int64_t nulls = 0;
  DATAML_RETURN_NOT_OK(CollectValues<ArrayType>(sources, column.name, values, nulls));
  out["count"] = values.size();
  out["nulls"] = nulls;
  add(values, out);
  return Status::OK();
}

Result<json> ColumnStatisticsOf(std::vector<ParquetSource>& sources, const ColumnSpec& column, int64_t row_count,
                                const StatisticsOptions& options) {
  json out = {{"column_name", column.name}, {"data_type", DataTypeName(column.type)}};
  auto numbers = [&options](auto& values, json& o) { AddNumberStatistics(values, options, o); };
  auto times = [&column](std::vector<int64_t>& values, json& o) { AddTimeStatistics(values, column.type, o); };
  Status st;
  switch (column.type) {
    case DataType::kInteger:
      st = AddCollectedStatistics<arrow::Int64Array, int64_t>(sources, column, row_count, out, numbers);
      break;
    case DataType::kFloat:
      st = AddCollectedStatistics<arrow::DoubleArray, double>(sources, column, row_count, out, numbers);
      break;
    case DataType::kDate:
      st = AddCollectedStatistics<arrow::Date32Array, int64_t>(sources, column, row_count, out, times);
      break;
    case DataType::kDateTime:
      st = AddCollectedStatistics<arrow::TimestampArray, int64_t>(sources, column, row_count, out, times);
      break;
    case DataType::kString:
      st = AddStringStatistics(sources, column, options, out);
      break;
    case DataType::kBoolean:
      st = AddBooleanStatistics(sources, column, out);
      break;
  }
  if (!st.ok()) return st;
  return out;
}

Result<json> Compute(const FileSet& files, const TableSchema& schema, const StatisticsOptions& options) {
  DATAML_RETURN_NOT_OK(options.Validate());
  std::vector<ParquetSource> sources;
  sources.reserve(files.paths.size());
  int64_t row_count = 0;
  for (const std::string& path : files.paths) {
    DATAML_ASSIGN_OR_RETURN(ParquetSource source, OpenSource({files.fs, path}, schema));
    row_count += source.reader->parquet_reader()->metadata()->num_rows();
    sources.push_back(std::move(source));
  }
  json columns = json::array();
  for (const ColumnSpec& column : schema) {
    DATAML_ASSIGN_OR_RETURN(json statistics, ColumnStatisticsOf(sources, column, row_count, options));
    columns.push_back(std::move(statistics));
  }
  return json{{"row_count", row_count}, {"columns", std::move(columns)}};
}

}  // namespace

StatisticsOptions StatisticsOptions::Defaults() { return StatisticsOptions{}; }

Status StatisticsOptions::Validate() const {
  if (histogram_bins < 1) return Status::InvalidArgument("histogram_bins must be at least 1");
  if (top_values < 0) return Status::InvalidArgument("top_values must not be negative");
  return Status::OK();
}

Result<nlohmann::json> ComputeColumnStatistics(const FileSet& parquet_files,
                                               const TableSchema& schema, const StatisticsOptions& options) {
  // Parquet reports most failures as Status, but can still throw (and so can allocation);
  // nothing may escape to the caller.
  try {
    return Compute(parquet_files, schema, options);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("computing column statistics: ") + e.what());
  }
}

}  // namespace dataml::engine
