// Writes a flat JSON object straight into its text, for the answers of the hottest routes:
// building an nlohmann::json tree and dumping it was a tenth of validate-token's CPU. The text is
// what Response::Json gives for the same members in the same order (strings are escaped as
// nlohmann's dump escapes them, invalid UTF-8 replaced); callers add members in sorted order to
// keep it byte-for-byte.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dataml::http {

class JsonObjectWriter {
 public:
  JsonObjectWriter() { text_.reserve(128); text_ += '{'; }

  // `key` must be plain ASCII without quotes or backslashes (a literal name, not user input).
  JsonObjectWriter& Add(std::string_view key, std::string_view value);
  JsonObjectWriter& Add(std::string_view key, const char* value) { return Add(key, std::string_view(value)); }
  JsonObjectWriter& Add(std::string_view key, int64_t value);
  JsonObjectWriter& Add(std::string_view key, bool value);

  // The text; the writer is spent.
  std::string Finish();

 private:
  void Key(std::string_view key);

  std::string text_;
};

}  // namespace dataml::http
