// What an upload on a dataset with an iceberg_table_name adds to the tenant's lake: every record
// of its usable files as received to bronze.<name> (written while the files are validated), and
// their valid rows to silver.<name>. Data files are written before the upload's transaction and
// committed inside it, so a 201 means the rows are in the lake; an upload that fails leaves no
// snapshot, and what it wrote is removed when its LakeIngest is dropped uncommitted.
#pragma once

#include <soci/soci.h>

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/data/column_spec.h"
#include "modules/datalake/datalake_service.h"
#include "modules/datasets/upload_staging.h"
#include "storage/blob_store.h"

namespace dataml::datasets {

class LakeIngest : public RecordsObserver {
 public:
  // 422 at iceberg_table_name, naming the columns, when the dataset's tables exist with other
  // columns than `schema` gives them (or it uses a name bronze reserves).
  static Status Check(datalake::DatalakeService& lake, const std::string& tenant_id, const std::string& table,
                      const engine::TableSchema& schema);

  LakeIngest(datalake::DatalakeService& lake, const storage::BlobStore& store, std::string tenant_id,
             std::string owner, std::string table);
  LakeIngest(const LakeIngest&) = delete;
  LakeIngest& operator=(const LakeIngest&) = delete;
  ~LakeIngest() override;

  // Bronze: each usable file's records, as the validator reads them.
  Status Records(const StagedFile& file, const engine::RawRecords& records) override;
  Status FileDone(const StagedFile& file) override;
  // Silver: the validated rows of the staged files.
  Status AddValidRows(const std::vector<StagedFile>& files, const engine::TableSchema& schema);

  // Inside the upload's transaction.
  Status Commit(soci::session& sql);
  // The transaction committed: what was written is the lake's now.
  void Committed() { committed_ = true; }

 private:
  datalake::DatalakeService& lake_;
  const storage::BlobStore& store_;
  std::string owner_;
  int64_t loaded_at_micros_;
  // Heap-held: the open bronze file points into its append.
  std::unique_ptr<datalake::PendingAppend> bronze_, silver_;
  std::unique_ptr<datalake::DataFileSink> bronze_file_;
  bool committed_ = false;
};

}  // namespace dataml::datasets
