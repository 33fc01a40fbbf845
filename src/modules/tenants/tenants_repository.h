// SQL for the tenants table.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "db/database.h"
#include "core/sort_key.h"

namespace dataml::tenants {

struct Tenant {
  std::string id;  // UUID
  std::string name;
  std::string created_at;
};

nlohmann::json ToJson(const Tenant& tenant);

class TenantsRepository {
 public:
  explicit TenantsRepository(db::Database& db) : db_(db) {}

  // Inside the caller's transaction, so a tenant and its built-in roles appear together.
  Tenant Insert(soci::session& sql, const std::string& name);
  Result<std::optional<Tenant>> FindById(const std::string& id);
  Result<std::optional<Tenant>> FindByName(const std::string& name);
  Result<std::vector<Tenant>> List(int64_t skip, int64_t limit, const SortKey& sort = {});
  Result<int64_t> Count();

 private:
  db::Database& db_;
};

}  // namespace dataml::tenants
