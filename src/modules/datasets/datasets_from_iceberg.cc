// DatasetsService::FromIceberg: a dataset made from a lake table's snapshot, its rows copied
// into the dataset's own validated Parquet, so later commits to the table do not change it.
#include <arrow/api.h>

#include "core/clock.h"
#include "core/field_errors.h"
#include "core/text.h"
#include "engine/data/parquet_batch_writer.h"
#include "engine/data/typed_column_builder.h"
#include "modules/datasets/datasets_service.h"
#include "modules/datasets/staging_area.h"

namespace dataml::datasets {
namespace {

namespace lake = engine::lake;

Status AtTable(const Status& status) {
  return Status::Invalid({{{"table_name"}, status.message(), "value_error"}});
}

}  // namespace

Result<IcebergImport> DatasetsService::FromIceberg(const std::string& tenant_id, const Principal& caller,
                                                   const IcebergSource& source) {
  FieldErrors errors;
  if (!datalake::DatalakeService::IsIdentifier(source.schema_name)) {
    errors.Add({"schema_name"}, "Must be an identifier (letters, digits and _, not starting with a digit)", "value_error");
  }
  if (!datalake::DatalakeService::IsIdentifier(source.table_name)) {
    errors.Add({"table_name"}, "Must be an identifier (letters, digits and _, not starting with a digit)", "value_error");
  }
  DATAML_RETURN_NOT_OK(errors.ToStatus());
  DATAML_RETURN_NOT_OK(CheckUpload(tenant_id, {source.dataset_name, source.usage, std::nullopt, std::nullopt}).status());
  DATAML_ASSIGN_OR_RETURN(datalake::LoadedTable table, lake_.Load(tenant_id, source.schema_name, source.table_name));
  auto lake_schema = table.metadata.CurrentSchema();
  if (!lake_schema.ok()) return AtTable(lake_schema.status());
  std::optional<lake::Snapshot> snapshot =
      source.snapshot_id ? table.metadata.FindSnapshot(*source.snapshot_id) : table.metadata.CurrentSnapshot();
  if (!snapshot && source.snapshot_id) return Status::NotFound("Snapshot not found");
  if (!snapshot) return AtTable(Status::InvalidArgument("The table has no rows yet"));
  auto files = lake_.DataFiles(table, snapshot->snapshot_id);
  if (!files.ok() && files.status().code() == StatusCode::kInvalidArgument) return AtTable(files.status());
  DATAML_RETURN_NOT_OK(files.status());

  engine::TableSchema columns;
  arrow::FieldVector fields;
  for (const lake::LakeColumn& c : lake_schema->columns) {
    columns.push_back({c.name, c.type, std::nullopt});
    fields.push_back(arrow::field(c.name, engine::ArrowTypeFor(c.type)));
  }
  auto arrow_schema = arrow::schema(fields);
  // The copy is staged, then moved into place when the rows commit; the area goes either way.
  DATAML_ASSIGN_OR_RETURN(auto area, StagingArea::Make(store_, tenant_id));
  const std::string staged = area->KeyFor("iceberg.parquet");
  int64_t rows = 0;
  {
    DATAML_ASSIGN_OR_RETURN(auto blob, store_.OpenWrite(staged));
    DATAML_ASSIGN_OR_RETURN(auto writer, engine::ParquetBatchWriter::Open(blob->shared_stream(), arrow_schema));
    const lake::LakeFiles lake_files = lake_.FilesOf(tenant_id);
    for (const lake::DataFile& file : *files) {
      arrow::ArrayVector arrays;
      for (const lake::LakeColumn& c : lake_schema->columns) {
        DATAML_ASSIGN_OR_RETURN(auto values, lake::ReadLakeColumn(lake_files, {file}, c));
        auto joined = arrow::Concatenate(values->chunks(), arrow::default_memory_pool());
        if (!joined.ok()) return Status::Internal("cannot read the table: " + joined.status().ToString());
        arrays.push_back(*joined);
      }
      const int64_t n = arrays.empty() ? 0 : arrays.front()->length();
      if (n == 0) continue;
      DATAML_RETURN_NOT_OK(writer->Push(arrow::RecordBatch::Make(arrow_schema, n, arrays)));
      rows += n;
    }
    DATAML_RETURN_NOT_OK(writer->Finish());
    DATAML_RETURN_NOT_OK(blob->Publish());
  }

  Dataset dataset;
  dataset.tenant_id = tenant_id;
  dataset.dataset_name = Trim(source.dataset_name);
  dataset.usage = source.usage;
  dataset.data_source = "iceberg";
  dataset.schema = columns;
  dataset.created_by = caller.username;
  dataset.created_at = dataset.modified_at = NowIso8601Utc();
  DatasetFile file;
  file.tenant_id = tenant_id;
  file.file_name = source.schema_name + "." + source.table_name + "@" + std::to_string(snapshot->snapshot_id) + ".parquet";
  file.total_fields = static_cast<int64_t>(columns.size());
  file.total_records = file.valid_records = rows;
  file.error_report = nullptr;
  file.created_by = caller.username;
  file.created_at = file.modified_at = dataset.created_at;
  DATAML_ASSIGN_OR_RETURN(file.raw_bytes, store_.Size(staged));
  std::optional<std::string> moved;
  Status stored = db_.RunInTransaction([&](soci::session& sql) -> Status {
    dataset.id = repo_.InsertDataset(sql, dataset);
    file.dataset_id = dataset.id;
    file.id = repo_.InsertFile(sql, file);
    // Its raw file is the copy itself: there is no CSV behind it.
    file.raw_key = FileKey(tenant_id, dataset.id, file.id, "validated.parquet");
    file.parquet_key = file.raw_key;
    repo_.SetFileKeys(sql, file.id, file.raw_key, file.parquet_key);
    repo_.RefreshDataset(sql, dataset.id);
    DATAML_RETURN_NOT_OK(store_.Move(staged, file.raw_key));
    moved = file.raw_key;
    return Status::OK();
  });
  if (!stored.ok()) {
    (void)store_.Remove(moved.value_or(staged));
    if (stored.code() == StatusCode::kAlreadyExists) {
      return Status::AlreadyExists("A dataset named '" + dataset.dataset_name + "' already exists");
    }
    return stored;
  }
  DATAML_ASSIGN_OR_RETURN(Dataset created, Get(tenant_id, dataset.id));
  return IcebergImport{UploadResult{std::move(created), {file}}, snapshot->snapshot_id};
}

}  // namespace dataml::datasets
