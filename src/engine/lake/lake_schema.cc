#include "engine/lake/lake_schema.h"

#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>

#include <map>

#include "engine/data/typed_column_builder.h"

namespace dataml::engine::lake {
namespace {

// Iceberg's primitive types that read as ours.
const std::map<std::string, DataType>& KnownTypes() {
  static const std::map<std::string, DataType> kTypes = {
      {"string", DataType::kString},  {"long", DataType::kInteger},        {"int", DataType::kInteger},
      {"double", DataType::kFloat},   {"float", DataType::kFloat},         {"boolean", DataType::kBoolean},
      {"date", DataType::kDate},      {"timestamptz", DataType::kDateTime}, {"timestamp", DataType::kDateTime},
  };
  return kTypes;
}

}  // namespace

const LakeColumn* LakeSchema::Find(const std::string& name) const {
  for (const LakeColumn& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

int LakeSchema::last_column_id() const {
  int last = 0;
  for (const LakeColumn& c : columns) last = std::max(last, c.id);
  return last;
}

const char* IcebergTypeFor(DataType type) {
  switch (type) {
    case DataType::kString: return "string";
    case DataType::kInteger: return "long";
    case DataType::kFloat: return "double";
    case DataType::kBoolean: return "boolean";
    case DataType::kDate: return "date";
    case DataType::kDateTime: return "timestamptz";
  }
  return "string";
}

std::string SqlTypeName(const LakeColumn& column) {
  if (column.iceberg_type == "int") return "integer";
  if (column.iceberg_type == "float") return "real";
  switch (column.type) {
    case DataType::kString: return "varchar";
    case DataType::kInteger: return "bigint";
    case DataType::kFloat: return "double";
    case DataType::kBoolean: return "boolean";
    case DataType::kDate: return "date";
    case DataType::kDateTime: return "timestamp";  // the document's word, with or without a zone
  }
  return "varchar";
}

LakeSchema NewLakeSchema(const TableSchema& columns) {
  LakeSchema schema;
  int id = 0;
  for (const ColumnSpec& c : columns) schema.columns.push_back({++id, c.name, c.type, false, IcebergTypeFor(c.type)});
  return schema;
}

nlohmann::json LakeSchemaToJson(const LakeSchema& schema) {
  nlohmann::json fields = nlohmann::json::array();
  for (const LakeColumn& c : schema.columns) {
    fields.push_back({{"id", c.id}, {"name", c.name}, {"required", c.required}, {"type", c.iceberg_type}});
  }
  return {{"type", "struct"}, {"schema-id", schema.schema_id}, {"fields", fields}};
}

Result<LakeSchema> LakeSchemaFromJson(const nlohmann::json& json) {
  if (!json.is_object() || !json.contains("fields") || !json["fields"].is_array()) {
    return Status::InvalidArgument("the table's schema has no fields");
  }
  LakeSchema schema;
  schema.schema_id = json.value("schema-id", 0);
  std::vector<std::string> unsupported;
  for (const nlohmann::json& field : json["fields"]) {
    if (!field.is_object() || !field.contains("id") || !field["id"].is_number_integer() || !field.contains("name") ||
        !field["name"].is_string()) {
      return Status::InvalidArgument("the table's schema has a malformed field");
    }
    std::string name = field["name"].get<std::string>();
    const nlohmann::json& type = field.contains("type") ? field["type"] : nlohmann::json();
    auto known = type.is_string() ? KnownTypes().find(type.get<std::string>()) : KnownTypes().end();
    if (known == KnownTypes().end()) {
      unsupported.push_back(name + " (" + (type.is_string() ? type.get<std::string>() : type.value("type", "?")) + ")");
      continue;
    }
    schema.columns.push_back({field["id"].get<int>(), name, known->second, field.value("required", false), known->first});
  }
  if (!unsupported.empty()) {
    std::string list;
    for (const std::string& u : unsupported) list += (list.empty() ? "" : ", ") + u;
    return Status::InvalidArgument("the table has columns of types the platform does not read: " + list);
  }
  return schema;
}

std::shared_ptr<arrow::Schema> ArrowSchemaFor(const LakeSchema& schema) {
  arrow::FieldVector fields;
  for (const LakeColumn& c : schema.columns) {
    auto metadata = arrow::key_value_metadata({"PARQUET:field_id"}, {std::to_string(c.id)});
    fields.push_back(arrow::field(c.name, ArrowTypeFor(c.type), !c.required, metadata));
  }
  return arrow::schema(fields);
}

}  // namespace dataml::engine::lake
