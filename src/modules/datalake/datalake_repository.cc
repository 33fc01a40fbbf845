#include "modules/datalake/datalake_repository.h"

#include <algorithm>
#include <set>

#include "db/row_reader.h"

namespace dataml::datalake {
namespace {

// Iceberg Java reads rows with a null type as tables too; we write it, as JdbcCatalog v1 does.
constexpr const char* kTableType = "TABLE";
// pyiceberg and Java both skip rows of other types (views) when they look for tables.
constexpr const char* kIsTable = "(iceberg_type = 'TABLE' OR iceberg_type IS NULL)";

}  // namespace

void DatalakeRepository::CreateNamespaces(soci::session& sql, const std::string& catalog) {
  for (const char* ns : {"bronze", "silver", "gold"}) {
    std::string name = ns;
    sql << "INSERT INTO iceberg_namespace_properties (catalog_name, namespace, property_key, property_value) "
           "VALUES (:c, :n, 'exists', 'true') ON CONFLICT DO NOTHING",
        soci::use(catalog), soci::use(name);
  }
}

std::optional<std::string> DatalakeRepository::MetadataLocation(soci::session& sql, const TableRef& ref) {
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT metadata_location FROM iceberg_tables WHERE catalog_name = :c AND table_namespace = :n "
                      "AND table_name = :t AND "
                   << kIsTable,
       soci::use(ref.catalog), soci::use(ref.ns), soci::use(ref.table));
  for (const soci::row& row : rows) return db::GetOptionalString(row, "metadata_location");
  return std::nullopt;
}

bool DatalakeRepository::InsertTable(soci::session& sql, const TableRef& ref, const std::string& metadata_location) {
  std::string type = kTableType;
  soci::statement st =
      (sql.prepare << "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, metadata_location, "
                      "previous_metadata_location, iceberg_type) VALUES (:c, :n, :t, :m, NULL, :y) "
                      "ON CONFLICT DO NOTHING",
       soci::use(ref.catalog), soci::use(ref.ns), soci::use(ref.table), soci::use(metadata_location), soci::use(type));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

bool DatalakeRepository::SwapMetadata(soci::session& sql, const TableRef& ref, const std::string& expected,
                                      const std::string& next) {
  soci::statement st =
      (sql.prepare << "UPDATE iceberg_tables SET metadata_location = :m, previous_metadata_location = :p "
                      "WHERE catalog_name = :c AND table_namespace = :n AND table_name = :t AND metadata_location = :e",
       soci::use(next), soci::use(expected), soci::use(ref.catalog), soci::use(ref.ns), soci::use(ref.table),
       soci::use(expected));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

Result<std::optional<std::string>> DatalakeRepository::MetadataLocation(const TableRef& ref) {
  return db_.Query<std::optional<std::string>>(
      [&](soci::session& sql) -> Result<std::optional<std::string>> { return MetadataLocation(sql, ref); });
}

Result<std::vector<std::string>> DatalakeRepository::Namespaces(const std::string& catalog) {
  return db_.Query<std::vector<std::string>>([&](soci::session& sql) -> Result<std::vector<std::string>> {
    std::set<std::string> names;
    soci::rowset<soci::row> props =
        (sql.prepare << "SELECT DISTINCT namespace FROM iceberg_namespace_properties WHERE catalog_name = :c",
         soci::use(catalog));
    for (const soci::row& row : props) names.insert(db::GetString(row, "namespace"));
    soci::rowset<soci::row> tables =
        (sql.prepare << "SELECT DISTINCT table_namespace FROM iceberg_tables WHERE catalog_name = :c",
         soci::use(catalog));
    for (const soci::row& row : tables) names.insert(db::GetString(row, "table_namespace"));
    return std::vector<std::string>(names.begin(), names.end());
  });
}

Result<bool> DatalakeRepository::NamespaceExists(const std::string& catalog, const std::string& ns) {
  DATAML_ASSIGN_OR_RETURN(std::vector<std::string> all, Namespaces(catalog));
  return std::find(all.begin(), all.end(), ns) != all.end();
}

Result<std::vector<std::string>> DatalakeRepository::Tables(const std::string& catalog, const std::string& ns) {
  return db_.Query<std::vector<std::string>>([&](soci::session& sql) -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT table_name FROM iceberg_tables WHERE catalog_name = :c AND table_namespace = :n AND "
                     << kIsTable << " ORDER BY table_name",
         soci::use(catalog), soci::use(ns));
    for (const soci::row& row : rows) out.push_back(db::GetString(row, "table_name"));
    return out;
  });
}

}  // namespace dataml::datalake
