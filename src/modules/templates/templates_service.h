// Templates of a tenant: unique names, typed columns with defaults that parse as their type,
// and no deletion while a dataset uses the template.
#pragma once

#include "core/principal.h"
#include "modules/templates/templates_repository.h"

namespace dataml::templates {

// A column as the client sent it, before its type name and default are checked.
struct ColumnInput {
  std::string column_name;
  std::string data_type;
  std::optional<std::string> default_value;
};

// Field errors are located by these fields' names (e.g. {"template_schema", "2", "data_type"}).
struct TemplateInput {
  std::string template_name;
  // Absent: no columns on create, the columns unchanged on update.
  std::optional<std::vector<ColumnInput>> template_schema;
};

struct TemplateList {
  std::vector<Template> templates;
  int64_t total = 0;
};

inline constexpr size_t kMaxTemplateColumns = 2000;

class TemplatesService {
 public:
  explicit TemplatesService(db::Database& db) : repo_(db) {}

  Result<Template> Create(const std::string& tenant_id, const Principal& caller, const TemplateInput& input);
  Result<Template> Get(const std::string& tenant_id, int64_t id);
  Result<TemplateList> List(const std::string& tenant_id, int64_t skip, int64_t limit, const SortKey& sort = {});
  Result<Template> Update(const std::string& tenant_id, const Principal& caller, int64_t id,
                          const TemplateInput& input);
  // FailedPrecondition (409) while a dataset of the tenant uses it.
  Status Delete(const std::string& tenant_id, int64_t id);

  // Type names, defaults, names and duplicates; every problem reported with its location, as
  // the template_schema of a TemplateInput.
  static Result<std::vector<TemplateColumn>> ValidateColumns(const std::vector<ColumnInput>& columns);

 private:
  Result<std::string> ValidateName(const std::string& tenant_id, const std::string& name,
                                   int64_t except_id);
  TemplatesRepository repo_;
};

}  // namespace dataml::templates
