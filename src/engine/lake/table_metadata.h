// An Iceberg v2 table metadata file (the JSON a catalog row points to), kept as the JSON it was
// read from so that fields other writers put there survive our commits. Knows the spec's
// required fields, snapshots, the snapshot and metadata logs and the "main" branch.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "engine/lake/lake_schema.h"

namespace dataml::engine::lake {

struct Snapshot {
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;
  int64_t sequence_number = 0;
  int64_t timestamp_ms = 0;
  std::string manifest_list;  // its location
  int schema_id = 0;
  std::map<std::string, std::string> summary;  // "operation" and the totals
};

class TableMetadata {
 public:
  // A table without snapshots at `location`; `properties` such as "owner".
  static TableMetadata New(const std::string& location, const LakeSchema& schema,
                           const std::map<std::string, std::string>& properties, int64_t now_ms);
  // InvalidArgument when the text is not a v1/v2 table metadata with the fields we read.
  static Result<TableMetadata> Parse(std::string_view text);
  std::string Serialize() const { return json_.dump(); }

  std::string location() const;
  std::string table_uuid() const;
  int64_t last_updated_ms() const;
  int64_t last_sequence_number() const;
  std::optional<std::string> property(const std::string& key) const;
  Result<LakeSchema> CurrentSchema() const;
  std::optional<Snapshot> CurrentSnapshot() const;
  std::optional<Snapshot> FindSnapshot(int64_t snapshot_id) const;
  // Every snapshot the metadata keeps, in the order it lists them (oldest first as commits append).
  std::vector<Snapshot> Snapshots() const;
  // Every snapshot's timestamp is at least this: a commit's time never goes back.
  int64_t NextTimestamp(int64_t now_ms) const { return std::max(now_ms, last_updated_ms()); }

  // Makes `snapshot` (whose parent is the current one) current on "main", and logs the metadata
  // file this one replaces (none: a table created by this commit).
  void AddSnapshot(const Snapshot& snapshot, const std::string& previous_metadata_location);

 private:
  explicit TableMetadata(nlohmann::json json) : json_(std::move(json)) {}
  nlohmann::json json_;
};

// "<location>/metadata/<version:05d>-<uuid>.metadata.json", the version one past the one
// `previous` (a metadata file location, or none for a new table) carries.
std::string NextMetadataLocation(const std::string& table_location, const std::optional<std::string>& previous);
// A new snapshot id: random, positive, as Iceberg's writers make them.
int64_t NewSnapshotId();

}  // namespace dataml::engine::lake
