#include "engine/ml/training_table.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/io/api.h>
#include <parquet/arrow/reader.h>

#include "core/arrow_status.h"
#include "engine/data/memory_pool.h"

namespace dataml::engine::ml {
namespace {


struct OpenedFile {
  std::unique_ptr<parquet::arrow::FileReader> reader;
  std::vector<int> columns;  // the indices of the named columns
  int64_t rows = 0;
};

Result<OpenedFile> Open(const FileRef& ref, const std::vector<std::string>& columns) {
  const std::string& path = ref.path;
  DATAML_ASSIGN_OR_RETURN(auto file, OpenFile(ref));
  auto opened = parquet::arrow::OpenFile(file, DataMemoryPool());
  DATAML_RETURN_NOT_OK(FromArrow(opened.status(), "cannot read " + path));
  OpenedFile out;
  out.reader = std::move(*opened);
  std::shared_ptr<arrow::Schema> schema;
  DATAML_RETURN_NOT_OK(FromArrow(out.reader->GetSchema(&schema), "cannot read " + path));
  for (const std::string& name : columns) {
    int index = schema->GetFieldIndex(name);
    if (index < 0) return Status::InvalidArgument("the data has no column '" + name + "'");
    out.columns.push_back(index);
  }
  out.rows = out.reader->parquet_reader()->metadata()->num_rows();
  return out;
}

// Rows [first, last) of one file: the row groups that hold them, sliced.
Result<std::shared_ptr<arrow::Table>> ReadRows(OpenedFile& file, const std::string& path, int64_t first,
                                               int64_t last) {
  if (first >= last) {  // no rows, but the columns and their types
    std::shared_ptr<arrow::Schema> schema;
    DATAML_RETURN_NOT_OK(FromArrow(file.reader->GetSchema(&schema), "cannot read " + path));
    arrow::FieldVector fields;
    for (int index : file.columns) fields.push_back(schema->field(index));
    auto empty = arrow::Table::MakeEmpty(arrow::schema(fields), DataMemoryPool());
    DATAML_RETURN_NOT_OK(FromArrow(empty.status(), "cannot read " + path));
    return *empty;
  }
  if (first == 0 && last == file.rows) {
    auto table = file.reader->ReadTable(file.columns);
    DATAML_RETURN_NOT_OK(FromArrow(table.status(), "cannot read " + path));
    return *table;
  }
  auto metadata = file.reader->parquet_reader()->metadata();
  std::vector<int> groups;
  int64_t group_start = 0, groups_start = -1;
  for (int g = 0; g < metadata->num_row_groups(); ++g) {
    const int64_t group_rows = metadata->RowGroup(g)->num_rows();
    if (group_start < last && group_start + group_rows > first) {
      if (groups.empty()) groups_start = group_start;
      groups.push_back(g);
    }
    group_start += group_rows;
  }
  auto table = file.reader->ReadRowGroups(groups, file.columns);
  DATAML_RETURN_NOT_OK(FromArrow(table.status(), "cannot read " + path));
  return (*table)->Slice(first - groups_start, last - first);
}

}  // namespace

Result<std::shared_ptr<arrow::Table>> ReadTrainingTable(const FileSet& parquet_files,
                                                        const std::vector<std::string>& columns,
                                                        RowShard shard) {
  const std::vector<std::string>& paths = parquet_files.paths;
  if (paths.empty()) return Status::InvalidArgument("the dataset has no validated rows");
  if (shard.count < 1 || shard.index < 0 || shard.index >= shard.count)
    return Status::Internal("a row shard's index must be below their count");
  std::vector<OpenedFile> files;
  int64_t total = 0;
  for (const std::string& path : paths) {
    DATAML_ASSIGN_OR_RETURN(OpenedFile file, Open({parquet_files.fs, path}, columns));
    total += file.rows;
    files.push_back(std::move(file));
  }
  // __int128: rows times workers may not fit in 64 bits.
  auto bound = [&](int k) { return static_cast<int64_t>(static_cast<__int128>(total) * k / shard.count); };
  const int64_t first = bound(shard.index), last = bound(shard.index + 1);
  std::vector<std::shared_ptr<arrow::Table>> tables;
  int64_t file_start = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    const int64_t from = std::max(first, file_start), to = std::min(last, file_start + files[i].rows);
    // A file outside the shard is skipped; a shard without rows is an empty slice of the last.
    if (from < to || (tables.empty() && i + 1 == files.size())) {
      DATAML_ASSIGN_OR_RETURN(auto table, ReadRows(files[i], paths[i], from - file_start, to - file_start));
      tables.push_back(std::move(table));
    }
    file_start += files[i].rows;
  }
  if (tables.size() == 1) return tables.front();
  auto combined = arrow::ConcatenateTables(tables, arrow::ConcatenateTablesOptions::Defaults(),
                                           DataMemoryPool());
  if (!combined.ok()) {
    return Status::InvalidArgument("the dataset's files do not share one schema: " +
                                   combined.status().ToString());
  }
  return *combined;
}

Result<int64_t> CountDistinctValues(const FileSet& parquet_files, const std::string& column) {
  DATAML_ASSIGN_OR_RETURN(auto table, ReadTrainingTable(parquet_files, {column}));
  auto unique = arrow::compute::Unique(table->column(0));
  if (!unique.ok()) return Status::Internal("cannot count values: " + unique.status().ToString());
  return (*unique)->length() - (*unique)->null_count();
}

}  // namespace dataml::engine::ml
