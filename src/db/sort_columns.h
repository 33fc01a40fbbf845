// The fields a list can be sorted by and the SQL behind each, so a client's ?order_by= never
// reaches the SQL text: only expressions written here do.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/sort_key.h"

namespace dataml::db {

struct SortColumn {
  std::string_view field;       // as the API names it (a field of the list's items)
  std::string_view expression;  // SQL over the list's own query
  // Text sorts case-insensitively (SQLite compares bytes, PostgreSQL its collation: LOWER on both
  // sides makes "beta" follow "Alpha" on either). Nulls sort last in either direction on both.
  enum Kind { kPlain, kText, kNullable } kind = kPlain;
};

class SortColumns {
 public:
  // The first column is the list's id. `tiebreak` orders rows equal on the field (in the same
  // direction), so pages never overlap; `default_order` is the ORDER BY body when the client
  // names neither a field nor a direction.
  SortColumns(std::initializer_list<SortColumn> columns, std::string tiebreak, std::string default_order);

  // " ORDER BY ..." for `sort`; a field not in the list is a 422 on {"order_by"} naming the
  // fields that are.
  Result<std::string> OrderBy(const SortKey& sort) const;

  std::vector<std::string_view> fields() const;

 private:
  std::vector<SortColumn> columns_;
  std::string tiebreak_;
  std::string default_order_;
};

}  // namespace dataml::db
