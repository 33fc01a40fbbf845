// Reads the columns a model needs from a dataset's validated Parquet files into one Arrow table.
#pragma once

#include <arrow/table.h>

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/data/file_set.h"

namespace dataml::engine::ml {

// Which part of the rows one worker of `count` reads: the `index`-th of `count` contiguous
// ranges of (nearly) equal length, of the files' rows taken one after the other.
struct RowShard {
  int index = 0;
  int count = 1;
};

// The named columns of the rows of `shard` (by default every row), in file order. Only the row
// groups that hold the shard's rows are read. InvalidArgument when a file lacks a column.
Result<std::shared_ptr<arrow::Table>> ReadTrainingTable(const FileSet& parquet_files,
                                                        const std::vector<std::string>& columns,
                                                        RowShard shard = {});

// How many distinct non-null values `column` holds across the files (a classifier's classes).
Result<int64_t> CountDistinctValues(const FileSet& parquet_files, const std::string& column);

}  // namespace dataml::engine::ml
