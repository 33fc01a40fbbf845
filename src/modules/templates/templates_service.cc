#include "modules/templates/templates_service.h"

#include <unordered_map>

#include "core/clock.h"
#include "core/field_errors.h"
#include "core/text.h"

namespace dataml::templates {

Result<std::vector<TemplateColumn>> TemplatesService::ValidateColumns(
    const std::vector<ColumnInput>& columns) {
  FieldErrors errors;
  std::vector<TemplateColumn> out;
  std::unordered_map<std::string, size_t> seen;  // lower-cased name -> first index
  if (columns.size() > kMaxTemplateColumns) {
    errors.Add({"template_schema"},
               "A template holds at most " + std::to_string(kMaxTemplateColumns) + " columns", "too_long");
    return errors.ToStatus();
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    const ColumnInput& in = columns[i];
    const std::string index = std::to_string(i);
    TemplateColumn column;
    column.column_name = Trim(in.column_name);
    if (column.column_name.empty() || column.column_name.size() > 128 ||
        HasControlCharacters(column.column_name)) {
      errors.Add({"template_schema", index, "column_name"},
                 "Column name must be 1 to 128 characters without control characters", "value_error");
    } else {
      // Case-insensitive: Parquet readers and SQL engines fold case, so "Id" and "ID" collide.
      auto [it, inserted] = seen.emplace(ToLowerAscii(column.column_name), i);
      if (!inserted) {
        errors.Add({"template_schema", index, "column_name"},
                   "Duplicate column name '" + column.column_name + "' (also at position " +
                       std::to_string(it->second) + ")",
                   "value_error");
      }
    }
    auto type = engine::ParseDataTypeName(Trim(in.data_type));
    if (!type) {
      errors.Add({"template_schema", index, "data_type"},
                 "Data type must be one of String, Integer, Float, Boolean, Date, DateTime",
                 "enum");
    } else {
      column.data_type = *type;
      if (in.default_value && !engine::IsValidValue(*type, *in.default_value)) {
        errors.Add({"template_schema", index, "default_value"},
                   "Default value '" + *in.default_value + "' is not a valid " +
                       engine::DataTypeName(*type),
                   "value_error");
      }
    }
    column.default_value = in.default_value;
    out.push_back(std::move(column));
  }
  DATAML_RETURN_NOT_OK(errors.ToStatus());
  return out;
}

Result<std::string> TemplatesService::ValidateName(const std::string& tenant_id,
                                                   const std::string& raw, int64_t except_id) {
  std::string name = Trim(raw);
  if (name.empty() || name.size() > 255 || HasControlCharacters(name)) {
    return Status::Invalid({{{"template_name"},
                             "Template name must be 1 to 255 characters without control characters",
                             "value_error"}});
  }
  DATAML_ASSIGN_OR_RETURN(auto existing, repo_.FindByName(tenant_id, name));
  if (existing && existing->id != except_id) {
    return Status::AlreadyExists("A template named '" + name + "' already exists");
  }
  return name;
}

Result<Template> TemplatesService::Create(const std::string& tenant_id, const Principal& caller,
                                          const TemplateInput& input) {
  Template t;
  DATAML_ASSIGN_OR_RETURN(t.columns, ValidateColumns(input.template_schema.value_or(std::vector<ColumnInput>{})));
  DATAML_ASSIGN_OR_RETURN(t.template_name, ValidateName(tenant_id, input.template_name, 0));
  t.tenant_id = tenant_id;
  t.created_by = t.modified_by = caller.username;
  t.created_at = t.modified_at = NowIso8601Utc();
  return repo_.Insert(t);
}

Result<Template> TemplatesService::Get(const std::string& tenant_id, int64_t id) {
  DATAML_ASSIGN_OR_RETURN(auto found, repo_.Find(tenant_id, id));
  if (!found) return Status::NotFound("Template not found");
  return *found;
}

Result<TemplateList> TemplatesService::List(const std::string& tenant_id, int64_t skip, int64_t limit,
                                            const SortKey& sort) {
  TemplateList out;
  DATAML_ASSIGN_OR_RETURN(out.templates, repo_.List(tenant_id, skip, limit, sort));
  DATAML_ASSIGN_OR_RETURN(out.total, repo_.Count(tenant_id));
  return out;
}

Result<Template> TemplatesService::Update(const std::string& tenant_id, const Principal& caller,
                                          int64_t id, const TemplateInput& input) {
  DATAML_ASSIGN_OR_RETURN(Template t, Get(tenant_id, id));
  if (input.template_schema) {
    DATAML_ASSIGN_OR_RETURN(t.columns, ValidateColumns(*input.template_schema));
  }
  DATAML_ASSIGN_OR_RETURN(t.template_name, ValidateName(tenant_id, input.template_name, id));
  t.modified_by = caller.username;
  t.modified_at = NowIso8601Utc();
  DATAML_RETURN_NOT_OK(repo_.Update(t));
  return t;
}

Status TemplatesService::Delete(const std::string& tenant_id, int64_t id) {
  DATAML_RETURN_NOT_OK(Get(tenant_id, id).status());
  DATAML_ASSIGN_OR_RETURN(int64_t in_use, repo_.CountDatasetsUsing(tenant_id, id));
  if (in_use > 0) {
    return Status::FailedPrecondition("Template is used by " + std::to_string(in_use) +
                                      " dataset(s); delete them first");
  }
  return repo_.Delete(tenant_id, id);
}

}  // namespace dataml::templates
