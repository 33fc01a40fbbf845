// The lake's SQL catalog: the rows of iceberg_tables and iceberg_namespace_properties, laid out
// as pyiceberg's SqlCatalog and Iceberg Java's JdbcCatalog have them (migration 9), with the
// tenant's id as catalog_name. A commit swaps a table's metadata pointer with a compare-and-swap.
#pragma once

#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/database.h"

namespace dataml::datalake {

struct TableRef {
  std::string catalog;  // the tenant's id
  std::string ns;
  std::string table;
};

class DatalakeRepository {
 public:
  explicit DatalakeRepository(db::Database& db) : db_(db) {}

  // The medallion namespaces, for a tenant being created (in its transaction).
  static void CreateNamespaces(soci::session& sql, const std::string& catalog);
  // The table's current metadata location; none when there is no such table.
  static std::optional<std::string> MetadataLocation(soci::session& sql, const TableRef& ref);
  // Registers a new table; false when another commit created it first.
  static bool InsertTable(soci::session& sql, const TableRef& ref, const std::string& metadata_location);
  // Points the table at `next` if it still points at `expected`; false when another commit moved it.
  static bool SwapMetadata(soci::session& sql, const TableRef& ref, const std::string& expected,
                           const std::string& next);

  Result<std::optional<std::string>> MetadataLocation(const TableRef& ref);
  // Namespaces with an "exists" row or a table, sorted.
  Result<std::vector<std::string>> Namespaces(const std::string& catalog);
  Result<bool> NamespaceExists(const std::string& catalog, const std::string& ns);
  Result<std::vector<std::string>> Tables(const std::string& catalog, const std::string& ns);

 private:
  db::Database& db_;
};

}  // namespace dataml::datalake
