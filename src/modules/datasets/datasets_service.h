// Datasets of a tenant: upload (stream, validate, store as Parquet), files added later, reads,
// previews, deletion, and the statistics job.
#pragma once

#include <functional>
#include <memory>

#include "core/principal.h"
#include "engine/data/parquet_rows.h"
#include "jobs/jobs_service.h"
#include "modules/datalake/datalake_service.h"
#include "modules/datasets/datasets_repository.h"
#include "modules/datasets/upload_staging.h"
#include "modules/templates/templates_service.h"
#include "storage/blob_store.h"

namespace dataml::datasets {

class LakeIngest;

struct UploadInput {
  std::string dataset_name;
  std::string usage;  // "t" or "p"
  std::optional<int64_t> template_id;
  std::optional<std::string> iceberg_table_name;
};

struct UploadResult {
  Dataset dataset;
  std::vector<DatasetFile> files;  // the files of this request
};

// A dataset from a lake table (POST /api/v1/dataset/from_iceberg).
struct IcebergSource {
  std::string dataset_name;
  std::string usage;
  std::string schema_name;
  std::string table_name;
  std::optional<int64_t> snapshot_id;  // the current snapshot by default
};

struct IcebergImport {
  UploadResult upload;
  int64_t snapshot_id = 0;  // the snapshot read
};

struct DatasetList {
  std::vector<Dataset> datasets;
  int64_t total = 0;
};

inline constexpr size_t kMaxFilesPerUpload = 100;

class DatasetsService {
 public:
  DatasetsService(db::Database& db, storage::BlobStore& store, templates::TemplatesService& templates,
                  jobs::JobsService& jobs, datalake::DatalakeService& lake)
      : db_(db), repo_(db), store_(store), templates_(templates), jobs_(jobs), lake_(lake) {}

  // Field errors name the fields of `input`, or "files" for the files of `body`.
  Result<UploadResult> Upload(const std::string& tenant_id, const Principal& caller,
                              const UploadInput& input, const MultipartSource& body);
  Result<UploadResult> AddFiles(const std::string& tenant_id, const Principal& caller,
                                int64_t dataset_id, const MultipartSource& body);

  // The rows of the table's snapshot, typed back to our types (another type, or delete files:
  // 422 at table_name), copied into the new dataset (data_source "iceberg"). 404 for an unknown
  // namespace, table or snapshot.
  Result<IcebergImport> FromIceberg(const std::string& tenant_id, const Principal& caller,
                                    const IcebergSource& source);

  Result<Dataset> Get(const std::string& tenant_id, int64_t id);
  Result<DatasetList> List(const std::string& tenant_id, bool only_valid, int64_t skip, int64_t limit,
                           const SortKey& sort = {});
  // In file order, or by one of the dataset's columns (sort.field), or last rows first.
  Result<engine::RowPage> View(const std::string& tenant_id, int64_t id, int64_t skip, int64_t limit,
                               const SortKey& sort = {});
  // How many models were trained on a dataset (set by the app: models live in another module).
  using UsedByModels = std::function<Result<int64_t>(const std::string& tenant_id, int64_t dataset_id)>;
  void SetUsedByModels(UsedByModels check) { used_by_models_ = std::move(check); }

  // 409 while a job works on the dataset or a model was trained on it (for files too).
  Status Delete(const std::string& tenant_id, int64_t id);

  Result<std::vector<DatasetFile>> Files(const std::string& tenant_id, int64_t dataset_id);
  // The storage keys of the dataset's validated rows (uploads with at least one valid record):
  // what jobs read.
  Result<std::vector<std::string>> ValidatedParquetKeys(const std::string& tenant_id, int64_t dataset_id);
  // Registers a file a job wrote into the dataset's storage (a batch prediction's results: see
  // GeneratedFileKey) as a file of the dataset. `file` gives kind, file_name, raw_key, counts
  // and created_by. It is listed and downloadable like an upload, but is not the dataset's data.
  // Idempotent by key (a replayed callback gets the same file); NotFound when the dataset or
  // the blob is gone, InvalidArgument for a key outside the dataset.
  Result<DatasetFile> AddGeneratedFile(const std::string& tenant_id, int64_t dataset_id, DatasetFile file);
  Result<DatasetFile> GetFile(const std::string& tenant_id, int64_t file_id);
  Status DeleteFile(const std::string& tenant_id, int64_t file_id);
  // The first `lines` lines of the raw upload.
  Result<std::vector<std::string>> FileHead(const std::string& tenant_id, int64_t file_id, size_t lines);
  // The storage key to download and its file: the raw upload by id, or the blob a storage key
  // (or its location) names, which must lie in the tenant's storage and be a file's raw or
  // validated blob.
  Result<std::pair<std::string, DatasetFile>> FileForDownload(const std::string& tenant_id,
                                                              std::optional<int64_t> file_id,
                                                              std::optional<std::string> file_path);
  // The stored files behind storage keys, for an engine to read.
  Result<engine::FileSet> StoredFiles(const std::vector<std::string>& keys) const;

  Result<jobs::Job> GenerateStatistics(const std::string& tenant_id, const Principal& caller, int64_t dataset_id);
  // The newest statistics job of the dataset; NotFound when none was ever started.
  Result<jobs::Job> Statistics(const std::string& tenant_id, int64_t dataset_id);

 private:
  // Checks the parameters before the body is read, so a refused upload is never read; returns
  // the template when one is named.
  Result<std::optional<templates::Template>> CheckUpload(const std::string& tenant_id, const UploadInput& input);
  Status CheckNotUsedByModels(const std::string& tenant_id, int64_t dataset_id);
  // `lake`: the upload's lake tables (a dataset with an iceberg_table_name), committed with it.
  Result<UploadResult> Store(const std::string& tenant_id, const Principal& caller, Dataset dataset,
                             bool new_dataset, UploadStaging& staging, LakeIngest* lake);

  db::Database& db_;
  DatasetsRepository repo_;
  storage::BlobStore& store_;
  templates::TemplatesService& templates_;
  jobs::JobsService& jobs_;
  datalake::DatalakeService& lake_;
  UsedByModels used_by_models_;
};

std::string DatasetSubject(int64_t dataset_id);
// Where a job writes a file of the dataset (removed with the dataset).
std::string GeneratedFileKey(const std::string& tenant_id, int64_t dataset_id, const std::string& leaf);

}  // namespace dataml::datasets
