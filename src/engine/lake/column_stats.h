// Exact statistics of a lake column (11.5 and 11.6): over every value, never a sample.
#pragma once

#include <arrow/chunked_array.h>

#include <cstdint>
#include <optional>

#include "core/result.h"

namespace dataml::engine::lake {

struct NumericStats {
  int64_t count = 0;  // non-null values
  std::optional<double> mean, std_dev, min, max, median;  // none without values (std_dev: below 2)
};

// `values` of a numeric type (integers, floats); std_dev is the sample one (n - 1), median the
// mean of the two middle values for an even count.
Result<NumericStats> ComputeNumericStats(const arrow::ChunkedArray& values);
// Distinct non-null values.
Result<int64_t> CountDistinct(const arrow::ChunkedArray& values);

}  // namespace dataml::engine::lake
