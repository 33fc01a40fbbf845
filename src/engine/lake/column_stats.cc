#include "engine/lake/column_stats.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include <algorithm>
#include <cmath>
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

Result<int64_t> CountDistinct(const arrow::ChunkedArray& values) {
  DATAML_RETURN_NOT_OK(EnsureArrowCompute());
  arrow::compute::CountOptions options(arrow::compute::CountOptions::ONLY_VALID);
  auto counted = arrow::compute::CallFunction(
      "count_distinct", {arrow::Datum(std::make_shared<arrow::ChunkedArray>(values.chunks(), values.type()))}, &options);
  DATAML_ASSIGN_OR_RETURN(auto datum, FromArrow(std::move(counted), "cannot count distinct values"));
  return static_cast<const arrow::Int64Scalar&>(*datum.scalar()).value;
}

}  // namespace dataml::engine::lake
