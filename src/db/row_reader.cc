#include "db/row_reader.h"

namespace dataml::db {
namespace {

std::optional<int64_t> ReadInt(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return std::nullopt;
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return row.get<int>(i);
    case soci::dt_long_long:
      return row.get<long long>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<int64_t>(row.get<unsigned long long>(i));
    case soci::dt_double:
      return static_cast<int64_t>(row.get<double>(i));
    case soci::dt_string:
      return std::stoll(row.get<std::string>(i));
    default:
      throw soci::soci_error("column " + row.get_properties(i).get_name() + " is not an integer");
  }
}

}  // namespace

std::optional<int64_t> GetOptionalInt(const soci::row& row, const std::string& column) {
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (row.get_properties(i).get_name() == column) return ReadInt(row, i);
  }
  throw soci::soci_error("no column " + column + " in result");
}

int64_t GetInt(const soci::row& row, const std::string& column) {
  auto value = GetOptionalInt(row, column);
  if (!value) throw soci::soci_error("column " + column + " is null");
  return *value;
}

bool GetBool(const soci::row& row, const std::string& column) { return GetInt(row, column) != 0; }

std::optional<std::string> GetOptionalString(const soci::row& row, const std::string& column) {
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (row.get_properties(i).get_name() != column) continue;
    if (row.get_indicator(i) == soci::i_null) return std::nullopt;
    if (row.get_properties(i).get_data_type() == soci::dt_string) return row.get<std::string>(i);
    auto number = ReadInt(row, i);
    return number ? std::optional<std::string>(std::to_string(*number)) : std::nullopt;
  }
  throw soci::soci_error("no column " + column + " in result");
}

std::string GetString(const soci::row& row, const std::string& column) {
  return GetOptionalString(row, column).value_or("");
}

}  // namespace dataml::db
