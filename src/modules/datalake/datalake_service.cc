#include "modules/datalake/datalake_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <regex>

#include "core/clock.h"
#include "core/crypto.h"
#include "engine/lake/column_stats.h"
#include "engine/lake/manifest.h"

namespace dataml::datalake {
namespace lake = engine::lake;
namespace {

constexpr int kCommitAttempts = 10;
constexpr size_t kCacheEntries = 512;

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string IsoFromMillis(int64_t ms) { return FormatIso8601Utc(ms / 1000); }

std::string LakePrefix(const std::string& tenant_id) { return "tenants/" + tenant_id + "/lake"; }

// Differences between the table's columns and the rows', by name and Iceberg type.
std::vector<std::string> SchemaDifferences(const lake::LakeSchema& table, const lake::LakeSchema& rows) {
  std::vector<std::string> out;
  for (const lake::LakeColumn& c : rows.columns) {
    const lake::LakeColumn* found = table.Find(c.name);
    if (found == nullptr) {
      out.push_back(c.name + " (not in the table)");
    } else if (found->iceberg_type != c.iceberg_type) {
      out.push_back(c.name + " (" + c.iceberg_type + ", the table has " + found->iceberg_type + ")");
    }
  }
  for (const lake::LakeColumn& c : table.columns) {
    if (rows.Find(c.name) == nullptr) out.push_back(c.name + " (only in the table)");
  }
  return out;
}

nlohmann::json OrNull(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

}  // namespace

std::string DatalakeService::TableKey(const TableRef& ref) {
  return LakePrefix(ref.catalog) + "/" + ref.ns + "/" + ref.table;
}

bool DatalakeService::IsIdentifier(const std::string& name) {
  static const std::regex kIdentifier("^[A-Za-z_][A-Za-z0-9_]{0,127}$");
  return std::regex_match(name, kIdentifier);
}

lake::LakeFiles DatalakeService::FilesOf(const std::string& tenant_id) const {
  std::string prefix = LakePrefix(tenant_id);
  return {store_.filesystem(), [this, prefix](const std::string& location) -> Result<std::string> {
            auto key = store_.KeyInside(location, prefix);
            if (!key.ok()) return Status::Internal("the table names a file outside its warehouse or a missing one");
            return key;
          }};
}

Result<lake::TableMetadata> DatalakeService::ReadMetadata(const std::string& tenant_id, const std::string& location) {
  DATAML_ASSIGN_OR_RETURN(std::string text, lake::ReadLocation(FilesOf(tenant_id), location));
  return lake::TableMetadata::Parse(text);
}

Status DatalakeService::CheckSchema(const TableRef& ref, const lake::LakeSchema& schema, const std::string& field) {
  PendingAppend probe{ref, schema, "", "", {}, {}};
  return Prepare(probe, field);
}

Status DatalakeService::Prepare(PendingAppend& append, const std::string& field) {
  append.table_key = TableKey(append.ref);
  DATAML_ASSIGN_OR_RETURN(auto location, repo_.MetadataLocation(append.ref));
  if (!location) return Status::OK();
  DATAML_ASSIGN_OR_RETURN(lake::TableMetadata metadata, ReadMetadata(append.ref.catalog, *location));
  DATAML_ASSIGN_OR_RETURN(lake::LakeSchema table, metadata.CurrentSchema());
  std::vector<std::string> differences = SchemaDifferences(table, append.schema);
  if (!differences.empty()) {
    std::string list;
    for (const std::string& d : differences) list += (list.empty() ? "" : ", ") + d;
    return Status::Invalid({{{field},
                             "The lake table " + append.ref.ns + "." + append.ref.table +
                                 " has other columns than the data: " + list,
                             "value_error"}});
  }
  // The table's own field ids and place, whoever created it; never a place outside the tenant's lake.
  append.schema = table;
  std::optional<std::string> key = store_.KeyAt(metadata.location());
  if (!key || key->rfind(LakePrefix(append.ref.catalog) + "/", 0) != 0) {
    return Status::FailedPrecondition("The lake table " + append.ref.ns + "." + append.ref.table +
                                      " lies outside the tenant's lake; the platform does not write it");
  }
  append.table_key = *key;
  return Status::OK();
}

DataFileSink::~DataFileSink() = default;

Status DataFileSink::Write(const arrow::RecordBatch& batch) { return writer_->Write(batch); }

Status DataFileSink::Finish() {
  DATAML_ASSIGN_OR_RETURN(lake::DataFile file, writer_->Finish());
  DATAML_RETURN_NOT_OK(blob_->Publish());
  append_->written_keys.push_back(key_);
  file.location = store_->LocationOf(key_);
  DATAML_ASSIGN_OR_RETURN(file.file_size_in_bytes, store_->Size(key_));
  append_->files.push_back(std::move(file));
  return Status::OK();
}

Result<std::unique_ptr<DataFileSink>> DatalakeService::OpenDataFile(PendingAppend& append) {
  std::unique_ptr<DataFileSink> sink(new DataFileSink());
  sink->append_ = &append;
  sink->store_ = &store_;
  sink->key_ = append.table_key + "/data/" + RandomUuid() + ".parquet";
  DATAML_ASSIGN_OR_RETURN(sink->blob_, store_.OpenWrite(sink->key_));
  DATAML_ASSIGN_OR_RETURN(sink->writer_, lake::DataFileWriter::Open(append.schema, sink->blob_->shared_stream()));
  return sink;
}

Status DatalakeService::AdoptDataFile(PendingAppend& append, const std::string& key, lake::DataFile file) {
  if (key.rfind(append.table_key + "/data/", 0) != 0 || !storage::BlobStore::CheckKey(key).ok()) {
    return Status::InvalidArgument("a data file must lie in its table's data directory");
  }
  DATAML_ASSIGN_OR_RETURN(file.file_size_in_bytes, store_.Size(key));
  file.location = store_.LocationOf(key);
  append.written_keys.push_back(key);
  append.files.push_back(std::move(file));
  return Status::OK();
}

Status DatalakeService::WriteDataFile(PendingAppend& append, arrow::RecordBatchReader& rows) {
  DATAML_ASSIGN_OR_RETURN(auto sink, OpenDataFile(append));
  for (;;) {
    std::shared_ptr<arrow::RecordBatch> batch;
    arrow::Status read = rows.ReadNext(&batch);
    if (!read.ok()) return Status::Internal("cannot read the rows for the lake: " + read.ToString());
    if (batch == nullptr) break;
    DATAML_RETURN_NOT_OK(sink->Write(*batch));
  }
  return sink->Finish();
}

Result<bool> DatalakeService::TryCommit(soci::session& sql, PendingAppend& append,
                                        const std::optional<std::string>& current) {
  const int64_t now = NowMillis();
  std::optional<lake::TableMetadata> loaded;
  if (current) {
    DATAML_ASSIGN_OR_RETURN(loaded, ReadMetadata(append.ref.catalog, *current));
    DATAML_ASSIGN_OR_RETURN(lake::LakeSchema table, loaded->CurrentSchema());
    if (table.columns != append.schema.columns) {
      return Status::FailedPrecondition("The lake table " + append.ref.ns + "." + append.ref.table +
                                        " was created with other columns meanwhile; try again");
    }
  } else {
    loaded = lake::TableMetadata::New(store_.LocationOf(append.table_key), append.schema,
                                      {{"owner", append.owner}, {"created-at", NowIso8601Utc()}}, now);
  }
  lake::TableMetadata& metadata = *loaded;
  const std::optional<lake::Snapshot> parent = metadata.CurrentSnapshot();
  lake::Snapshot snapshot;
  snapshot.snapshot_id = lake::NewSnapshotId();
  if (parent) snapshot.parent_snapshot_id = parent->snapshot_id;
  snapshot.sequence_number = metadata.last_sequence_number() + 1;
  snapshot.timestamp_ms = metadata.NextTimestamp(now);
  snapshot.schema_id = append.schema.schema_id;

  const std::string metadata_dir = append.table_key + "/metadata/";
  std::vector<std::string> written;  // this attempt's, removed when it loses the race
  auto write = [&](const std::string& key, const std::string& bytes) -> Status {
    DATAML_RETURN_NOT_OK(store_.Write(key, bytes));
    written.push_back(key);
    return Status::OK();
  };
  auto drop_attempt = [&] {
    for (const std::string& key : written) (void)store_.Remove(key);
  };

  DATAML_ASSIGN_OR_RETURN(std::string manifest,
                          lake::WriteManifest(append.schema, snapshot.snapshot_id, snapshot.sequence_number, append.files));
  const std::string manifest_key = metadata_dir + RandomUuid() + "-m0.avro";
  lake::ManifestFile entry;
  entry.manifest_path = store_.LocationOf(manifest_key);
  entry.manifest_length = static_cast<int64_t>(manifest.size());
  entry.sequence_number = entry.min_sequence_number = snapshot.sequence_number;
  entry.added_snapshot_id = snapshot.snapshot_id;
  entry.added_files_count = static_cast<int32_t>(append.files.size());
  int64_t added_rows = 0;
  for (const lake::DataFile& f : append.files) added_rows += f.record_count;
  entry.added_rows_count = added_rows;
  std::vector<lake::ManifestFile> manifests{entry};
  int64_t total_rows = added_rows, total_files = static_cast<int64_t>(append.files.size());
  if (parent) {
    DATAML_ASSIGN_OR_RETURN(std::string list, lake::ReadLocation(FilesOf(append.ref.catalog), parent->manifest_list));
    DATAML_ASSIGN_OR_RETURN(std::vector<lake::ManifestFile> previous, lake::ReadManifestList(list));
    for (const lake::ManifestFile& m : previous) {
      total_rows += m.added_rows_count + m.existing_rows_count;
      total_files += m.added_files_count + m.existing_files_count;
      manifests.push_back(m);
    }
  }
  Status status = write(manifest_key, manifest);
  DATAML_ASSIGN_OR_RETURN(std::string list, lake::WriteManifestList(snapshot.snapshot_id, snapshot.parent_snapshot_id,
                                                                    snapshot.sequence_number, manifests));
  const std::string list_key =
      metadata_dir + "snap-" + std::to_string(snapshot.snapshot_id) + "-1-" + RandomUuid() + ".avro";
  if (status.ok()) status = write(list_key, list);
  snapshot.manifest_list = store_.LocationOf(list_key);
  snapshot.summary = {{"operation", "append"},
                      {"added-data-files", std::to_string(append.files.size())},
                      {"added-records", std::to_string(added_rows)},
                      {"total-data-files", std::to_string(total_files)},
                      {"total-records", std::to_string(total_rows)},
                      {"total-delete-files", "0"},
                      {"total-position-deletes", "0"},
                      {"total-equality-deletes", "0"}};
  metadata.AddSnapshot(snapshot, current.value_or(""));
  std::string next = lake::NextMetadataLocation(metadata.location(), current);
  const std::string metadata_key = metadata_dir + next.substr(next.rfind('/') + 1);
  if (status.ok()) status = write(metadata_key, metadata.Serialize());
  if (!status.ok()) {
    drop_attempt();
    return status;
  }
  const std::string location = store_.LocationOf(metadata_key);
  const bool swapped = current ? DatalakeRepository::SwapMetadata(sql, append.ref, *current, location)
                               : DatalakeRepository::InsertTable(sql, append.ref, location);
  if (!swapped) {
    drop_attempt();
    return false;
  }
  append.written_keys.insert(append.written_keys.end(), written.begin(), written.end());
  return true;
}

Status DatalakeService::Commit(soci::session& sql, PendingAppend& append) {
  for (int attempt = 0; attempt < kCommitAttempts; ++attempt) {
    std::optional<std::string> current = DatalakeRepository::MetadataLocation(sql, append.ref);
    DATAML_ASSIGN_OR_RETURN(bool committed, TryCommit(sql, append, current));
    if (committed) return Status::OK();
  }
  return Status::FailedPrecondition("The lake table " + append.ref.ns + "." + append.ref.table +
                                    " is changing too often; try again");
}

void DatalakeService::Discard(const PendingAppend& append) {
  for (const std::string& key : append.written_keys) (void)store_.Remove(key);
}

Result<std::vector<std::string>> DatalakeService::Schemas(const std::string& tenant_id) {
  return repo_.Namespaces(tenant_id);
}

Result<std::vector<std::string>> DatalakeService::Tables(const std::string& tenant_id, const std::string& ns) {
  DATAML_ASSIGN_OR_RETURN(bool exists, repo_.NamespaceExists(tenant_id, ns));
  if (!exists) return Status::NotFound("Schema not found");
  return repo_.Tables(tenant_id, ns);
}

Result<std::string> DatalakeService::Locate(const std::string& tenant_id, const std::string& ns,
                                           const std::string& table) {
  DATAML_ASSIGN_OR_RETURN(auto location, repo_.MetadataLocation({tenant_id, ns, table}));
  if (location) return *location;
  DATAML_ASSIGN_OR_RETURN(bool ns_exists, repo_.NamespaceExists(tenant_id, ns));
  return Status::NotFound(ns_exists ? "Table not found" : "Schema not found");
}

Result<LoadedTable> DatalakeService::Load(const std::string& tenant_id, const std::string& ns,
                                          const std::string& table) {
  DATAML_ASSIGN_OR_RETURN(std::string location, Locate(tenant_id, ns, table));
  return LoadAt({tenant_id, ns, table}, location);
}

Result<LoadedTable> DatalakeService::LoadAt(const TableRef& ref, const std::string& location) {
  auto metadata = ReadMetadata(ref.catalog, location);
  if (!metadata.ok()) {
    spdlog::error("cannot read lake table {}.{} of tenant {}: {}", ref.ns, ref.table, ref.catalog,
                  metadata.status().message());
    return Status::Internal("Cannot read the table's metadata");
  }
  return LoadedTable{ref, location, std::move(*metadata)};
}

Result<std::vector<lake::DataFile>> DatalakeService::DataFiles(const LoadedTable& table,
                                                               std::optional<int64_t> snapshot_id) {
  std::optional<lake::Snapshot> snapshot =
      snapshot_id ? table.metadata.FindSnapshot(*snapshot_id) : table.metadata.CurrentSnapshot();
  if (!snapshot) {
    if (snapshot_id) return Status::NotFound("Snapshot not found");
    return std::vector<lake::DataFile>{};
  }
  return lake::SnapshotDataFiles(FilesOf(table.ref.catalog), *snapshot);
}

Result<nlohmann::json> DatalakeService::Columns(const std::string& tenant_id, const std::string& ns,
                                                const std::string& table) {
  DATAML_ASSIGN_OR_RETURN(LoadedTable loaded, Load(tenant_id, ns, table));
  DATAML_ASSIGN_OR_RETURN(lake::LakeSchema schema, loaded.metadata.CurrentSchema());
  nlohmann::json out = nlohmann::json::array();
  for (const lake::LakeColumn& c : schema.columns) {
    out.push_back({{"column_name", c.name}, {"data_type", lake::SqlTypeName(c)}});
  }
  return out;
}

namespace {

// The table's history for people: newest first, the most recent kSnapshotsListed, with the totals
// Iceberg's summaries carry (absent in another writer's summary: null).
constexpr size_t kSnapshotsListed = 100;

nlohmann::json SnapshotsNewestFirst(const lake::TableMetadata& m) {
  std::vector<lake::Snapshot> snapshots = m.Snapshots();
  std::stable_sort(snapshots.begin(), snapshots.end(),
                   [](const lake::Snapshot& a, const lake::Snapshot& b) { return a.sequence_number > b.sequence_number; });
  auto count = [](const lake::Snapshot& s, const char* key) -> nlohmann::json {
    auto it = s.summary.find(key);
    if (it == s.summary.end()) return nullptr;
    try {
      return std::stoll(it->second);
    } catch (const std::exception&) {
      return nullptr;
    }
  };
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < snapshots.size() && i < kSnapshotsListed; ++i) {
    const lake::Snapshot& s = snapshots[i];
    auto operation = s.summary.find("operation");
    out.push_back({{"snapshot_id", s.snapshot_id},
                   {"parent_snapshot_id", s.parent_snapshot_id ? nlohmann::json(*s.parent_snapshot_id) : nlohmann::json()},
                   {"sequence_number", s.sequence_number},
                   {"committed_at", IsoFromMillis(s.timestamp_ms)},
                   {"operation", operation == s.summary.end() ? nlohmann::json() : nlohmann::json(operation->second)},
                   {"added_records", count(s, "added-records")},
                   {"total_records", count(s, "total-records")}});
  }
  return out;
}

}  // namespace

Result<nlohmann::json> DatalakeService::TableInfo(const std::string& tenant_id, const std::string& ns,
                                                  const std::string& table) {
  // A cached answer costs one catalog lookup: the metadata file it came from never changes.
  DATAML_ASSIGN_OR_RETURN(std::string location, Locate(tenant_id, ns, table));
  const std::string cache_key = location + "|info";
  if (auto cached = Cached(cache_key)) return *cached;
  DATAML_ASSIGN_OR_RETURN(LoadedTable loaded, LoadAt({tenant_id, ns, table}, location));
  const lake::TableMetadata& m = loaded.metadata;
  DATAML_ASSIGN_OR_RETURN(std::vector<lake::DataFile> files, DataFiles(loaded));
  int64_t records = 0;
  for (const lake::DataFile& f : files) records += f.record_count;
  auto snapshot = m.CurrentSnapshot();
  nlohmann::json out = {
      {"schema", ns},
      {"table", table},
      {"owner", m.property("owner") ? nlohmann::json(*m.property("owner")) : nlohmann::json()},
      {"created_time", m.property("created-at").value_or(IsoFromMillis(m.last_updated_ms()))},
      // Iceberg records commits, not reads: the last commit is the last access it knows.
      {"last_access_time", IsoFromMillis(m.last_updated_ms())},
      {"location", m.location()},
      {"format", "iceberg"},
      {"current_snapshot_id", snapshot ? nlohmann::json(snapshot->snapshot_id) : nlohmann::json()},
      {"record_count", records},
      {"file_count", files.size()},
      {"snapshots", SnapshotsNewestFirst(m)},
  };
  Remember(cache_key, out);
  return out;
}

Result<nlohmann::json> DatalakeService::NumericStats(const std::string& tenant_id, const std::string& ns,
                                                     const std::string& table, const std::string& column) {
  DATAML_ASSIGN_OR_RETURN(std::string location, Locate(tenant_id, ns, table));
  const std::string cache_key = location + "|numeric|" + column;
  if (auto cached = Cached(cache_key)) return *cached;
  DATAML_ASSIGN_OR_RETURN(LoadedTable loaded, LoadAt({tenant_id, ns, table}, location));
  DATAML_ASSIGN_OR_RETURN(lake::LakeSchema schema, loaded.metadata.CurrentSchema());
  const lake::LakeColumn* c = schema.Find(column);
  if (c == nullptr) return Status::NotFound("Column not found");
  if (c->type != engine::DataType::kInteger && c->type != engine::DataType::kFloat) {
    return Status::Invalid({{{"column_name"}, "Column '" + column + "' is " + lake::SqlTypeName(*c) + ", not numeric",
                             "value_error"}});
  }
  DATAML_ASSIGN_OR_RETURN(std::vector<lake::DataFile> files, DataFiles(loaded));
  DATAML_ASSIGN_OR_RETURN(auto values, lake::ReadLakeColumn(FilesOf(tenant_id), files, *c));
  DATAML_ASSIGN_OR_RETURN(lake::NumericStats stats, lake::ComputeNumericStats(*values));
  nlohmann::json out = {{"column", column},         {"count", stats.count},          {"mean", OrNull(stats.mean)},
                        {"std_dev", OrNull(stats.std_dev)}, {"min", OrNull(stats.min)}, {"max", OrNull(stats.max)},
                        {"median", OrNull(stats.median)}};
  Remember(cache_key, out);
  return out;
}

Result<nlohmann::json> DatalakeService::DistinctCount(const std::string& tenant_id, const std::string& ns,
                                                      const std::string& table, const std::string& column) {
  DATAML_ASSIGN_OR_RETURN(std::string location, Locate(tenant_id, ns, table));
  const std::string cache_key = location + "|distinct|" + column;
  if (auto cached = Cached(cache_key)) return *cached;
  DATAML_ASSIGN_OR_RETURN(LoadedTable loaded, LoadAt({tenant_id, ns, table}, location));
  DATAML_ASSIGN_OR_RETURN(lake::LakeSchema schema, loaded.metadata.CurrentSchema());
  const lake::LakeColumn* c = schema.Find(column);
  if (c == nullptr) return Status::NotFound("Column not found");
  DATAML_ASSIGN_OR_RETURN(std::vector<lake::DataFile> files, DataFiles(loaded));
  DATAML_ASSIGN_OR_RETURN(auto values, lake::ReadLakeColumn(FilesOf(tenant_id), files, *c, /*dictionary=*/true));
  DATAML_ASSIGN_OR_RETURN(int64_t distinct, lake::CountDistinct(*values));
  nlohmann::json out = {
      {"schema", ns}, {"table", table}, {"column", column}, {"distinct_count", distinct}, {"exact", true}};
  Remember(cache_key, out);
  return out;
}

std::optional<nlohmann::json> DatalakeService::Cached(const std::string& key) {
  std::lock_guard<std::mutex> lock(cache_mutex_);
  auto it = cache_.find(key);
  if (it == cache_.end()) return std::nullopt;
  return it->second;
}

void DatalakeService::Remember(const std::string& key, const nlohmann::json& value) {
  std::lock_guard<std::mutex> lock(cache_mutex_);
  // Keys name immutable metadata files, so entries never go stale; the bound keeps memory flat.
  if (cache_.size() >= kCacheEntries) cache_.clear();
  cache_[key] = value;
}

}  // namespace dataml::datalake
