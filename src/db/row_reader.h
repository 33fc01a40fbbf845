// Typed reads from a soci::row that do not depend on how each backend reports a column's type
// (SQLite and PostgreSQL disagree on integer widths and on untyped expressions).
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>

namespace dataml::db {

int64_t GetInt(const soci::row& row, const std::string& column);
std::optional<int64_t> GetOptionalInt(const soci::row& row, const std::string& column);
bool GetBool(const soci::row& row, const std::string& column);
std::string GetString(const soci::row& row, const std::string& column);
std::optional<std::string> GetOptionalString(const soci::row& row, const std::string& column);

}  // namespace dataml::db
