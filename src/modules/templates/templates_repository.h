// SQL for templates. The schema is stored as JSON text: it is always read and written whole.
#pragma once

#include <optional>
#include <vector>

#include "db/database.h"
#include "modules/templates/template.h"
#include "core/sort_key.h"

namespace dataml::templates {

class TemplatesRepository {
 public:
  explicit TemplatesRepository(db::Database& db) : db_(db) {}

  Result<Template> Insert(const Template& t);
  Status Update(const Template& t);
  Result<std::optional<Template>> Find(const std::string& tenant_id, int64_t id);
  Result<std::optional<Template>> FindByName(const std::string& tenant_id, const std::string& name);
  Result<std::vector<Template>> List(const std::string& tenant_id, int64_t skip, int64_t limit,
                                     const SortKey& sort = {});
  Result<int64_t> Count(const std::string& tenant_id);
  Status Delete(const std::string& tenant_id, int64_t id);
  Result<int64_t> CountDatasetsUsing(const std::string& tenant_id, int64_t id);

 private:
  db::Database& db_;
};

}  // namespace dataml::templates
