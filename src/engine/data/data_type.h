// The column data types of templates and datasets, and strict parsers for their text form.
// These run on every CSV cell during validation, so they avoid allocation.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace dataml::engine {

enum class DataType { kString, kInteger, kFloat, kBoolean, kDate, kDateTime };

// "String", "Integer", "Float", "Boolean", "Date", "DateTime" (case-insensitive).
std::optional<DataType> ParseDataTypeName(std::string_view name);
const char* DataTypeName(DataType type);

// Optional sign and decimal digits within int64.
std::optional<int64_t> ParseInteger(std::string_view text);
// Decimal or scientific notation; finite values only.
std::optional<double> ParseFloat(std::string_view text);
// true/false, t/f, yes/no, y/n, 1/0 (case-insensitive).
std::optional<bool> ParseBoolean(std::string_view text);
// YYYY-MM-DD with a real calendar day -> days since 1970-01-01.
std::optional<int32_t> ParseDate(std::string_view text);
// YYYY-MM-DD[T ]HH:MM[:SS[.fraction]][Z|+HH:MM|-HH:MM|+HHMM] -> microseconds since the epoch,
// UTC. Without an offset the time is taken as UTC.
std::optional<int64_t> ParseDateTime(std::string_view text);

// Whether `text` is a valid value of `type` (any text is a valid String).
bool IsValidValue(DataType type, std::string_view text);

// The calendar date of a day count since 1970-01-01 (proleptic Gregorian).
void CivilFromDays(int64_t days, int& year, unsigned& month, unsigned& day);

}  // namespace dataml::engine
