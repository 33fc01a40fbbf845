#include "engine/ml/training_table.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/io/api.h>
#include <parquet/arrow/reader.h>

#include "engine/data/memory_pool.h"

namespace dataml::engine::ml {
namespace {

Status FromArrow(const arrow::Status& s, const std::string& context) {
  if (s.ok()) return Status::OK();
  return Status::Internal(context + ": " + s.ToString());
}

Result<std::shared_ptr<arrow::Table>> ReadOne(const std::string& path,
                                              const std::vector<std::string>& columns) {
  auto file = arrow::io::ReadableFile::Open(path, DataMemoryPool());
  if (!file.ok()) return Status::Internal("cannot open " + path + ": " + file.status().ToString());
  auto opened = parquet::arrow::OpenFile(*file, DataMemoryPool());
  DATAML_RETURN_NOT_OK(FromArrow(opened.status(), "cannot read " + path));
  std::unique_ptr<parquet::arrow::FileReader> reader = std::move(*opened);
  std::shared_ptr<arrow::Schema> schema;
  DATAML_RETURN_NOT_OK(FromArrow(reader->GetSchema(&schema), "cannot read " + path));
  std::vector<int> indices;
  for (const std::string& name : columns) {
    int index = schema->GetFieldIndex(name);
    if (index < 0) return Status::InvalidArgument("the data has no column '" + name + "'");
    indices.push_back(index);
  }
  auto table = reader->ReadTable(indices);
  DATAML_RETURN_NOT_OK(FromArrow(table.status(), "cannot read " + path));
  return *table;
}

}  // namespace

Result<std::shared_ptr<arrow::Table>> ReadTrainingTable(const std::vector<std::string>& paths,
                                                        const std::vector<std::string>& columns) {
  if (paths.empty()) return Status::InvalidArgument("the dataset has no validated rows");
  std::vector<std::shared_ptr<arrow::Table>> tables;
  for (const std::string& path : paths) {
    DATAML_ASSIGN_OR_RETURN(auto table, ReadOne(path, columns));
    tables.push_back(std::move(table));
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

Result<int64_t> CountDistinctValues(const std::vector<std::string>& paths, const std::string& column) {
  DATAML_ASSIGN_OR_RETURN(auto table, ReadTrainingTable(paths, {column}));
  auto unique = arrow::compute::Unique(table->column(0));
  if (!unique.ok()) return Status::Internal("cannot count values: " + unique.status().ToString());
  return (*unique)->length() - (*unique)->null_count();
}

}  // namespace dataml::engine::ml
