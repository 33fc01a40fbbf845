#include "engine/data/parquet_rows.h"
#include "core/arrow_status.h"
#include "engine/data/data_type.h"
#include "engine/data/memory_pool.h"
#include "engine/data/sorted_page.h"

#include <arrow/api.h>
#include <arrow/io/api.h>
#include <parquet/arrow/reader.h>

#include <algorithm>
#include <cstdio>
#include <numeric>

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

nlohmann::ordered_json RowToJson(const arrow::RecordBatch& batch, int64_t r) {
  nlohmann::ordered_json row = nlohmann::ordered_json::object();
  for (int c = 0; c < batch.num_columns(); ++c) row[batch.schema()->field(c)->name()] = CellToJson(*batch.column(c), r);
  return row;
}

Result<std::unique_ptr<parquet::arrow::FileReader>> OpenParquet(const FileRef& ref) {
  DATAML_ASSIGN_OR_RETURN(auto file, OpenFile(ref));
  return FromArrow(parquet::arrow::OpenFile(file, DataMemoryPool()), "cannot read " + ref.path);
}

// Rows picked by their number across the files one after the other, in the order given. Each row
// group that holds one of them is decoded once, and only one is in memory at a time (a page of
// 1,000 rows scattered over a large dataset must not hold 1,000 decoded groups).
class RowPicker {
 public:
  static Result<RowPicker> Open(const FileSet& files) {
    RowPicker picker;
    for (size_t f = 0; f < files.paths.size(); ++f) {
      DATAML_ASSIGN_OR_RETURN(auto reader, OpenParquet(files.at(f)));
      auto metadata = reader->parquet_reader()->metadata();
      for (int g = 0; g < metadata->num_row_groups(); ++g) {
        picker.groups_.push_back({f, g, picker.total_rows_});
        picker.total_rows_ += metadata->RowGroup(g)->num_rows();
      }
      picker.readers_.push_back(std::move(reader));
    }
    return picker;
  }

  int64_t total_rows() const { return total_rows_; }
  parquet::arrow::FileReader& reader(size_t file) { return *readers_[file]; }
  size_t files() const { return readers_.size(); }

  // `rows` (each < total_rows()) as JSON, in the order given.
  Result<nlohmann::ordered_json> Rows(const std::vector<int64_t>& rows) {
    std::vector<size_t> by_row(rows.size());
    std::iota(by_row.begin(), by_row.end(), size_t{0});
    std::sort(by_row.begin(), by_row.end(), [&](size_t a, size_t b) { return rows[a] < rows[b]; });
    std::vector<nlohmann::ordered_json> out(rows.size());
    size_t current = groups_.size();  // none decoded yet
    std::shared_ptr<arrow::RecordBatch> batch;
    for (size_t position : by_row) {
      auto after = std::upper_bound(groups_.begin(), groups_.end(), rows[position],
                                    [](int64_t r, const Group& g) { return r < g.first_row; });
      size_t index = static_cast<size_t>(std::prev(after) - groups_.begin());
      const Group& group = groups_[index];
      if (index != current) {
        auto table = readers_[group.file]->ReadRowGroup(group.group);
        DATAML_ASSIGN_OR_RETURN(auto read, FromArrow(std::move(table), "cannot read a row group"));
        DATAML_ASSIGN_OR_RETURN(batch, FromArrow(read->CombineChunksToBatch(), "cannot read a row group"));
        current = index;
      }
      out[position] = RowToJson(*batch, rows[position] - group.first_row);
    }
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (auto& row : out) array.push_back(std::move(row));
    return array;
  }

 private:
  struct Group {
    size_t file;
    int group;
    int64_t first_row;
  };
  std::vector<std::unique_ptr<parquet::arrow::FileReader>> readers_;
  std::vector<Group> groups_;
  int64_t total_rows_ = 0;
};

// Every file's `column`, one chunk or more per file; 422 when a file lacks it.
Result<std::shared_ptr<arrow::ChunkedArray>> ReadColumn(RowPicker& picker, const std::string& column) {
  arrow::ArrayVector chunks;
  std::shared_ptr<arrow::DataType> type;
  for (size_t f = 0; f < picker.files(); ++f) {
    std::shared_ptr<arrow::Schema> schema;
    DATAML_RETURN_NOT_OK(FromArrow(picker.reader(f).GetSchema(&schema), "cannot read a schema"));
    int index = schema->GetFieldIndex(column);
    if (index < 0) {
      std::string names;
      for (const auto& field : schema->fields()) names += (names.empty() ? "'" : ", '") + field->name() + "'";
      return Status::Invalid({{{"order_by"}, "Input should be a column of the dataset: " + names, "literal_error"}});
    }
    std::shared_ptr<arrow::ChunkedArray> values;
    DATAML_RETURN_NOT_OK(FromArrow(picker.reader(f).ReadColumn(index, &values), "cannot read column " + column));
    if (type && !type->Equals(*values->type())) {
      return Status::Internal("column " + column + " has different types in the dataset's files");
    }
    type = values->type();
    for (const auto& chunk : values->chunks()) chunks.push_back(chunk);
  }
  return std::make_shared<arrow::ChunkedArray>(std::move(chunks), type ? type : arrow::null());
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
  DATAML_ASSIGN_OR_RETURN(auto reader, OpenParquet(ref));
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
    DATAML_ASSIGN_OR_RETURN(std::unique_ptr<parquet::arrow::FileReader> reader, OpenParquet({files.fs, path}));
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
          page.rows.push_back(RowToJson(*batch, r));
        }
      }
      row_group_start += group_rows;
    }
    offset += file_rows;
  }
  return page;
}

Result<RowPage> ReadParquetRowsSorted(const FileSet& files, const std::string& column, bool descending,
                                      int64_t skip, int64_t limit) {
  DATAML_ASSIGN_OR_RETURN(RowPicker picker, RowPicker::Open(files));
  RowPage page;
  page.total_rows = picker.total_rows();
  std::vector<int64_t> rows;
  if (column.empty()) {
    // Reverse file order needs no sort: row k from the end.
    for (int64_t k = skip; k < std::min(page.total_rows, skip + limit); ++k) {
      rows.push_back(descending ? page.total_rows - 1 - k : k);
    }
  } else {
    DATAML_ASSIGN_OR_RETURN(auto values, ReadColumn(picker, column));
    DATAML_ASSIGN_OR_RETURN(rows, SortedPage(*values, descending, skip, limit));
  }
  DATAML_ASSIGN_OR_RETURN(page.rows, picker.Rows(rows));
  return page;
}

}  // namespace dataml::engine
