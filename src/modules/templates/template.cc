#include "modules/templates/template.h"

namespace dataml::templates {

nlohmann::json ColumnsToJson(const std::vector<TemplateColumn>& columns) {
  nlohmann::json out = nlohmann::json::array();
  for (const TemplateColumn& c : columns) {
    out.push_back({{"column_name", c.column_name},
                   {"data_type", engine::DataTypeName(c.data_type)},
                   {"default_value", c.default_value ? nlohmann::json(*c.default_value)
                                                     : nlohmann::json(nullptr)}});
  }
  return out;
}

std::vector<TemplateColumn> ColumnsFromJson(const nlohmann::json& schema) {
  std::vector<TemplateColumn> columns;
  for (const auto& item : schema) {
    TemplateColumn c;
    c.column_name = item.at("column_name").get<std::string>();
    c.data_type = engine::ParseDataTypeName(item.at("data_type").get<std::string>())
                      .value_or(engine::DataType::kString);
    if (item.contains("default_value") && item["default_value"].is_string()) {
      c.default_value = item["default_value"].get<std::string>();
    }
    columns.push_back(std::move(c));
  }
  return columns;
}

nlohmann::json ToSummaryJson(const Template& t) {
  return {{"template_name", t.template_name},
          {"id", t.id},
          {"tenant_id", t.tenant_id},
          {"no_of_columns", t.columns.size()},
          {"created_by", t.created_by},
          {"created_at", t.created_at},
          {"modified_at", t.modified_at},
          {"modified_by", t.modified_by}};
}

nlohmann::json ToDetailJson(const Template& t) {
  nlohmann::json out = ToSummaryJson(t);
  out["template_schema"] = ColumnsToJson(t.columns);
  return out;
}

}  // namespace dataml::templates
