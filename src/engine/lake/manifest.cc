#include "engine/lake/manifest.h"

#include "engine/lake/avro.h"

namespace dataml::engine::lake {
namespace {

using nlohmann::json;

// Avro fields as Iceberg writes them: each with its field id; optional ones as a union with
// null and a null default.
json Required(const char* name, json type, int id) { return {{"name", name}, {"type", std::move(type)}, {"field-id", id}}; }
json Optional(const char* name, json type, int id) {
  return {{"name", name}, {"type", json::array({"null", std::move(type)})}, {"default", nullptr}, {"field-id", id}};
}
// An int-keyed map: an array of key/value records, as Iceberg's Avro mapping has it.
json IntMap(int key_id, int value_id, const char* value_type) {
  std::string name = "k" + std::to_string(key_id) + "_v" + std::to_string(value_id);
  return {{"type", "array"},
          {"logicalType", "map"},
          {"items",
           {{"type", "record"},
            {"name", name},
            {"fields", json::array({Required("key", "int", key_id), Required("value", value_type, value_id)})}}}};
}
json LongList(int element_id) { return {{"type", "array"}, {"items", "long"}, {"element-id", element_id}}; }

json DataFileSchema() {
  json fields = json::array({
      Required("content", "int", 134),
      Required("file_path", "string", 100),
      Required("file_format", "string", 101),
      Required("partition", {{"type", "record"}, {"name", "r102"}, {"fields", json::array()}}, 102),
      Required("record_count", "long", 103),
      Required("file_size_in_bytes", "long", 104),
      Optional("column_sizes", IntMap(117, 118, "long"), 108),
      Optional("value_counts", IntMap(119, 120, "long"), 109),
      Optional("null_value_counts", IntMap(121, 122, "long"), 110),
      Optional("nan_value_counts", IntMap(138, 139, "long"), 137),
      Optional("lower_bounds", IntMap(126, 127, "bytes"), 125),
      Optional("upper_bounds", IntMap(129, 130, "bytes"), 128),
      Optional("key_metadata", "bytes", 131),
      Optional("split_offsets", LongList(133), 132),
      Optional("equality_ids", LongList(136), 135),
      Optional("sort_order_id", "int", 140),
  });
  return {{"type", "record"}, {"name", "r2"}, {"fields", fields}};
}

json ManifestEntrySchema() {
  json fields = json::array({Required("status", "int", 0), Optional("snapshot_id", "long", 1),
                             Optional("sequence_number", "long", 3), Optional("file_sequence_number", "long", 4),
                             Required("data_file", DataFileSchema(), 2)});
  return {{"type", "record"}, {"name", "manifest_entry"}, {"fields", fields}};
}

json ManifestFileSchema() {
  json summary = {{"type", "record"},
                  {"name", "r508"},
                  {"fields", json::array({Required("contains_null", "boolean", 509),
                                          Optional("contains_nan", "boolean", 518),
                                          Optional("lower_bound", "bytes", 510),
                                          Optional("upper_bound", "bytes", 511)})}};
  json fields = json::array({
      Required("manifest_path", "string", 500),
      Required("manifest_length", "long", 501),
      Required("partition_spec_id", "int", 502),
      Required("content", "int", 517),
      Required("sequence_number", "long", 515),
      Required("min_sequence_number", "long", 516),
      Required("added_snapshot_id", "long", 503),
      Required("added_files_count", "int", 504),
      Required("existing_files_count", "int", 505),
      Required("deleted_files_count", "int", 506),
      Required("added_rows_count", "long", 512),
      Required("existing_rows_count", "long", 513),
      Required("deleted_rows_count", "long", 514),
      Optional("partitions", {{"type", "array"}, {"items", summary}, {"element-id", 508}}, 507),
      Optional("key_metadata", "bytes", 519),
  });
  return {{"type", "record"}, {"name", "manifest_file"}, {"fields", fields}};
}

template <typename V, typename Encode>
AvroValue MapValue(const std::map<int, V>& values, Encode encode) {
  std::vector<AvroValue> items;
  for (const auto& [key, value] : values) {
    items.push_back(AvroValue::Record({{"key", AvroValue::Int(key)}, {"value", encode(value)}}));
  }
  return AvroValue::Array(std::move(items));
}

AvroValue DataFileValue(const DataFile& f) {
  auto as_long = [](int64_t v) { return AvroValue::Long(v); };
  auto as_bytes = [](const std::string& v) { return AvroValue::Bytes(v); };
  return AvroValue::Record({
      {"content", AvroValue::Int(0)},
      {"file_path", AvroValue::String(f.location)},
      {"file_format", AvroValue::String(f.format)},
      {"partition", AvroValue::Record({})},
      {"record_count", AvroValue::Long(f.record_count)},
      {"file_size_in_bytes", AvroValue::Long(f.file_size_in_bytes)},
      {"value_counts", MapValue(f.value_counts, as_long)},
      {"null_value_counts", MapValue(f.null_value_counts, as_long)},
      {"lower_bounds", MapValue(f.lower_bounds, as_bytes)},
      {"upper_bounds", MapValue(f.upper_bounds, as_bytes)},
  });
}

// An int-keyed map field (absent or null: none).
template <typename V, typename Decode>
Status ReadMap(const AvroValue& entry, const char* field, std::map<int, V>& out, Decode decode) {
  const AvroValue* value = entry.Find(field);
  if (value == nullptr || value->is_null()) return Status::OK();
  DATAML_ASSIGN_OR_RETURN(auto items, value->AsArray());
  for (const AvroValue& item : items) {
    const AvroValue* key = item.Find("key");
    const AvroValue* v = item.Find("value");
    if (key == nullptr || v == nullptr) return Status::InvalidArgument(std::string("a manifest's ") + field + " is malformed");
    DATAML_ASSIGN_OR_RETURN(int32_t id, key->AsInt());
    DATAML_ASSIGN_OR_RETURN(out[id], decode(*v));
  }
  return Status::OK();
}

// A long (or int) field; `fallback` when absent or null (optional in the spec's older forms).
Result<int64_t> LongField(const AvroValue& record, const char* name, int64_t fallback = 0) {
  const AvroValue* v = record.Find(name);
  if (v == nullptr || v->is_null()) return fallback;
  return v->AsLong();
}

Result<std::string> StringField(const AvroValue& record, const char* name) {
  const AvroValue* v = record.Find(name);
  if (v == nullptr || v->is_null()) return Status::InvalidArgument(std::string("a manifest has no ") + name);
  DATAML_ASSIGN_OR_RETURN(std::string_view s, v->AsString());
  return std::string(s);
}

}  // namespace

Result<std::string> WriteManifest(const LakeSchema& schema, int64_t snapshot_id, int64_t sequence_number,
                                  const std::vector<DataFile>& files) {
  std::vector<AvroValue> entries;
  for (const DataFile& f : files) {
    entries.push_back(AvroValue::Record({{"status", AvroValue::Int(1)},  // ADDED
                                         {"snapshot_id", AvroValue::Long(snapshot_id)},
                                         {"sequence_number", AvroValue::Long(sequence_number)},
                                         {"file_sequence_number", AvroValue::Long(sequence_number)},
                                         {"data_file", DataFileValue(f)}}));
  }
  std::map<std::string, std::string> header = {
      {"schema", LakeSchemaToJson(schema).dump()},
      {"schema-id", std::to_string(schema.schema_id)},
      {"partition-spec", "[]"},
      {"partition-spec-id", "0"},
      {"format-version", "2"},
      {"content", "data"},
  };
  return WriteAvroFile(ManifestEntrySchema(), header, entries);
}

Result<std::vector<DataFile>> ReadManifest(std::string_view bytes) {
  DATAML_ASSIGN_OR_RETURN(AvroFile file, ReadAvroFile(bytes));
  auto content = file.metadata.find("content");
  if (content != file.metadata.end() && content->second != "data") {
    return Status::InvalidArgument("the table has delete files, which the platform does not read");
  }
  std::vector<DataFile> out;
  for (const AvroValue& entry : file.records) {
    const AvroValue* data_file = entry.Find("data_file");
    if (data_file == nullptr) return Status::InvalidArgument("a manifest entry has no data_file");
    DATAML_ASSIGN_OR_RETURN(int64_t status, LongField(entry, "status"));
    if (status == 2) continue;  // DELETED from this snapshot
    DATAML_ASSIGN_OR_RETURN(int64_t content, LongField(*data_file, "content"));
    if (content != 0) return Status::InvalidArgument("the table has delete files, which the platform does not read");
    DataFile f;
    DATAML_ASSIGN_OR_RETURN(f.location, StringField(*data_file, "file_path"));
    DATAML_ASSIGN_OR_RETURN(f.format, StringField(*data_file, "file_format"));
    DATAML_ASSIGN_OR_RETURN(f.record_count, LongField(*data_file, "record_count"));
    DATAML_ASSIGN_OR_RETURN(f.file_size_in_bytes, LongField(*data_file, "file_size_in_bytes"));
    auto as_long = [](const AvroValue& v) { return v.AsLong(); };
    auto as_bytes = [](const AvroValue& v) -> Result<std::string> {
      DATAML_ASSIGN_OR_RETURN(std::string_view bytes, v.AsBytes());
      return std::string(bytes);
    };
    DATAML_RETURN_NOT_OK(ReadMap(*data_file, "value_counts", f.value_counts, as_long));
    DATAML_RETURN_NOT_OK(ReadMap(*data_file, "null_value_counts", f.null_value_counts, as_long));
    DATAML_RETURN_NOT_OK(ReadMap(*data_file, "lower_bounds", f.lower_bounds, as_bytes));
    DATAML_RETURN_NOT_OK(ReadMap(*data_file, "upper_bounds", f.upper_bounds, as_bytes));
    out.push_back(std::move(f));
  }
  return out;
}

Result<std::string> WriteManifestList(int64_t snapshot_id, std::optional<int64_t> parent_snapshot_id,
                                      int64_t sequence_number, const std::vector<ManifestFile>& manifests) {
  std::vector<AvroValue> records;
  for (const ManifestFile& m : manifests) {
    records.push_back(AvroValue::Record({
        {"manifest_path", AvroValue::String(m.manifest_path)},
        {"manifest_length", AvroValue::Long(m.manifest_length)},
        {"partition_spec_id", AvroValue::Int(m.partition_spec_id)},
        {"content", AvroValue::Int(m.content)},
        {"sequence_number", AvroValue::Long(m.sequence_number)},
        {"min_sequence_number", AvroValue::Long(m.min_sequence_number)},
        {"added_snapshot_id", AvroValue::Long(m.added_snapshot_id)},
        {"added_files_count", AvroValue::Int(m.added_files_count)},
        {"existing_files_count", AvroValue::Int(m.existing_files_count)},
        {"deleted_files_count", AvroValue::Int(m.deleted_files_count)},
        {"added_rows_count", AvroValue::Long(m.added_rows_count)},
        {"existing_rows_count", AvroValue::Long(m.existing_rows_count)},
        {"deleted_rows_count", AvroValue::Long(m.deleted_rows_count)},
        {"partitions", AvroValue::Array({})},
    }));
  }
  std::map<std::string, std::string> header = {
      {"snapshot-id", std::to_string(snapshot_id)},
      {"parent-snapshot-id", parent_snapshot_id ? std::to_string(*parent_snapshot_id) : "null"},
      {"sequence-number", std::to_string(sequence_number)},
      {"format-version", "2"},
  };
  return WriteAvroFile(ManifestFileSchema(), header, records);
}

Result<std::vector<ManifestFile>> ReadManifestList(std::string_view bytes) {
  DATAML_ASSIGN_OR_RETURN(AvroFile file, ReadAvroFile(bytes));
  std::vector<ManifestFile> out;
  for (const AvroValue& r : file.records) {
    ManifestFile m;
    DATAML_ASSIGN_OR_RETURN(m.manifest_path, StringField(r, "manifest_path"));
    DATAML_ASSIGN_OR_RETURN(m.manifest_length, LongField(r, "manifest_length"));
    DATAML_ASSIGN_OR_RETURN(int64_t spec_id, LongField(r, "partition_spec_id"));
    DATAML_ASSIGN_OR_RETURN(int64_t content, LongField(r, "content"));
    m.partition_spec_id = static_cast<int32_t>(spec_id);
    m.content = static_cast<int32_t>(content);
    DATAML_ASSIGN_OR_RETURN(m.sequence_number, LongField(r, "sequence_number"));
    DATAML_ASSIGN_OR_RETURN(m.min_sequence_number, LongField(r, "min_sequence_number"));
    DATAML_ASSIGN_OR_RETURN(m.added_snapshot_id, LongField(r, "added_snapshot_id"));
    DATAML_ASSIGN_OR_RETURN(int64_t added, LongField(r, "added_files_count"));
    DATAML_ASSIGN_OR_RETURN(int64_t existing, LongField(r, "existing_files_count"));
    DATAML_ASSIGN_OR_RETURN(int64_t deleted, LongField(r, "deleted_files_count"));
    m.added_files_count = static_cast<int32_t>(added);
    m.existing_files_count = static_cast<int32_t>(existing);
    m.deleted_files_count = static_cast<int32_t>(deleted);
    DATAML_ASSIGN_OR_RETURN(m.added_rows_count, LongField(r, "added_rows_count"));
    DATAML_ASSIGN_OR_RETURN(m.existing_rows_count, LongField(r, "existing_rows_count"));
    DATAML_ASSIGN_OR_RETURN(m.deleted_rows_count, LongField(r, "deleted_rows_count"));
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace dataml::engine::lake
