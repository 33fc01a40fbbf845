#include "engine/data/parquet_rows.h"
#include "core/arrow_status.h"
#include "engine/data/data_type.h"
#include "engine/data/memory_pool.h"

#include <arrow/api.h>
#include <arrow/io/api.h>
#include <parquet/arrow/reader.h>

#include <cstdio>

namespace dataml::engine {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

nlohmann::ordered_json CellToJson(const arrow::Array& array, int64_t i) {
  if (array.IsNull(i)) return nullptr;
  switch (array.type_id()) {
    case arrow::Type::INT64: return static_cast<const arrow::Int64Array&>(array).Value(i);
    case arrow::Type::INT32: return static_cast<const arrow::Int32Array&>(array).Value(i);
    case arrow::Type::DOUBLE: return static_cast<const arrow::DoubleArray&>(array).Value(i);
    case arrow::Type::BOOL: return static_cast<const arrow::BooleanArray&>(array).Value(i);
    case arrow::Type::STRING: return static_cast<const arrow::StringArray&>(array).GetString(i);
    case arrow::Type::DATE32: return FormatDate(static_cast<const arrow::Date32Array&>(array).Value(i));
    case arrow::Type::TIMESTAMP:
      return FormatTimestampMicros(static_cast<const arrow::TimestampArray&>(array).Value(i));
    default: {
      auto scalar = array.GetScalar(i);
      return scalar.ok() ? nlohmann::ordered_json((*scalar)->ToString()) : nlohmann::ordered_json(nullptr);
    }
  }
}

}  // namespace

std::string FormatDate(int32_t days) {
  int y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02u", y, m, d);
  return buf;
}

std::string FormatTimestampMicros(int64_t micros) {
  int64_t seconds = FloorDiv(micros, 1000000);
  int64_t fraction = micros - seconds * 1000000;
  int64_t days = FloorDiv(seconds, 86400);
  int64_t rem = seconds - days * 86400;
  std::string out = FormatDate(static_cast<int32_t>(days));
  char buf[32];
  std::snprintf(buf, sizeof(buf), "T%02d:%02d:%02d", static_cast<int>(rem / 3600),
                static_cast<int>(rem % 3600 / 60), static_cast<int>(rem % 60));
  out += buf;
  if (fraction != 0) {
    std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(fraction));
    out += buf;
  }
  return out + "Z";
}

Result<std::unique_ptr<arrow::RecordBatchReader>> OpenParquetBatches(const FileRef& ref) {
  DATAML_ASSIGN_OR_RETURN(auto file, OpenFile(ref));
  auto opened = parquet::arrow::OpenFile(file, DataMemoryPool());
  DATAML_ASSIGN_OR_RETURN(auto reader, FromArrow(std::move(opened), "cannot read " + ref.path));
  std::vector<int> groups(static_cast<size_t>(reader->num_row_groups()));
  for (size_t g = 0; g < groups.size(); ++g) groups[g] = static_cast<int>(g);
  auto batches = reader->GetRecordBatchReader(groups);
  DATAML_ASSIGN_OR_RETURN(auto rows, FromArrow(std::move(batches), "cannot read " + ref.path));
  // The reader reads through the file reader, which must live as long as it does.
  class Owning : public arrow::RecordBatchReader {
   public:
    Owning(std::unique_ptr<parquet::arrow::FileReader> file, std::unique_ptr<arrow::RecordBatchReader> rows)
        : file_(std::move(file)), rows_(std::move(rows)) {}
    std::shared_ptr<arrow::Schema> schema() const override { return rows_->schema(); }
    arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override { return rows_->ReadNext(batch); }

   private:
    std::unique_ptr<parquet::arrow::FileReader> file_;
    std::unique_ptr<arrow::RecordBatchReader> rows_;
  };
  return std::unique_ptr<arrow::RecordBatchReader>(std::make_unique<Owning>(std::move(reader), std::move(rows)));
}

Result<RowPage> ReadParquetRows(const FileSet& files, int64_t skip, int64_t limit) {
  RowPage page;
  int64_t offset = 0;  // rows before the current file
  for (const std::string& path : files.paths) {
    DATAML_ASSIGN_OR_RETURN(auto file, OpenFile({files.fs, path}));
    auto opened = parquet::arrow::OpenFile(file, DataMemoryPool());
    if (!opened.ok()) return Status::Internal("cannot read " + path + ": " + opened.status().ToString());
    std::unique_ptr<parquet::arrow::FileReader> reader = std::move(*opened);
    auto metadata = reader->parquet_reader()->metadata();
    int64_t file_rows = metadata->num_rows();
    page.total_rows += file_rows;
    int64_t row_group_start = offset;
    for (int g = 0; g < metadata->num_row_groups(); ++g) {
      int64_t group_rows = metadata->RowGroup(g)->num_rows();
      int64_t first = std::max(skip, row_group_start);
      int64_t last = std::min(skip + limit, row_group_start + group_rows);
      if (first < last && static_cast<int64_t>(page.rows.size()) < limit) {
        auto table = reader->ReadRowGroup(g);
        if (!table.ok()) return Status::Internal("cannot read " + path + ": " + table.status().ToString());
        auto combined = (*table)->CombineChunksToBatch();
        if (!combined.ok()) return Status::Internal(combined.status().ToString());
        const auto& batch = *combined;
        for (int64_t r = first - row_group_start; r < last - row_group_start; ++r) {
          nlohmann::ordered_json row = nlohmann::ordered_json::object();
          for (int c = 0; c < batch->num_columns(); ++c) {
            row[batch->schema()->field(c)->name()] = CellToJson(*batch->column(c), r);
          }
          page.rows.push_back(std::move(row));
        }
      }
      row_group_start += group_rows;
    }
    offset += file_rows;
  }
  return page;
}

}  // namespace dataml::engine
