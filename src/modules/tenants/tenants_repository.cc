#include "modules/tenants/tenants_repository.h"

#include "core/clock.h"
#include "core/crypto.h"
#include "db/row_reader.h"
#include "db/sort_columns.h"

namespace dataml::tenants {
namespace {

Tenant FromRow(const soci::row& row) {
  return {db::GetString(row, "id"), db::GetString(row, "name"), db::GetString(row, "created_at")};
}

Result<std::optional<Tenant>> FindOne(db::Database& db, const char* where, const std::string& key) {
  return db.Query<std::optional<Tenant>>([&](soci::session& sql) -> Result<std::optional<Tenant>> {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, name, created_at FROM tenants WHERE " << where, soci::use(key));
    for (const soci::row& row : rows) return std::optional<Tenant>(FromRow(row));
    return std::optional<Tenant>();
  });
}

}  // namespace

nlohmann::json ToJson(const Tenant& t) {
  return {{"id", t.id}, {"name", t.name}, {"created_at", t.created_at}};
}

Tenant TenantsRepository::Insert(soci::session& sql, const std::string& name) {
  Tenant t{RandomUuid(), name, NowIso8601Utc()};
  sql << "INSERT INTO tenants (id, name, created_at) VALUES (:id, :name, :at)", soci::use(t.id),
      soci::use(t.name), soci::use(t.created_at);
  return t;
}

Result<std::optional<Tenant>> TenantsRepository::FindById(const std::string& id) {
  return FindOne(db_, "id = :k", id);
}

Result<std::optional<Tenant>> TenantsRepository::FindByName(const std::string& name) {
  return FindOne(db_, "lower(name) = lower(:k)", name);
}

Result<std::vector<Tenant>> TenantsRepository::List(int64_t skip, int64_t limit, const SortKey& sort) {
  static const db::SortColumns kSort(
      {{"id", "id"}, {"name", "name", db::SortColumn::kText}, {"created_at", "created_at"}}, "id",
      "created_at, name");
  DATAML_ASSIGN_OR_RETURN(std::string order_by, kSort.OrderBy(sort));
  return db_.Query<std::vector<Tenant>>([&](soci::session& sql) -> Result<std::vector<Tenant>> {
    long long s = skip, l = limit;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, name, created_at FROM tenants" << order_by << " LIMIT :l OFFSET :s",
         soci::use(l), soci::use(s));
    std::vector<Tenant> out;
    for (const soci::row& row : rows) out.push_back(FromRow(row));
    return out;
  });
}

Result<int64_t> TenantsRepository::Count() {
  return db_.Query<int64_t>([&](soci::session& sql) -> Result<int64_t> {
    long long count = 0;
    sql << "SELECT COUNT(*) FROM tenants", soci::into(count);
    return count;
  });
}

}  // namespace dataml::tenants
