#include "http/json_object_writer.h"

#include <nlohmann/json.hpp>

#include <charconv>

namespace dataml::http {
namespace {

// Printable ASCII other than '"' and '\\' is written as it is by nlohmann's dump too.
bool NeedsEscaping(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return true;
  }
  return false;
}

}  // namespace

void JsonObjectWriter::Key(std::string_view key) {
  if (text_.size() > 1) text_ += ',';
  text_ += '"';
  text_ += key;
  text_ += "\":";
}

JsonObjectWriter& JsonObjectWriter::Add(std::string_view key, std::string_view value) {
  Key(key);
  if (NeedsEscaping(value)) {
    // Rare (names with quotes or non-ASCII letters): nlohmann escapes it exactly as Response::Json.
    text_ += nlohmann::json(std::string(value)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    text_ += '"';
    text_ += value;
    text_ += '"';
  }
  return *this;
}

JsonObjectWriter& JsonObjectWriter::Add(std::string_view key, int64_t value) {
  Key(key);
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  text_.append(digits, end);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::Add(std::string_view key, bool value) {
  Key(key);
  text_ += value ? "true" : "false";
  return *this;
}

std::string JsonObjectWriter::Finish() {
  text_ += '}';
  return std::move(text_);
}

}  // namespace dataml::http
