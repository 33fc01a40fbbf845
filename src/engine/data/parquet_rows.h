// Reading validated Parquet back as JSON rows, for previews.
#pragma once

#include <arrow/record_batch.h>
#include <nlohmann/json.hpp>

#include <memory>

#include <string>
#include <vector>

#include "core/result.h"
#include "engine/data/file_set.h"

namespace dataml::engine {

struct RowPage {
  // [{column: value}] in column order, typed JSON values.
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  int64_t total_rows = 0;                          // across all files
};

// Rows [skip, skip + limit) of the files read one after the other. Dates are "YYYY-MM-DD",
// timestamps ISO-8601 UTC, nulls null. Only the row groups that hold the page are decoded.
Result<RowPage> ReadParquetRows(const FileSet& files, int64_t skip, int64_t limit);

// The same page with the rows in the order of `column` (ascending or descending; nulls last
// either way, ties in file order), or in reverse file order when `column` is empty and
// `descending`. Reads that one column of every file, selects the page's rows (SortedPage), then
// decodes only the row groups holding them.
// A column the files lack is a 422 on {"order_by"} naming the ones they have.
Result<RowPage> ReadParquetRowsSorted(const FileSet& files, const std::string& column, bool descending,
                                      int64_t skip, int64_t limit);

// Every row of a Parquet file, a batch at a time (memory bounded by a row group).
Result<std::unique_ptr<arrow::RecordBatchReader>> OpenParquetBatches(const FileRef& file);

// "2024-01-31" and "2024-01-31T10:00:00Z" (fractional seconds only when not zero).
std::string FormatDate(int32_t days_since_epoch);
std::string FormatTimestampMicros(int64_t micros_since_epoch);

}  // namespace dataml::engine
