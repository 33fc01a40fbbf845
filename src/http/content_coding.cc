#include "http/content_coding.h"

#include <charconv>
#include <optional>
#include <string>

#include "core/text.h"

namespace dataml::http {
namespace {

// The q of one element's parameters ("q=0.5"); 1 when absent. A malformed q refuses the coding:
// a client that wrote it meant something other than "yes".
double Quality(std::string_view parameters) {
  size_t start = 0;
  while (start < parameters.size()) {
    size_t end = parameters.find(';', start);
    if (end == std::string_view::npos) end = parameters.size();
    std::string parameter = ToLowerAscii(Trim(parameters.substr(start, end - start)));
    if (parameter.starts_with("q=")) {
      double q = 0;
      std::string_view value = std::string_view(parameter).substr(2);
      auto [rest, error] = std::from_chars(value.data(), value.data() + value.size(), q);
      if (error != std::errc() || rest != value.data() + value.size()) return 0;
      return q;
    }
    start = end + 1;
  }
  return 1;
}

}  // namespace

bool AcceptsCoding(std::string_view accept_encoding, std::string_view coding) {
  const std::string wanted = ToLowerAscii(coding);
  std::optional<bool> named;     // what the element naming the coding said
  std::optional<bool> wildcard;  // what "*" said
  size_t start = 0;
  while (start < accept_encoding.size()) {
    size_t end = accept_encoding.find(',', start);
    if (end == std::string_view::npos) end = accept_encoding.size();
    std::string_view element = accept_encoding.substr(start, end - start);
    start = end + 1;
    size_t semicolon = element.find(';');
    std::string name = ToLowerAscii(Trim(element.substr(0, semicolon)));
    bool accepted = Quality(semicolon == std::string_view::npos ? "" : element.substr(semicolon + 1)) > 0;
    if (name == wanted || (wanted == "gzip" && name == "x-gzip")) {
      named = named.value_or(false) || accepted;
    } else if (name == "*") {
      wildcard = accepted;
    }
  }
  if (named) return *named;
  return wildcard.value_or(false);
}

}  // namespace dataml::http
