// The tenant's Iceberg lakehouse: bronze (records as received), silver (validated rows) and gold
// (predictions). Tables live at storage key tenants/<tenant>/lake/<namespace>/<table>, their
// catalog rows in iceberg_tables with the tenant's id as catalog name, so pyiceberg's
// SqlCatalog(<tenant id>, uri=<our database>) and DuckDB's iceberg_scan read what we write.
//
// Writing is two steps: data files are written first (WriteDataFile), then committed as one
// snapshot inside the caller's transaction (Commit), so that an upload's rows and its lake
// snapshots appear together or not at all.
#pragma once

#include <arrow/record_batch.h>
#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/database.h"
#include "engine/lake/data_file.h"
#include "engine/lake/lake_schema.h"
#include "engine/lake/table_metadata.h"
#include "engine/lake/table_scan.h"
#include "modules/datalake/datalake_repository.h"
#include "storage/blob_store.h"

namespace dataml::datalake {

inline constexpr const char* kBronze = "bronze";
inline constexpr const char* kSilver = "silver";
inline constexpr const char* kGold = "gold";

// Data files written for one table, waiting for their commit.
struct PendingAppend {
  TableRef ref;
  engine::lake::LakeSchema schema;  // the rows' schema; the table's own once Prepare ran
  std::string owner;                // a new table's creator
  std::string table_key;            // where the table's files go (set by Prepare)
  std::vector<engine::lake::DataFile> files;
  std::vector<std::string> written_keys;  // every blob written for it, removed if it is dropped
};

// One data file of an append being written, batch by batch.
class DataFileSink {
 public:
  ~DataFileSink();
  Status Write(const arrow::RecordBatch& batch);
  // Closes and publishes the file, and adds it to its append.
  Status Finish();

 private:
  friend class DatalakeService;
  DataFileSink() = default;
  PendingAppend* append_ = nullptr;
  const storage::BlobStore* store_ = nullptr;
  std::string key_;
  std::unique_ptr<storage::BlobWriter> blob_;
  std::unique_ptr<engine::lake::DataFileWriter> writer_;
};

struct LoadedTable {
  TableRef ref;
  std::string metadata_location;
  engine::lake::TableMetadata metadata;
};

class DatalakeService {
 public:
  DatalakeService(db::Database& db, const storage::BlobStore& store) : db_(db), repo_(db), store_(store) {}

  static std::string TableKey(const TableRef& ref);
  // Whether a namespace or table name is an identifier ([A-Za-z_][A-Za-z0-9_]*, at most 128).
  static bool IsIdentifier(const std::string& name);

  // 422 at `field`, naming the columns, when the table exists with other columns or types than
  // `schema`'s; OK when it does not exist yet.
  Status CheckSchema(const TableRef& ref, const engine::lake::LakeSchema& schema, const std::string& field);
  // Checks the schema as CheckSchema does, and takes the existing table's field ids and place.
  Status Prepare(PendingAppend& append, const std::string& field);
  // A new data file of the table (in the append's schema); `append` must outlive it.
  Result<std::unique_ptr<DataFileSink>> OpenDataFile(PendingAppend& append);
  // Adds a data file another process wrote (a worker) at `key`, which must lie in the table's
  // data directory and exist; its location and size are the store's, not the reporter's.
  Status AdoptDataFile(PendingAppend& append, const std::string& key, engine::lake::DataFile file);
  // Writes the batches of `rows` as one data file of the table, and adds it to `append`.
  Status WriteDataFile(PendingAppend& append, arrow::RecordBatchReader& rows);
  // In the caller's transaction: the appended files become the table's next snapshot (the table
  // is created first when missing). Another commit in between makes it reload and retry.
  Status Commit(soci::session& sql, PendingAppend& append);
  // Removes what an append wrote (its transaction failed): nothing refers to it.
  void Discard(const PendingAppend& append);

  Result<std::vector<std::string>> Schemas(const std::string& tenant_id);
  // NotFound for an unknown namespace.
  Result<std::vector<std::string>> Tables(const std::string& tenant_id, const std::string& ns);
  // NotFound for an unknown namespace or table (another tenant's too).
  Result<LoadedTable> Load(const std::string& tenant_id, const std::string& ns, const std::string& table);
  Result<nlohmann::json> Columns(const std::string& tenant_id, const std::string& ns, const std::string& table);
  Result<nlohmann::json> TableInfo(const std::string& tenant_id, const std::string& ns, const std::string& table);
  // 11.5; InvalidArgument for a non-numeric column, NotFound for an unknown one.
  Result<nlohmann::json> NumericStats(const std::string& tenant_id, const std::string& ns, const std::string& table,
                                      const std::string& column);
  Result<nlohmann::json> DistinctCount(const std::string& tenant_id, const std::string& ns, const std::string& table,
                                       const std::string& column);
  // The files a metadata location may lead to: the tenant's lake only.
  engine::lake::LakeFiles FilesOf(const std::string& tenant_id) const;
  // The live data files of a table's snapshot (the current one by default).
  Result<std::vector<engine::lake::DataFile>> DataFiles(const LoadedTable& table,
                                                        std::optional<int64_t> snapshot_id = std::nullopt);

 private:
  // The table whose current metadata file is `location`, read (no catalog lookup).
  Result<LoadedTable> LoadAt(const TableRef& ref, const std::string& location);
  // The table's current metadata location (one catalog lookup); NotFound as Load.
  Result<std::string> Locate(const std::string& tenant_id, const std::string& ns, const std::string& table);
  Result<engine::lake::TableMetadata> ReadMetadata(const std::string& tenant_id, const std::string& location);
  // One attempt: the snapshot over `current` (none: a new table); false when another commit won.
  Result<bool> TryCommit(soci::session& sql, PendingAppend& append, const std::optional<std::string>& current);
  // Answers that depend only on an immutable metadata file, cached by its location.
  std::optional<nlohmann::json> Cached(const std::string& key);
  void Remember(const std::string& key, const nlohmann::json& value);

  db::Database& db_;
  DatalakeRepository repo_;
  const storage::BlobStore& store_;
  std::mutex cache_mutex_;
  std::map<std::string, nlohmann::json> cache_;
};

}  // namespace dataml::datalake
