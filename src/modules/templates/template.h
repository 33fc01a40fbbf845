// A data template: the named, typed column schema that uploaded datasets are validated against.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "engine/data/data_type.h"

namespace dataml::templates {

struct TemplateColumn {
  std::string column_name;
  engine::DataType data_type = engine::DataType::kString;
  std::optional<std::string> default_value;
};

struct Template {
  int64_t id = 0;
  std::string tenant_id;
  std::string template_name;
  std::vector<TemplateColumn> columns;
  std::string created_by;
  std::string modified_by;
  std::string created_at;
  std::string modified_at;
};

// The list form (no schema) and the full form (with "template_schema").
nlohmann::json ToSummaryJson(const Template& t);
nlohmann::json ToDetailJson(const Template& t);
nlohmann::json ColumnsToJson(const std::vector<TemplateColumn>& columns);
// The stored schema text back to columns; the text was written by ColumnsToJson.
std::vector<TemplateColumn> ColumnsFromJson(const nlohmann::json& schema);

}  // namespace dataml::templates
