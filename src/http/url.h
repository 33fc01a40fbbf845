// Request targets and form bodies, decoded with Boost.URL.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace dataml::http {

struct ParsedTarget {
  std::string path;                               // percent-decoded
  std::multimap<std::string, std::string> query;  // decoded, '+' as a space
};

// An origin-form target ("/path?a=1&b=x+y"); 400 when it is not one.
Result<ParsedTarget> ParseTarget(std::string_view target);

// An application/x-www-form-urlencoded body; a malformed one gives what could be read.
std::multimap<std::string, std::string> ParseFormBody(std::string_view body);

}  // namespace dataml::http
