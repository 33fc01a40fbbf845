// Validates a CSV file against a typed schema, streaming: memory stays bounded by one block
// whatever the file size. Good records are written as typed Parquet; bad ones are counted and
// sampled in the report, never written.
#pragma once

#include <arrow/array.h>

#include <functional>
#include <optional>
#include <string>

#include "core/result.h"
#include "engine/data/column_spec.h"
#include "engine/data/csv_dialect.h"
#include "engine/data/file_set.h"
#include "engine/data/validation_report.h"

namespace dataml::engine {

// The records of a batch as received, before any check: per schema column (in schema order) the
// raw cells, and each record's number in the file (header = 1). For the lake's bronze tables.
struct RawRecords {
  const TableSchema& schema;
  const std::vector<const arrow::BinaryArray*>& cells;
  const std::vector<int64_t>& record_numbers;
};

struct ValidationOptions {
  // Sees every well-shaped record (ragged ones are only in the report); an error stops the
  // validation with it.
  std::function<Status(const RawRecords&)> on_records;
  size_t max_samples_per_error = 5;
  int32_t block_size = 1 << 20;  // bytes of CSV parsed at a time (4 MiB: no faster, more memory)
  int64_t inference_sample_rows = 10000;

  static ValidationOptions Defaults() { return {}; }
};

struct ValidationResult {
  CsvDialect dialect;
  TableSchema schema;  // the schema the records were checked against (inferred when none given)
  ValidationReport report;
};

// `schema` empty (nullopt): infer it from the file's first records. When template columns are
// missing from the header, nothing is written and the report says which. InvalidArgument for
// files that cannot be read as CSV at all (empty, bad header); Internal for I/O failures.
Result<ValidationResult> ValidateCsvToParquet(const FileRef& csv, const std::optional<TableSchema>& schema,
                                              std::shared_ptr<arrow::io::OutputStream> parquet,
                                              const ValidationOptions& options = ValidationOptions::Defaults());

// The schema of the file's first `sample_rows` records: per column the narrowest of Boolean,
// Integer, Float, Date, DateTime that every non-empty cell parses as, else String.
Result<TableSchema> InferCsvSchema(const FileRef& csv, int64_t sample_rows);

}  // namespace dataml::engine
