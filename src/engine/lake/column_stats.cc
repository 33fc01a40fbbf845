#include "engine/lake/column_stats.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/arrow_status.h"
#include "engine/lake/arrow_compute.h"

namespace dataml::engine::lake {

Result<NumericStats> ComputeNumericStats(const arrow::ChunkedArray& values) {
  if (!arrow::is_integer(values.type()->id()) && !arrow::is_floating(values.type()->id())) {
    return Status::InvalidArgument("not a numeric column");
  }
  auto cast = arrow::compute::Cast(arrow::Datum(std::make_shared<arrow::ChunkedArray>(values.chunks(), values.type())), arrow::float64());
  DATAML_ASSIGN_OR_RETURN(auto datum, FromArrow(std::move(cast), "cannot read the column"));
  std::vector<double> all;
  all.reserve(static_cast<size_t>(values.length() - values.null_count()));
  for (const auto& chunk : datum.chunked_array()->chunks()) {
    const auto& doubles = static_cast<const arrow::DoubleArray&>(*chunk);
    for (int64_t i = 0; i < doubles.length(); ++i) {
      if (doubles.IsValid(i)) all.push_back(doubles.Value(i));
    }
  }
  NumericStats out;
  out.count = static_cast<int64_t>(all.size());
  if (all.empty()) return out;
  // Welford's update: one pass, stable for large counts and large offsets.
  double mean = 0, m2 = 0, lo = all.front(), hi = all.front();
  for (size_t i = 0; i < all.size(); ++i) {
    const double x = all[i];
    const double delta = x - mean;
    mean += delta / static_cast<double>(i + 1);
    m2 += delta * (x - mean);
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  out.mean = mean;
  out.min = lo;
  out.max = hi;
  if (all.size() > 1) out.std_dev = std::sqrt(m2 / static_cast<double>(all.size() - 1));
  const size_t middle = all.size() / 2;
  std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(middle), all.end());
  double median = all[middle];
  if (all.size() % 2 == 0) {
    median = (median + *std::max_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(middle))) / 2;
  }
  out.median = median;
  return out;
}

namespace {

// The distinct texts of dictionary chunks: each chunk's dictionary values that a row uses, so the
// rows' strings are never built one by one.
int64_t CountDistinctDictionaries(const arrow::ChunkedArray& values) {
  std::unordered_set<std::string_view> seen;
  std::vector<uint8_t> used;
  for (const auto& chunk : values.chunks()) {
    const auto& array = static_cast<const arrow::DictionaryArray&>(*chunk);
    const auto& dictionary = static_cast<const arrow::StringArray&>(*array.dictionary());
    const auto& indices = static_cast<const arrow::Int32Array&>(*array.indices());
    used.assign(static_cast<size_t>(dictionary.length()), 0);
    for (int64_t i = 0; i < indices.length(); ++i) {
      if (indices.IsValid(i)) used[static_cast<size_t>(indices.Value(i))] = 1;
    }
    for (int64_t k = 0; k < dictionary.length(); ++k) {
      if (used[static_cast<size_t>(k)]) seen.insert(dictionary.GetView(k));
    }
  }
  return static_cast<int64_t>(seen.size());
}

// Fixed-width values: sorted and counted, which beats hashing ten million of them.
template <typename ArrayType, typename T>
int64_t CountDistinctSorted(const arrow::ChunkedArray& values) {
  std::vector<T> all;
  all.reserve(static_cast<size_t>(values.length() - values.null_count()));
  for (const auto& chunk : values.chunks()) {
    const auto& array = static_cast<const ArrayType&>(*chunk);
    for (int64_t i = 0; i < array.length(); ++i) {
      if (array.IsValid(i)) all.push_back(static_cast<T>(array.Value(i)));
    }
  }
  std::sort(all.begin(), all.end());
  return static_cast<int64_t>(std::unique(all.begin(), all.end()) - all.begin());
}

}  // namespace

Result<int64_t> CountDistinct(const arrow::ChunkedArray& values) {
  switch (values.type()->id()) {
    case arrow::Type::DICTIONARY:
      if (static_cast<const arrow::DictionaryType&>(*values.type()).value_type()->id() == arrow::Type::STRING &&
          static_cast<const arrow::DictionaryType&>(*values.type()).index_type()->id() == arrow::Type::INT32) {
        return CountDistinctDictionaries(values);
      }
      break;
    case arrow::Type::INT64: return CountDistinctSorted<arrow::Int64Array, int64_t>(values);
    case arrow::Type::TIMESTAMP: return CountDistinctSorted<arrow::TimestampArray, int64_t>(values);
    case arrow::Type::DATE32: return CountDistinctSorted<arrow::Date32Array, int32_t>(values);
    // -0.0 == 0.0 after sorting, as SQL counts them; the lake's doubles hold no NaN.
    case arrow::Type::DOUBLE: return CountDistinctSorted<arrow::DoubleArray, double>(values);
    default: break;
  }
  DATAML_RETURN_NOT_OK(EnsureArrowCompute());
  arrow::compute::CountOptions options(arrow::compute::CountOptions::ONLY_VALID);
  auto counted = arrow::compute::CallFunction(
      "count_distinct", {arrow::Datum(std::make_shared<arrow::ChunkedArray>(values.chunks(), values.type()))}, &options);
  DATAML_ASSIGN_OR_RETURN(auto datum, FromArrow(std::move(counted), "cannot count distinct values"));
  return static_cast<const arrow::Int64Scalar&>(*datum.scalar()).value;
}

}  // namespace dataml::engine::lake
