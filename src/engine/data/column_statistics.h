// Per-column summary statistics of a dataset's validated Parquet files, for the dataset
// profile. Columns are read one at a time so memory is bounded by one column's values.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/result.h"
#include "engine/data/file_set.h"
#include "engine/data/column_spec.h"

namespace dataml::engine {

struct StatisticsOptions {
  int histogram_bins = 20;  // equal-width bins of numeric columns
  int top_values = 10;      // most frequent values listed for string columns

  static StatisticsOptions Defaults();
  // InvalidArgument unless histogram_bins >= 1 and top_values >= 0.
  Status Validate() const;
};

// {"row_count": N, "columns": [...]} with one entry per schema column, in schema order; the
// files are read as one table and must all hold every schema column with its Arrow type.
// Internal names the file that cannot be opened or read; InvalidArgument the missing or
// mistyped column. Statistics without any non-null value are JSON null, not omitted.
Result<nlohmann::json> ComputeColumnStatistics(
    const FileSet& parquet_files, const TableSchema& schema,
    const StatisticsOptions& options = StatisticsOptions::Defaults());

}  // namespace dataml::engine
