#include "modules/datasets/lake_ingest.h"

#include <chrono>

#include "engine/data/parquet_rows.h"
#include "engine/lake/bronze.h"

namespace dataml::datasets {
namespace lake = engine::lake;

Status LakeIngest::Check(datalake::DatalakeService& lake, const std::string& tenant_id, const std::string& table,
                         const engine::TableSchema& schema) {
  for (const engine::ColumnSpec& c : schema) {
    if (c.name == "_source_file" || c.name == "_record" || c.name == "_loaded_at") {
      return Status::Invalid({{{"iceberg_table_name"},
                               "Column '" + c.name + "' is reserved in the lake's bronze tables; rename it",
                               "value_error"}});
    }
  }
  DATAML_RETURN_NOT_OK(
      lake.CheckSchema({tenant_id, datalake::kSilver, table}, lake::NewLakeSchema(schema), "iceberg_table_name"));
  return lake.CheckSchema({tenant_id, datalake::kBronze, table}, lake::BronzeSchema(schema), "iceberg_table_name");
}

LakeIngest::LakeIngest(datalake::DatalakeService& lake, const storage::BlobStore& store, std::string tenant_id,
                       std::string owner, std::string table)
    : lake_(lake),
      store_(store),
      owner_(std::move(owner)),
      loaded_at_micros_(std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count()) {
  bronze_ = std::make_unique<datalake::PendingAppend>();
  bronze_->ref = {tenant_id, datalake::kBronze, table};
  bronze_->owner = owner_;
  silver_ = std::make_unique<datalake::PendingAppend>();
  silver_->ref = {std::move(tenant_id), datalake::kSilver, std::move(table)};
  silver_->owner = owner_;
}

LakeIngest::~LakeIngest() {
  bronze_file_.reset();
  if (committed_) return;
  lake_.Discard(*bronze_);
  lake_.Discard(*silver_);
}

Status LakeIngest::Records(const StagedFile& file, const engine::RawRecords& records) {
  if (bronze_file_ == nullptr) {
    if (bronze_->table_key.empty()) {
      // An inferred schema is known only now: checked before the first bronze row is written.
      DATAML_RETURN_NOT_OK(Check(lake_, bronze_->ref.catalog, bronze_->ref.table, records.schema));
      bronze_->schema = lake::BronzeSchema(records.schema);
      DATAML_RETURN_NOT_OK(lake_.Prepare(*bronze_, "iceberg_table_name"));
    }
    DATAML_ASSIGN_OR_RETURN(bronze_file_, lake_.OpenDataFile(*bronze_));
  }
  DATAML_ASSIGN_OR_RETURN(auto batch, lake::BronzeBatch(records, file.file_name, loaded_at_micros_));
  return bronze_file_->Write(*batch);
}

Status LakeIngest::FileDone(const StagedFile&) {
  if (bronze_file_ == nullptr) return Status::OK();
  Status finished = bronze_file_->Finish();
  bronze_file_.reset();
  return finished;
}

Status LakeIngest::AddValidRows(const std::vector<StagedFile>& files, const engine::TableSchema& schema) {
  silver_->schema = lake::NewLakeSchema(schema);
  DATAML_RETURN_NOT_OK(lake_.Prepare(*silver_, "iceberg_table_name"));
  for (const StagedFile& file : files) {
    if (!file.has_parquet() || file.validation.report.valid_records == 0) continue;
    DATAML_ASSIGN_OR_RETURN(auto rows, engine::OpenParquetBatches({store_.filesystem(), file.parquet_key}));
    DATAML_RETURN_NOT_OK(lake_.WriteDataFile(*silver_, *rows));
  }
  return Status::OK();
}

Status LakeIngest::Commit(soci::session& sql) {
  for (datalake::PendingAppend* append : {bronze_.get(), silver_.get()}) {
    if (!append->files.empty()) DATAML_RETURN_NOT_OK(lake_.Commit(sql, *append));
  }
  return Status::OK();
}

}  // namespace dataml::datasets
