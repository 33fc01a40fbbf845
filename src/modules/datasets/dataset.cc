#include "modules/datasets/dataset.h"

#include <cmath>

namespace dataml::datasets {

std::string Dataset::usability() const {
  if (total_records == 0) return "0%";
  return std::to_string(static_cast<int64_t>(std::lround(100.0 * static_cast<double>(valid_records) /
                                                         static_cast<double>(total_records)))) + "%";
}

std::string UsageLabel(const std::string& usage) { return usage == "p" ? "Prediction" : "Training"; }

std::string DatasetKey(const std::string& tenant_id, int64_t dataset_id) {
  return "tenants/" + tenant_id + "/datasets/" + std::to_string(dataset_id);
}

std::string FileKey(const std::string& tenant_id, int64_t dataset_id, int64_t file_id, const char* leaf) {
  return DatasetKey(tenant_id, dataset_id) + "/files/" + std::to_string(file_id) + "/" + leaf;
}

nlohmann::json SchemaToJson(const engine::TableSchema& schema) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : schema) {
    out.push_back({{"column_name", c.name},
                   {"data_type", engine::DataTypeName(c.type)},
                   {"default_value", c.default_value ? nlohmann::json(*c.default_value) : nlohmann::json(nullptr)}});
  }
  return out;
}

engine::TableSchema SchemaFromJson(const nlohmann::json& json) {
  engine::TableSchema schema;
  if (!json.is_array()) return schema;
  for (const auto& item : json) {
    engine::ColumnSpec c;
    c.name = item.value("column_name", "");
    c.type = engine::ParseDataTypeName(item.value("data_type", "String")).value_or(engine::DataType::kString);
    if (item.contains("default_value") && item["default_value"].is_string()) {
      c.default_value = item["default_value"].get<std::string>();
    }
    schema.push_back(std::move(c));
  }
  return schema;
}

nlohmann::json ToListJson(const Dataset& d) {
  auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return {{"tenant_id", d.tenant_id},
          {"dataset_name", d.dataset_name},
          {"file_count", d.file_count},
          {"is_valid", d.is_valid()},
          {"created_by", d.created_by},
          {"template_id", opt(d.template_id)},
          {"data_source", d.data_source},
          {"iceberg_table_name", opt(d.iceberg_table_name)},
          {"id", d.id},
          {"template_name", opt(d.template_name)},
          {"created_at", d.created_at},
          {"modified_at", d.modified_at},
          {"dataset_usability", d.usability()},
          {"usage", d.usage},
          {"dataset_usage", UsageLabel(d.usage)},
          {"total_records", d.total_records},
          {"valid_records", d.valid_records}};
}

nlohmann::json ToJson(const DatasetFile& f) {
  return {{"dataset_id", f.dataset_id},
          {"id", f.id},
          {"file_name", f.file_name},
          {"kind", f.kind},
          {"created_at", f.created_at},
          {"modified_at", f.modified_at},
          {"total_fields", f.total_fields},
          {"total_records", f.total_records},
          {"valid_records", f.valid_records},
          {"error_report", f.error_report}};
}

}  // namespace dataml::datasets
