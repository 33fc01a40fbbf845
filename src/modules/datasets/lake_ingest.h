// What an upload on a dataset with an iceberg_table_name adds to the tenant's lake: its
// validated rows to silver.<name>. Data files are written before the upload's transaction and
// committed inside it, so a 201 means the rows are in the lake and an error leaves no snapshot.
#pragma once

#include <soci/soci.h>

#include <string>
#include <vector>

#include "core/result.h"
#include "engine/data/column_spec.h"
#include "modules/datalake/datalake_service.h"
#include "modules/datasets/upload_staging.h"
#include "storage/blob_store.h"

namespace dataml::datasets {

class LakeIngest {
 public:
  // 422 at iceberg_table_name, naming the columns, when the dataset's tables exist with other
  // columns than `schema`.
  static Status Check(datalake::DatalakeService& lake, const std::string& tenant_id, const std::string& table,
                      const engine::TableSchema& schema);
  // Writes the data files of the staged uploads' valid rows.
  static Result<LakeIngest> Prepare(datalake::DatalakeService& lake, const storage::BlobStore& store,
                                    const std::string& tenant_id, const std::string& owner, const std::string& table,
                                    const engine::TableSchema& schema, const std::vector<StagedFile>& files);

  // Inside the upload's transaction.
  Status Commit(soci::session& sql);
  // The upload failed: removes what Prepare and Commit wrote.
  void Discard();

 private:
  explicit LakeIngest(datalake::DatalakeService& lake) : lake_(&lake) {}
  datalake::DatalakeService* lake_;
  std::vector<datalake::PendingAppend> appends_;
};

}  // namespace dataml::datasets
