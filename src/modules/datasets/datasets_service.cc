#include "modules/datasets/datasets_service.h"
#include "modules/datasets/lake_ingest.h"

#include <arrow/buffer.h>

#include <fstream>

#include "core/clock.h"
#include "core/field_errors.h"
#include "core/text.h"
#include "engine/data/utf8.h"

namespace dataml::datasets {
namespace {

constexpr size_t kMaxLineBytes = 64 * 1024;

engine::TableSchema SchemaOf(const templates::Template& t) {
  engine::TableSchema schema;
  for (const auto& c : t.columns) schema.push_back({c.column_name, c.data_type, c.default_value});
  return schema;
}

}  // namespace

std::string DatasetSubject(int64_t dataset_id) { return "dataset:" + std::to_string(dataset_id); }

std::string GeneratedFileKey(const std::string& tenant_id, int64_t dataset_id, const std::string& leaf) {
  return DatasetKey(tenant_id, dataset_id) + "/generated/" + leaf;
}

Result<engine::FileSet> DatasetsService::StoredFiles(const std::vector<std::string>& keys) const {
  DATAML_RETURN_NOT_OK(storage::BlobStore::CheckKeys(keys));
  return engine::FileSet{store_.filesystem(), keys};
}

Result<std::optional<templates::Template>> DatasetsService::CheckUpload(const std::string& tenant_id,
                                                                       const UploadInput& in) {
  FieldErrors errors;
  std::string name = Trim(in.dataset_name);
  if (name.empty() || name.size() > 255 || HasControlCharacters(name) || !engine::IsValidUtf8(name)) {
    errors.Add({"dataset_name"}, "Dataset name must be 1 to 255 bytes of UTF-8 without control characters",
               "value_error");
  }
  if (in.usage != "t" && in.usage != "p") {
    errors.Add({"usage"}, "Usage must be 't' (training) or 'p' (prediction)", "enum");
  }
  if (in.iceberg_table_name && !datalake::DatalakeService::IsIdentifier(*in.iceberg_table_name)) {
    errors.Add({"iceberg_table_name"},
               "Table name must start with a letter or '_' and hold letters, digits or '_' (at most 128)",
               "value_error");
  }
  DATAML_RETURN_NOT_OK(errors.ToStatus());
  std::optional<templates::Template> tmpl;
  if (in.template_id) {
    DATAML_ASSIGN_OR_RETURN(tmpl, templates_.Get(tenant_id, *in.template_id));
    // The lake's tables must take the template's columns: refused before the body is read.
    if (in.iceberg_table_name) {
      DATAML_RETURN_NOT_OK(LakeIngest::Check(lake_, tenant_id, *in.iceberg_table_name, SchemaOf(*tmpl)));
    }
  }
  DATAML_ASSIGN_OR_RETURN(bool taken, repo_.NameTaken(tenant_id, name));
  if (taken) return Status::AlreadyExists("A dataset named '" + name + "' already exists");
  return tmpl;
}

Result<UploadResult> DatasetsService::Upload(const std::string& tenant_id, const Principal& caller,
                                             const UploadInput& input, const MultipartSource& body) {
  DATAML_ASSIGN_OR_RETURN(auto tmpl, CheckUpload(tenant_id, input));
  std::optional<engine::TableSchema> schema;
  Dataset dataset;
  if (tmpl) {
    schema = SchemaOf(*tmpl);
    dataset.template_id = tmpl->id;
    dataset.template_name = tmpl->template_name;
  }
  DATAML_ASSIGN_OR_RETURN(auto staging, UploadStaging::Make(store_, tenant_id));
  DATAML_RETURN_NOT_OK(staging->Receive(body, kMaxFilesPerUpload));
  std::unique_ptr<LakeIngest> lake;
  if (input.iceberg_table_name) {
    lake = std::make_unique<LakeIngest>(lake_, store_, tenant_id, caller.username, *input.iceberg_table_name);
  }
  DATAML_RETURN_NOT_OK(staging->Validate(schema, lake.get()));
  if (!tmpl && lake) DATAML_RETURN_NOT_OK(LakeIngest::Check(lake_, tenant_id, *input.iceberg_table_name, *schema));
  dataset.tenant_id = tenant_id;
  dataset.dataset_name = Trim(input.dataset_name);
  dataset.usage = input.usage;
  dataset.iceberg_table_name = input.iceberg_table_name;
  dataset.schema = *schema;
  dataset.created_by = caller.username;
  dataset.created_at = dataset.modified_at = NowIso8601Utc();
  return Store(tenant_id, caller, std::move(dataset), true, *staging, lake.get());
}

Result<UploadResult> DatasetsService::AddFiles(const std::string& tenant_id, const Principal& caller,
                                               int64_t dataset_id, const MultipartSource& body) {
  DATAML_ASSIGN_OR_RETURN(Dataset dataset, Get(tenant_id, dataset_id));
  std::optional<engine::TableSchema> schema = dataset.schema;
  if (dataset.iceberg_table_name) {
    DATAML_RETURN_NOT_OK(LakeIngest::Check(lake_, tenant_id, *dataset.iceberg_table_name, dataset.schema));
  }
  DATAML_ASSIGN_OR_RETURN(auto staging, UploadStaging::Make(store_, tenant_id));
  DATAML_RETURN_NOT_OK(staging->Receive(body, kMaxFilesPerUpload));
  std::unique_ptr<LakeIngest> lake;
  if (dataset.iceberg_table_name) {
    lake = std::make_unique<LakeIngest>(lake_, store_, tenant_id, caller.username, *dataset.iceberg_table_name);
  }
  DATAML_RETURN_NOT_OK(staging->Validate(schema, lake.get()));
  return Store(tenant_id, caller, std::move(dataset), false, *staging, lake.get());
}

Result<UploadResult> DatasetsService::Store(const std::string& tenant_id, const Principal& caller,
                                            Dataset dataset, bool new_dataset, UploadStaging& staging,
                                            LakeIngest* lake) {
  UploadResult out;
  std::string now = NowIso8601Utc();
  if (lake) DATAML_RETURN_NOT_OK(lake->AddValidRows(staging.files(), dataset.schema));
  // Blobs move into place inside the transaction. On failure the ones this request moved are
  // removed before the rollback: after it, SQLite may hand the same ids (and so the same keys)
  // to a concurrent upload, whose files must not be touched.
  std::vector<std::string> moved;
  auto remove_moved = [&] {
    for (const std::string& key : moved) (void)store_.Remove(key);
    moved.clear();
  };
  auto move_in = [&](const std::string& from, const std::string& key) -> Status {
    DATAML_RETURN_NOT_OK(store_.Move(from, key));
    moved.push_back(key);
    return Status::OK();
  };
  Status stored = db_.RunInTransaction([&](soci::session& sql) -> Status {
    Status status = Status::OK();
    try {
      if (new_dataset) dataset.id = repo_.InsertDataset(sql, dataset);
      for (StagedFile& staged : staging.files()) {
        DatasetFile f;
        f.dataset_id = dataset.id;
        f.tenant_id = tenant_id;
        f.file_name = staged.file_name;
        f.raw_bytes = staged.raw_bytes;
        const engine::ValidationReport& report = staged.validation.report;
        f.total_fields = report.total_fields;
        f.total_records = report.total_records;
        f.valid_records = report.valid_records;
        f.error_report = report.ToJson();
        f.created_by = caller.username;
        f.created_at = f.modified_at = now;
        f.id = repo_.InsertFile(sql, f);
        f.raw_key = FileKey(tenant_id, dataset.id, f.id, "raw.csv");
        if (staged.has_parquet()) f.parquet_key = FileKey(tenant_id, dataset.id, f.id, "validated.parquet");
        repo_.SetFileKeys(sql, f.id, f.raw_key, f.parquet_key);
        status = move_in(staged.raw_key, f.raw_key);
        if (status.ok() && f.parquet_key) status = move_in(staged.parquet_key, *f.parquet_key);
        if (!status.ok()) break;
        out.files.push_back(std::move(f));
      }
      if (status.ok()) repo_.RefreshDataset(sql, dataset.id);
      if (status.ok() && lake) status = lake->Commit(sql);
    } catch (...) {
      remove_moved();
      throw;  // Database::RunInTransaction turns it into a Status and rolls back
    }
    if (!status.ok()) remove_moved();
    return status;
  });
  if (!stored.ok()) {
    remove_moved();  // a failed COMMIT: nothing of this request may remain
    if (stored.code() == StatusCode::kAlreadyExists && new_dataset) {
      return Status::AlreadyExists("A dataset named '" + dataset.dataset_name + "' already exists");
    }
    if (stored.code() == StatusCode::kAlreadyExists) return Status::NotFound("Dataset not found");
    return stored;
  }
  if (lake) lake->Committed();
  DATAML_ASSIGN_OR_RETURN(out.dataset, Get(tenant_id, dataset.id));
  return out;
}

Result<Dataset> DatasetsService::Get(const std::string& tenant_id, int64_t id) {
  DATAML_ASSIGN_OR_RETURN(auto found, repo_.Find(tenant_id, id));
  if (!found) return Status::NotFound("Dataset not found");
  return *found;
}

Result<DatasetList> DatasetsService::List(const std::string& tenant_id, bool only_valid, int64_t skip,
                                          int64_t limit, const SortKey& sort) {
  DatasetList out;
  DATAML_ASSIGN_OR_RETURN(out.datasets, repo_.List(tenant_id, only_valid, skip, limit, sort));
  DATAML_ASSIGN_OR_RETURN(out.total, repo_.Count(tenant_id, only_valid));
  return out;
}

Result<engine::RowPage> DatasetsService::View(const std::string& tenant_id, int64_t id, int64_t skip,
                                              int64_t limit, const SortKey& sort) {
  DATAML_RETURN_NOT_OK(Get(tenant_id, id).status());
  DATAML_ASSIGN_OR_RETURN(auto files, repo_.Files(tenant_id, id));
  std::vector<std::string> keys;
  for (const auto& f : files) {
    if (f.parquet_key) keys.push_back(*f.parquet_key);
  }
  DATAML_ASSIGN_OR_RETURN(engine::FileSet parquet, StoredFiles(keys));
  if (sort.field.empty() && !sort.descending()) return engine::ReadParquetRows(parquet, skip, limit);
  return engine::ReadParquetRowsSorted(parquet, sort.field, sort.descending(), skip, limit);
}

Status DatasetsService::CheckNotUsedByModels(const std::string& tenant_id, int64_t dataset_id) {
  if (!used_by_models_) return Status::OK();
  DATAML_ASSIGN_OR_RETURN(int64_t models, used_by_models_(tenant_id, dataset_id));
  if (models == 0) return Status::OK();
  // Their SHAP jobs and incremental versions read these rows; a model's data stays as it was.
  return Status::FailedPrecondition("The dataset is used by " + std::to_string(models) +
                                    " trained model(s); delete them first");
}

Status DatasetsService::Delete(const std::string& tenant_id, int64_t id) {
  DATAML_RETURN_NOT_OK(Get(tenant_id, id).status());
  DATAML_ASSIGN_OR_RETURN(bool busy, jobs_.HasActive(tenant_id, DatasetSubject(id)));
  if (busy) return Status::FailedPrecondition("A job is running on this dataset; try again when it ends");
  DATAML_RETURN_NOT_OK(CheckNotUsedByModels(tenant_id, id));
  DATAML_RETURN_NOT_OK(db_.RunInTransaction([&](soci::session& sql) {
    repo_.DeleteDataset(sql, id);
    return Status::OK();
  }));
  return store_.RemoveTree(DatasetKey(tenant_id, id));
}

Result<std::vector<DatasetFile>> DatasetsService::Files(const std::string& tenant_id, int64_t dataset_id) {
  DATAML_RETURN_NOT_OK(Get(tenant_id, dataset_id).status());
  return repo_.Files(tenant_id, dataset_id);
}

Result<std::vector<std::string>> DatasetsService::ValidatedParquetKeys(const std::string& tenant_id,
                                                                      int64_t dataset_id) {
  DATAML_ASSIGN_OR_RETURN(auto files, Files(tenant_id, dataset_id));
  std::vector<std::string> keys;
  for (const auto& f : files) {
    if (f.kind == kUploadedFile && f.parquet_key && f.valid_records > 0) keys.push_back(*f.parquet_key);
  }
  return keys;
}

Result<DatasetFile> DatasetsService::GetFile(const std::string& tenant_id, int64_t file_id) {
  DATAML_ASSIGN_OR_RETURN(auto found, repo_.FindFile(tenant_id, file_id));
  if (!found) return Status::NotFound("File not found");
  return *found;
}

Result<DatasetFile> DatasetsService::AddGeneratedFile(const std::string& tenant_id, int64_t dataset_id,
                                                     DatasetFile file) {
  DATAML_RETURN_NOT_OK(Get(tenant_id, dataset_id).status());
  if (file.raw_key.rfind(GeneratedFileKey(tenant_id, dataset_id, ""), 0) != 0) {
    return Status::InvalidArgument("a generated file must lie in its dataset's storage");
  }
  DATAML_ASSIGN_OR_RETURN(auto existing, repo_.FindFileByKey(tenant_id, file.raw_key));
  if (existing) return *existing;
  auto size = store_.Size(file.raw_key);
  if (!size.ok()) return Status::NotFound("The file " + file.raw_key + " was not written");
  file.raw_bytes = *size;
  file.tenant_id = tenant_id;
  file.dataset_id = dataset_id;
  file.parquet_key.reset();
  file.error_report = nullptr;
  file.created_at = file.modified_at = NowIso8601Utc();
  DATAML_RETURN_NOT_OK(db_.RunInTransaction([&](soci::session& sql) {
    file.id = repo_.InsertFile(sql, file);
    repo_.SetFileKeys(sql, file.id, file.raw_key, std::nullopt);
    return Status::OK();
  }));
  return file;
}

Status DatasetsService::DeleteFile(const std::string& tenant_id, int64_t file_id) {
  DATAML_ASSIGN_OR_RETURN(DatasetFile file, GetFile(tenant_id, file_id));
  if (file.kind != kUploadedFile) {
    // Not the dataset's data: no job or model reads it.
    DATAML_RETURN_NOT_OK(db_.RunInTransaction([&](soci::session& sql) {
      repo_.DeleteFile(sql, file.id);
      return Status::OK();
    }));
    return store_.Remove(file.raw_key);
  }
  DATAML_ASSIGN_OR_RETURN(bool busy, jobs_.HasActive(tenant_id, DatasetSubject(file.dataset_id)));
  if (busy) return Status::FailedPrecondition("A job is running on this file's dataset; try again when it ends");
  DATAML_RETURN_NOT_OK(CheckNotUsedByModels(tenant_id, file.dataset_id));
  DATAML_RETURN_NOT_OK(db_.RunInTransaction([&](soci::session& sql) {
    repo_.DeleteFile(sql, file.id);
    repo_.RefreshDataset(sql, file.dataset_id);
    return Status::OK();
  }));
  return store_.RemoveTree(DatasetKey(tenant_id, file.dataset_id) + "/files/" + std::to_string(file.id));
}

Result<std::vector<std::string>> DatasetsService::FileHead(const std::string& tenant_id, int64_t file_id,
                                                           size_t lines) {
  DATAML_ASSIGN_OR_RETURN(DatasetFile file, GetFile(tenant_id, file_id));
  if (file.raw_key.ends_with(".parquet")) {
    // A dataset from the lake has no CSV behind it: its rows are shown as CSV would have them.
    DATAML_ASSIGN_OR_RETURN(engine::RowPage page, engine::ReadParquetRows({store_.filesystem(), {file.raw_key}}, 0,
                                                                        static_cast<int64_t>(lines) - 1));
    DATAML_ASSIGN_OR_RETURN(Dataset dataset, Get(tenant_id, file.dataset_id));
    std::vector<std::string> out;
    std::string header;
    for (const engine::ColumnSpec& c : dataset.schema) header += (header.empty() ? "" : ",") + c.name;
    out.push_back(header);
    for (const auto& row : page.rows) {
      std::string line;
      bool first = true;
      for (const auto& [name, value] : row.items()) {
        line += first ? "" : ",";
        line += value.is_string() ? value.get<std::string>() : value.is_null() ? "" : value.dump();
        first = false;
      }
      out.push_back(line);
    }
    return out;
  }
  DATAML_ASSIGN_OR_RETURN(auto in, store_.OpenRead(file.raw_key));
  // Bytes scanned at most: a file without line breaks stops here.
  auto head = in->Read(1 << 20);
  if (!head.ok()) return Status::Internal("cannot read the stored file");
  std::string_view text((*head)->data_as<char>(), static_cast<size_t>((*head)->size()));
  std::vector<std::string> out;
  while (out.size() < lines && !text.empty()) {
    size_t end = text.find('\n');
    std::string line(text.substr(0, std::min({end, text.size(), kMaxLineBytes})));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (out.empty() && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    out.push_back(line);
  }
  return out;
}

Result<std::pair<std::string, DatasetFile>> DatasetsService::FileForDownload(
    const std::string& tenant_id, std::optional<int64_t> file_id, std::optional<std::string> file_path) {
  if (file_id) {
    DATAML_ASSIGN_OR_RETURN(DatasetFile file, GetFile(tenant_id, *file_id));
    return std::make_pair(file.raw_key, file);
  }
  // A user-supplied path is never opened as given: it must resolve (symlinks included) inside
  // this tenant's storage and name a file the database knows.
  DATAML_ASSIGN_OR_RETURN(std::string key, store_.KeyInside(file_path.value_or(""), "tenants/" + tenant_id));
  DATAML_ASSIGN_OR_RETURN(auto file, repo_.FindFileByKey(tenant_id, key));
  if (!file) return Status::NotFound("File not found");
  return std::make_pair(key, *file);
}

Result<jobs::Job> DatasetsService::GenerateStatistics(const std::string& tenant_id, const Principal& caller,
                                                      int64_t dataset_id) {
  DATAML_ASSIGN_OR_RETURN(Dataset dataset, Get(tenant_id, dataset_id));
  if (!dataset.is_valid()) {
    return Status::FailedPrecondition("The dataset has no valid records to describe");
  }
  DATAML_ASSIGN_OR_RETURN(std::vector<std::string> keys, ValidatedParquetKeys(tenant_id, dataset_id));
  job_specs::StatisticsSpec spec{dataset_id, std::move(keys), {}};
  for (const engine::ColumnSpec& c : dataset.schema) {
    spec.schema.push_back({c.name, engine::DataTypeName(c.type), c.default_value});
  }
  return jobs_.Submit(tenant_id, DatasetSubject(dataset_id), spec, caller.username);
}

Result<jobs::Job> DatasetsService::Statistics(const std::string& tenant_id, int64_t dataset_id) {
  DATAML_RETURN_NOT_OK(Get(tenant_id, dataset_id).status());
  DATAML_ASSIGN_OR_RETURN(auto job, jobs_.Latest(tenant_id, "statistics", DatasetSubject(dataset_id)));
  if (!job) return Status::NotFound("No statistics were generated for this dataset; POST generate_statistics first");
  return *job;
}

}  // namespace dataml::datasets
