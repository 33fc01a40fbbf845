#include "db/sort_columns.h"

namespace dataml::db {

SortColumns::SortColumns(std::initializer_list<SortColumn> columns, std::string tiebreak, std::string default_order)
    : columns_(columns), tiebreak_(std::move(tiebreak)), default_order_(std::move(default_order)) {}

std::vector<std::string_view> SortColumns::fields() const {
  std::vector<std::string_view> out;
  for (const SortColumn& c : columns_) out.push_back(c.field);
  return out;
}

Result<std::string> SortColumns::OrderBy(const SortKey& sort) const {
  if (sort.field.empty() && sort.direction == SortKey::Direction::kUnset) return " ORDER BY " + default_order_;
  // A direction alone orders by the first field, the list's id.
  std::string_view field = sort.field.empty() ? columns_.front().field : std::string_view(sort.field);
  for (const SortColumn& c : columns_) {
    if (c.field != field) continue;
    std::string direction = sort.descending() ? " DESC" : " ASC";
    std::string expression(c.expression);
    std::string out = " ORDER BY ";
    if (c.kind == SortColumn::kText) expression = "LOWER(" + expression + ")";
    // false (0) sorts before true (1) on both databases: rows with a value come first.
    if (c.kind != SortColumn::kPlain) out += "(" + std::string(c.expression) + " IS NULL), ";
    out += expression + direction;
    if (c.expression != tiebreak_) out += ", " + tiebreak_ + direction;
    return out;
  }
  // Pydantic's wording for a Literal, so clients see the same 422 as for any other enum.
  std::string expected;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) expected += i + 1 == columns_.size() ? " or " : ", ";
    expected += "'" + std::string(columns_[i].field) + "'";
  }
  return Status::Invalid({{{"order_by"}, "Input should be " + expected, "literal_error"}});
}

}  // namespace dataml::db
