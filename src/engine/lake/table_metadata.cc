#include "engine/lake/table_metadata.h"

#include <cstdio>
#include <random>

#include "core/crypto.h"

namespace dataml::engine::lake {
namespace {

Snapshot SnapshotFromJson(const nlohmann::json& j) {
  Snapshot s;
  s.snapshot_id = j.value("snapshot-id", int64_t{0});
  if (j.contains("parent-snapshot-id") && j["parent-snapshot-id"].is_number_integer()) {
    s.parent_snapshot_id = j["parent-snapshot-id"].get<int64_t>();
  }
  s.sequence_number = j.value("sequence-number", int64_t{0});
  s.timestamp_ms = j.value("timestamp-ms", int64_t{0});
  s.manifest_list = j.value("manifest-list", std::string());
  s.schema_id = j.value("schema-id", 0);
  if (j.contains("summary") && j["summary"].is_object()) {
    for (const auto& [key, value] : j["summary"].items()) {
      if (value.is_string()) s.summary[key] = value.get<std::string>();
    }
  }
  return s;
}

}  // namespace

TableMetadata TableMetadata::New(const std::string& location, const LakeSchema& schema,
                                 const std::map<std::string, std::string>& properties, int64_t now_ms) {
  nlohmann::json props = nlohmann::json::object();
  for (const auto& [key, value] : properties) props[key] = value;
  nlohmann::json j = {
      {"format-version", 2},
      {"table-uuid", RandomUuid()},
      {"location", location},
      {"last-sequence-number", 0},
      {"last-updated-ms", now_ms},
      {"last-column-id", schema.last_column_id()},
      {"current-schema-id", schema.schema_id},
      {"schemas", nlohmann::json::array({LakeSchemaToJson(schema)})},
      {"default-spec-id", 0},
      {"partition-specs", nlohmann::json::array({{{"spec-id", 0}, {"fields", nlohmann::json::array()}}})},
      {"last-partition-id", 999},
      {"default-sort-order-id", 0},
      {"sort-orders", nlohmann::json::array({{{"order-id", 0}, {"fields", nlohmann::json::array()}}})},
      {"properties", props},
      {"current-snapshot-id", nullptr},
      {"refs", nlohmann::json::object()},
      {"snapshots", nlohmann::json::array()},
      {"snapshot-log", nlohmann::json::array()},
      {"metadata-log", nlohmann::json::array()},
  };
  return TableMetadata(std::move(j));
}

Result<TableMetadata> TableMetadata::Parse(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::InvalidArgument("the table metadata is not JSON");
  const nlohmann::json& version = j.contains("format-version") ? j["format-version"] : nlohmann::json();
  if (!version.is_number_integer() || version.get<int>() < 1 || version.get<int>() > 2) {
    return Status::InvalidArgument("the table metadata is not Iceberg format version 1 or 2");
  }
  if (!j.contains("location") || !j["location"].is_string()) {
    return Status::InvalidArgument("the table metadata has no location");
  }
  for (const char* list : {"snapshots", "snapshot-log", "metadata-log"}) {
    if (!j.contains(list) || j[list].is_null()) j[list] = nlohmann::json::array();
    if (!j[list].is_array()) return Status::InvalidArgument(std::string("the table metadata's ") + list + " is not a list");
  }
  TableMetadata metadata(std::move(j));
  DATAML_RETURN_NOT_OK(metadata.CurrentSchema().status());
  return metadata;
}

std::string TableMetadata::location() const {
  std::string location = json_["location"].get<std::string>();
  while (!location.empty() && location.back() == '/') location.pop_back();
  return location;
}

std::string TableMetadata::table_uuid() const { return json_.value("table-uuid", std::string()); }
int64_t TableMetadata::last_updated_ms() const { return json_.value("last-updated-ms", int64_t{0}); }
int64_t TableMetadata::last_sequence_number() const { return json_.value("last-sequence-number", int64_t{0}); }

std::optional<std::string> TableMetadata::property(const std::string& key) const {
  if (!json_.contains("properties") || !json_["properties"].is_object()) return std::nullopt;
  const nlohmann::json& props = json_["properties"];
  if (!props.contains(key) || !props[key].is_string()) return std::nullopt;
  return props[key].get<std::string>();
}

Result<LakeSchema> TableMetadata::CurrentSchema() const {
  if (json_.contains("schemas") && json_["schemas"].is_array()) {
    const int current = json_.value("current-schema-id", 0);
    for (const nlohmann::json& schema : json_["schemas"]) {
      if (schema.is_object() && schema.value("schema-id", 0) == current) return LakeSchemaFromJson(schema);
    }
  }
  // Format version 1 may carry a single "schema".
  if (json_.contains("schema")) return LakeSchemaFromJson(json_["schema"]);
  return Status::InvalidArgument("the table metadata has no current schema");
}

std::optional<Snapshot> TableMetadata::FindSnapshot(int64_t snapshot_id) const {
  for (const nlohmann::json& s : json_["snapshots"]) {
    if (s.is_object() && s.value("snapshot-id", int64_t{0}) == snapshot_id) return SnapshotFromJson(s);
  }
  return std::nullopt;
}

std::vector<Snapshot> TableMetadata::Snapshots() const {
  std::vector<Snapshot> out;
  if (!json_.contains("snapshots") || !json_["snapshots"].is_array()) return out;
  for (const nlohmann::json& s : json_["snapshots"]) {
    if (s.is_object()) out.push_back(SnapshotFromJson(s));
  }
  return out;
}

std::optional<Snapshot> TableMetadata::CurrentSnapshot() const {
  const nlohmann::json& current = json_.contains("current-snapshot-id") ? json_["current-snapshot-id"] : nlohmann::json();
  // -1 is how format version 1 says "none".
  if (!current.is_number_integer() || current.get<int64_t>() == -1) return std::nullopt;
  return FindSnapshot(current.get<int64_t>());
}

void TableMetadata::AddSnapshot(const Snapshot& snapshot, const std::string& previous_metadata_location) {
  nlohmann::json summary = nlohmann::json::object();
  for (const auto& [key, value] : snapshot.summary) summary[key] = value;
  nlohmann::json s = {{"snapshot-id", snapshot.snapshot_id},
                      {"sequence-number", snapshot.sequence_number},
                      {"timestamp-ms", snapshot.timestamp_ms},
                      {"manifest-list", snapshot.manifest_list},
                      {"summary", summary},
                      {"schema-id", snapshot.schema_id}};
  if (snapshot.parent_snapshot_id) s["parent-snapshot-id"] = *snapshot.parent_snapshot_id;
  if (!previous_metadata_location.empty()) {
    json_["metadata-log"].push_back({{"timestamp-ms", last_updated_ms()}, {"metadata-file", previous_metadata_location}});
  }
  json_["snapshots"].push_back(std::move(s));
  json_["snapshot-log"].push_back({{"timestamp-ms", snapshot.timestamp_ms}, {"snapshot-id", snapshot.snapshot_id}});
  json_["current-snapshot-id"] = snapshot.snapshot_id;
  json_["last-sequence-number"] = snapshot.sequence_number;
  json_["last-updated-ms"] = snapshot.timestamp_ms;
  if (!json_.contains("refs") || !json_["refs"].is_object()) json_["refs"] = nlohmann::json::object();
  json_["refs"]["main"] = {{"snapshot-id", snapshot.snapshot_id}, {"type", "branch"}};
}

std::string NextMetadataLocation(const std::string& table_location, const std::optional<std::string>& previous) {
  int version = 0;
  if (previous) {
    // ".../metadata/00003-<uuid>.metadata.json": the digits before the first '-' of the name.
    size_t slash = previous->rfind('/');
    std::string name = previous->substr(slash == std::string::npos ? 0 : slash + 1);
    size_t digits = 0;
    while (digits < name.size() && digits < 9 && std::isdigit(static_cast<unsigned char>(name[digits]))) ++digits;
    if (digits > 0 && digits < name.size() && name[digits] == '-') version = std::stoi(name.substr(0, digits)) + 1;
  }
  char prefix[16];
  std::snprintf(prefix, sizeof(prefix), "%05d-", version);
  return table_location + "/metadata/" + prefix + RandomUuid() + ".metadata.json";
}

int64_t NewSnapshotId() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  return static_cast<int64_t>(random() >> 1) + 1;  // positive, never 0
}

}  // namespace dataml::engine::lake
