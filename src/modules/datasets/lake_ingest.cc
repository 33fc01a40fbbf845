#include "modules/datasets/lake_ingest.h"

#include "engine/data/parquet_rows.h"

namespace dataml::datasets {

Status LakeIngest::Check(datalake::DatalakeService& lake, const std::string& tenant_id, const std::string& table,
                         const engine::TableSchema& schema) {
  return lake.CheckSchema({tenant_id, datalake::kSilver, table}, engine::lake::NewLakeSchema(schema),
                          "iceberg_table_name");
}

Result<LakeIngest> LakeIngest::Prepare(datalake::DatalakeService& lake, const storage::BlobStore& store,
                                       const std::string& tenant_id, const std::string& owner,
                                       const std::string& table, const engine::TableSchema& schema,
                                       const std::vector<StagedFile>& files) {
  LakeIngest ingest(lake);
  datalake::PendingAppend silver{{tenant_id, datalake::kSilver, table}, engine::lake::NewLakeSchema(schema), owner,
                                 "", {}, {}};
  DATAML_RETURN_NOT_OK(lake.Prepare(silver, "iceberg_table_name"));
  for (const StagedFile& file : files) {
    if (!file.has_parquet() || file.validation.report.valid_records == 0) continue;
    DATAML_ASSIGN_OR_RETURN(auto rows, engine::OpenParquetBatches({store.filesystem(), file.parquet_key}));
    Status written = lake.WriteDataFile(silver, *rows);
    if (!written.ok()) {
      lake.Discard(silver);
      return written;
    }
  }
  if (!silver.files.empty()) ingest.appends_.push_back(std::move(silver));
  return ingest;
}

Status LakeIngest::Commit(soci::session& sql) {
  for (datalake::PendingAppend& append : appends_) DATAML_RETURN_NOT_OK(lake_->Commit(sql, append));
  return Status::OK();
}

void LakeIngest::Discard() {
  for (const datalake::PendingAppend& append : appends_) lake_->Discard(append);
}

}  // namespace dataml::datasets
