// Bronze tables: every record of a usable upload as it was received, its cells as text (bad
// UTF-8 replaced by U+FFFD), with where it came from: _source_file (the upload's file name),
// _record (its record number, the header being 1) and _loaded_at (when the upload was stored).
#pragma once

#include <arrow/record_batch.h>

#include <memory>
#include <string>

#include "core/result.h"
#include "engine/data/csv_validator.h"
#include "engine/lake/lake_schema.h"

namespace dataml::engine::lake {

// The dataset's columns as strings, then _source_file, _record, _loaded_at.
LakeSchema BronzeSchema(const TableSchema& columns);
// `text` with every byte that does not start a valid UTF-8 sequence replaced by U+FFFD.
std::string ReplaceInvalidUtf8(std::string_view text);
// A batch of the bronze table's columns (by name) from raw records.
Result<std::shared_ptr<arrow::RecordBatch>> BronzeBatch(const RawRecords& records, const std::string& source_file,
                                                        int64_t loaded_at_micros);

}  // namespace dataml::engine::lake
