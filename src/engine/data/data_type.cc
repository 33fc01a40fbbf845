#include "engine/data/data_type.h"

#include <array>
#include <charconv>
#include <cmath>
#include <strings.h>

namespace dataml::engine {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Exactly `width` digits at `text[pos]`.
std::optional<int> Digits(std::string_view text, size_t pos, size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[static_cast<size_t>(m - 1)];
}

// Howard Hinnant's days_from_civil.
int32_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

std::optional<DataType> ParseDataTypeName(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, DataType>, 6> kNames = {{
      {"String", DataType::kString},
      {"Integer", DataType::kInteger},
      {"Float", DataType::kFloat},
      {"Boolean", DataType::kBoolean},
      {"Date", DataType::kDate},
      {"DateTime", DataType::kDateTime},
  }};
  for (const auto& [text, type] : kNames) {
    if (EqualsIgnoreCase(text, name)) return type;
  }
  return std::nullopt;
}

const char* DataTypeName(DataType type) {
  switch (type) {
    case DataType::kString: return "String";
    case DataType::kInteger: return "Integer";
    case DataType::kFloat: return "Float";
    case DataType::kBoolean: return "Boolean";
    case DataType::kDate: return "Date";
    case DataType::kDateTime: return "DateTime";
  }
  return "String";
}

std::optional<int64_t> ParseInteger(std::string_view text) {
  if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> ParseFloat(std::string_view text) {
  if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<bool> ParseBoolean(std::string_view text) {
  for (std::string_view t : {"true", "t", "yes", "y", "1"}) {
    if (EqualsIgnoreCase(text, t)) return true;
  }
  for (std::string_view f : {"false", "f", "no", "n", "0"}) {
    if (EqualsIgnoreCase(text, f)) return false;
  }
  return std::nullopt;
}

std::optional<int32_t> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto y = Digits(text, 0, 4), m = Digits(text, 5, 2), d = Digits(text, 8, 2);
  if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1 || *d > DaysInMonth(*y, *m)) return std::nullopt;
  return DaysFromCivil(*y, *m, *d);
}

std::optional<int64_t> ParseDateTime(std::string_view text) {
  if (text.size() < 16) return std::nullopt;
  auto days = ParseDate(text.substr(0, 10));
  if (!days || (text[10] != 'T' && text[10] != 't' && text[10] != ' ')) return std::nullopt;
  auto hh = Digits(text, 11, 2), mm = Digits(text, 14, 2);
  if (!hh || !mm || text[13] != ':' || *hh > 23 || *mm > 59) return std::nullopt;
  size_t pos = 16;
  int ss = 0;
  int64_t micros = 0;
  if (pos < text.size() && text[pos] == ':') {
    auto s = Digits(text, pos + 1, 2);
    if (!s || *s > 59) return std::nullopt;
    ss = *s;
    pos += 3;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      size_t start = ++pos;
      int64_t scale = 100000;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (pos - start < 6) micros += (text[pos] - '0') * scale, scale /= 10;
        ++pos;
      }
      if (pos == start || pos - start > 9) return std::nullopt;
    }
  }
  int offset_minutes = 0;
  if (pos < text.size()) {
    char c = text[pos];
    if ((c == 'Z' || c == 'z') && pos + 1 == text.size()) {
      pos += 1;
    } else if (c == '+' || c == '-') {
      auto oh = Digits(text, pos + 1, 2);
      size_t minute_pos = pos + 3;
      if (minute_pos < text.size() && text[minute_pos] == ':') ++minute_pos;
      auto om = Digits(text, minute_pos, 2);
      if (!oh || !om || *oh > 23 || *om > 59 || minute_pos + 2 != text.size()) return std::nullopt;
      offset_minutes = (*oh * 60 + *om) * (c == '-' ? -1 : 1);
      pos = text.size();
    } else {
      return std::nullopt;
    }
  }
  if (pos != text.size()) return std::nullopt;
  int64_t seconds = static_cast<int64_t>(*days) * 86400 + *hh * 3600 + *mm * 60 + ss -
                    static_cast<int64_t>(offset_minutes) * 60;
  return seconds * 1000000 + micros;
}

bool IsValidValue(DataType type, std::string_view text) {
  switch (type) {
    case DataType::kString: return true;
    case DataType::kInteger: return ParseInteger(text).has_value();
    case DataType::kFloat: return ParseFloat(text).has_value();
    case DataType::kBoolean: return ParseBoolean(text).has_value();
    case DataType::kDate: return ParseDate(text).has_value();
    case DataType::kDateTime: return ParseDateTime(text).has_value();
  }
  return false;
}

// Howard Hinnant's civil_from_days.
void CivilFromDays(int64_t days, int& year, unsigned& month, unsigned& day) {
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int>(yoe) + static_cast<int>(era) * 400 + (month <= 2 ? 1 : 0);
}

}  // namespace dataml::engine
