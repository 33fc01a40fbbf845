// Wall-clock helpers. Timestamps are stored as UTC ISO-8601 text (portable across SQLite and
// PostgreSQL) and, where they are compared, as Unix seconds.
#pragma once

#include <cstdint>
#include <string>

namespace dataml {

int64_t NowUnixSeconds();
// "2025-09-18T10:00:00Z"
std::string FormatIso8601Utc(int64_t unix_seconds);
inline std::string NowIso8601Utc() { return FormatIso8601Utc(NowUnixSeconds()); }

}  // namespace dataml
