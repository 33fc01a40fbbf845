#include "engine/data/csv_validator.h"
#include "engine/data/memory_pool.h"

#include <arrow/api.h>
#include <arrow/csv/api.h>
#include <arrow/io/api.h>
#include "engine/data/utf8.h"

#include <deque>
#include <unordered_map>

#include "core/arrow_status.h"
#include "core/text.h"
#include "engine/data/parquet_batch_writer.h"
#include "engine/data/typed_column_builder.h"

namespace dataml::engine {
namespace {

constexpr size_t kSniffBytes = 64 * 1024;

Status CsvError(const arrow::Status& s, const std::string& what) {
  if (s.ok()) return Status::OK();
  if (s.message().find("straddl") != std::string::npos) {
    // Arrow's wording for a record that does not fit in one parsing block.
    return Status::InvalidArgument(what + ": a record is longer than the 1 MiB parsing block, or a quote is never closed");
  }
  if (s.IsInvalid()) return Status::InvalidArgument(what + ": " + s.message());
  return Status::Internal(what + ": " + s.ToString());
}

Result<std::string> ReadHead(const FileRef& csv) {
  DATAML_ASSIGN_OR_RETURN(auto in, OpenStream(csv));
  std::string head(kSniffBytes, '\0');
  auto read = in->Read(static_cast<int64_t>(head.size()), head.data());
  if (!read.ok()) return FromArrow(read.status(), "cannot read " + csv.path);
  head.resize(static_cast<size_t>(*read));
  return head;
}

// Every file column is read as raw bytes under a positional name: we check types and UTF-8
// ourselves, cell by cell, so that one bad cell rejects one record and not the whole file.
std::string PositionalName(size_t i) { return "c" + std::to_string(i); }

struct RaggedRows {
  std::deque<int64_t> records;  // record numbers (header = 1) not yet passed, ascending
  int64_t total = 0;
  ErrorCollector* errors = nullptr;
};

Result<std::shared_ptr<arrow::csv::StreamingReader>> OpenReader(const FileRef& csv,
                                                                 const CsvDialect& dialect,
                                                                 const std::vector<size_t>& columns,
                                                                 int32_t block_size,
                                                                 RaggedRows* ragged) {
  DATAML_ASSIGN_OR_RETURN(auto file, OpenStream(csv));
  auto read = arrow::csv::ReadOptions::Defaults();
  read.use_threads = false;  // serial parsing keeps record numbers exact
  read.block_size = block_size;
  read.skip_rows = 1;        // the header, already read by SniffCsvDialect
  for (size_t i = 0; i < dialect.header.size(); ++i) read.column_names.push_back(PositionalName(i));
  auto parse = arrow::csv::ParseOptions::Defaults();
  parse.delimiter = dialect.delimiter;
  parse.newlines_in_values = true;
  parse.ignore_empty_lines = true;
  parse.invalid_row_handler = [ragged](const arrow::csv::InvalidRow& row) {
    // Arrow numbers records from 1 including the skipped header.
    ragged->records.push_back(row.number);
    ++ragged->total;
    ragged->errors->Add("", "ragged_row", std::to_string(row.expected_columns) + " fields",
                        row.number, row.text);
    return arrow::csv::InvalidRowResult::Skip;
  };
  auto convert = arrow::csv::ConvertOptions::Defaults();
  convert.check_utf8 = false;
  convert.strings_can_be_null = false;
  convert.quoted_strings_can_be_null = false;
  for (size_t i : columns) {
    convert.column_types[PositionalName(i)] = arrow::binary();
    convert.include_columns.push_back(PositionalName(i));
  }
  auto reader = arrow::csv::StreamingReader::Make(arrow::io::IOContext(DataMemoryPool()), file, read,
                                                  parse, convert);
  if (!reader.ok()) {
    // Arrow reads the first block here: a malformed start of the data is the file's fault.
    return Status(StatusCode::kInvalidArgument, "cannot read the CSV data: " + reader.status().message());
  }
  return *reader;
}

// Maps each schema column to its position in the file header (case-insensitive, trimmed).
std::vector<std::optional<size_t>> MatchColumns(const TableSchema& schema, const CsvDialect& dialect,
                                                ValidationReport& report) {
  std::unordered_map<std::string, size_t> position;
  for (size_t i = 0; i < dialect.header.size(); ++i) position.emplace(ToLowerAscii(dialect.header[i]), i);
  std::vector<std::optional<size_t>> matched;
  std::vector<bool> used(dialect.header.size(), false);
  for (const ColumnSpec& column : schema) {
    auto it = position.find(ToLowerAscii(Trim(column.name)));
    if (it == position.end()) {
      report.missing_columns.push_back(column.name);
      matched.push_back(std::nullopt);
    } else {
      used[it->second] = true;
      matched.push_back(it->second);
    }
  }
  for (size_t i = 0; i < dialect.header.size(); ++i) {
    if (!used[i]) report.extra_columns.push_back(dialect.header[i]);
  }
  return matched;
}

}  // namespace

Result<ValidationResult> ValidateCsvToParquet(const FileRef& csv, const std::optional<TableSchema>& given_schema,
                                              std::shared_ptr<arrow::io::OutputStream> parquet,
                                              const ValidationOptions& options) {
  ValidationResult result;
  DATAML_ASSIGN_OR_RETURN(std::string head, ReadHead(csv));
  DATAML_ASSIGN_OR_RETURN(result.dialect, SniffCsvDialect(head, head.size() < kSniffBytes));
  if (given_schema) {
    result.schema = *given_schema;
  } else {
    DATAML_ASSIGN_OR_RETURN(result.schema, InferCsvSchema(csv, options.inference_sample_rows));
  }
  ValidationReport& report = result.report;
  report.total_fields = static_cast<int64_t>(result.dialect.header.size());
  std::vector<std::optional<size_t>> positions = MatchColumns(result.schema, result.dialect, report);
  if (!report.missing_columns.empty()) return result;  // unusable: nothing is read or written

  std::vector<size_t> file_columns;
  for (const auto& p : positions) file_columns.push_back(*p);
  std::vector<size_t> sorted = file_columns;
  std::sort(sorted.begin(), sorted.end());

  ErrorCollector errors(options.max_samples_per_error);
  RaggedRows ragged;
  ragged.errors = &errors;
  DATAML_ASSIGN_OR_RETURN(auto reader, OpenReader(csv, result.dialect, sorted, options.block_size, &ragged));

  std::vector<std::unique_ptr<TypedColumnBuilder>> builders;
  arrow::FieldVector fields;
  for (const ColumnSpec& column : result.schema) {
    DATAML_ASSIGN_OR_RETURN(auto builder, TypedColumnBuilder::Make(column));
    fields.push_back(arrow::field(column.name, builder->arrow_type(), /*nullable=*/true));
    builders.push_back(std::move(builder));
  }
  auto arrow_schema = arrow::schema(fields);
  DATAML_ASSIGN_OR_RETURN(auto writer, ParquetBatchWriter::Open(std::move(parquet), arrow_schema));

  int64_t next_record = 2;  // record numbers of good-shaped rows, skipping ragged ones
  std::vector<int64_t> record_numbers;
  std::vector<uint8_t> keep;
  for (;;) {
    std::shared_ptr<arrow::RecordBatch> batch;
    arrow::Status read = reader->ReadNext(&batch);
    if (!read.ok()) return CsvError(read, "malformed CSV");
    if (!batch) break;
    const int64_t rows = batch->num_rows();
    record_numbers.resize(static_cast<size_t>(rows));
    for (int64_t r = 0; r < rows; ++r) {
      while (!ragged.records.empty() && ragged.records.front() == next_record) {
        ragged.records.pop_front();  // consumed: memory stays bounded by one block's ragged rows
        ++next_record;
      }
      record_numbers[static_cast<size_t>(r)] = next_record++;
    }
    keep.assign(static_cast<size_t>(rows), 1);
    std::vector<const arrow::BinaryArray*> inputs;
    for (size_t c = 0; c < builders.size(); ++c) {
      auto array = batch->GetColumnByName(PositionalName(file_columns[c]));
      inputs.push_back(static_cast<const arrow::BinaryArray*>(array.get()));
    }
    if (options.on_records) DATAML_RETURN_NOT_OK(options.on_records({result.schema, inputs, record_numbers}));
    for (size_t c = 0; c < builders.size(); ++c) builders[c]->Check(*inputs[c], record_numbers, keep, errors);
    arrow::ArrayVector columns;
    for (size_t c = 0; c < builders.size(); ++c) {
      DATAML_ASSIGN_OR_RETURN(auto column, builders[c]->Build(*inputs[c], keep));
      columns.push_back(std::move(column));
    }
    int64_t kept = std::count(keep.begin(), keep.end(), 1);
    report.total_records += rows;
    report.valid_records += kept;
    if (kept > 0) {
      auto out = arrow::RecordBatch::Make(arrow_schema, kept, columns);
      DATAML_RETURN_NOT_OK(writer->Push(std::move(out)));
    }
  }
  // Ragged records after the last good one were counted by the handler only.
  report.total_records += ragged.total;
  DATAML_RETURN_NOT_OK(writer->Finish());
  report.errors = errors.Take();
  return result;
}

Result<TableSchema> InferCsvSchema(const FileRef& csv, int64_t sample_rows) {
  DATAML_ASSIGN_OR_RETURN(std::string head, ReadHead(csv));
  DATAML_ASSIGN_OR_RETURN(CsvDialect dialect, SniffCsvDialect(head, head.size() < kSniffBytes));
  std::vector<size_t> all(dialect.header.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  ErrorCollector ignored(0);
  RaggedRows ragged;
  ragged.errors = &ignored;
  DATAML_ASSIGN_OR_RETURN(auto reader, OpenReader(csv, dialect, all, 1 << 20, &ragged));
  std::vector<TypeInference> inference(all.size());
  int64_t seen = 0;
  while (seen < sample_rows) {
    std::shared_ptr<arrow::RecordBatch> batch;
    arrow::Status read = reader->ReadNext(&batch);
    if (!read.ok()) return CsvError(read, "malformed CSV");
    if (!batch) break;
    int64_t take = std::min(batch->num_rows(), sample_rows - seen);
    for (size_t c = 0; c < all.size(); ++c) {
      auto array = std::static_pointer_cast<arrow::BinaryArray>(batch->column(static_cast<int>(c)));
      for (int64_t r = 0; r < take; ++r) inference[c].Observe(array->GetView(r));
    }
    seen += take;
  }
  TableSchema schema;
  for (size_t c = 0; c < all.size(); ++c) schema.push_back({dialect.header[c], inference[c].Result(), std::nullopt});
  return schema;
}

}  // namespace dataml::engine
