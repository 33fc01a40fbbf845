// SQL for datasets and dataset_files. Writes take the caller's session so that a dataset and
// its files appear in one transaction.
#pragma once

#include <optional>
#include <vector>

#include "core/sort_key.h"
#include "db/database.h"
#include "modules/datasets/dataset.h"

namespace dataml::datasets {

class DatasetsRepository {
 public:
  explicit DatasetsRepository(db::Database& db) : db_(db) {}

  int64_t InsertDataset(soci::session& sql, const Dataset& d);
  int64_t InsertFile(soci::session& sql, const DatasetFile& f);
  void SetFileKeys(soci::session& sql, int64_t file_id, const std::string& raw_key,
                   const std::optional<std::string>& parquet_key);
  // Recomputes the stored is_valid flag from the files and touches modified_at.
  void RefreshDataset(soci::session& sql, int64_t dataset_id);
  void DeleteFile(soci::session& sql, int64_t file_id);
  void DeleteDataset(soci::session& sql, int64_t dataset_id);

  Result<bool> NameTaken(const std::string& tenant_id, const std::string& name);
  Result<std::optional<Dataset>> Find(const std::string& tenant_id, int64_t id);
  // only_valid: datasets with at least one valid record. By id unless `sort` names a field.
  Result<std::vector<Dataset>> List(const std::string& tenant_id, bool only_valid, int64_t skip, int64_t limit,
                                    const SortKey& sort = {});
  Result<int64_t> Count(const std::string& tenant_id, bool only_valid);

  Result<std::vector<DatasetFile>> Files(const std::string& tenant_id, int64_t dataset_id);
  Result<std::optional<DatasetFile>> FindFile(const std::string& tenant_id, int64_t file_id);
  // The file whose raw or validated blob is stored under `key`.
  Result<std::optional<DatasetFile>> FindFileByKey(const std::string& tenant_id, const std::string& key);

 private:
  db::Database& db_;
};

}  // namespace dataml::datasets
