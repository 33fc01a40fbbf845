// Reads the columns a model needs from a dataset's validated Parquet files into one Arrow table.
#pragma once

#include <arrow/table.h>

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace dataml::engine::ml {

// The named columns of every file, rows in file order. InvalidArgument when a file lacks one.
Result<std::shared_ptr<arrow::Table>> ReadTrainingTable(const std::vector<std::string>& paths,
                                                        const std::vector<std::string>& columns);

// How many distinct non-null values `column` holds across the files (a classifier's classes).
Result<int64_t> CountDistinctValues(const std::vector<std::string>& paths, const std::string& column);

}  // namespace dataml::engine::ml
