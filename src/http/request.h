// What a handler sees of an HTTP request. Handlers never include httplib: this keeps them
// small to compile and testable without a socket.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/principal.h"

namespace dataml::http {

struct Request {
  std::string method;
  std::string path;
  std::map<std::string, std::string> path_params;            // from "{name}" in the route
  std::multimap<std::string, std::string> query;             // URL query parameters
  std::multimap<std::string, std::string> form;              // application/x-www-form-urlencoded body
  std::map<std::string, std::string> headers;                // lower-case names
  std::string body;
  std::string remote_addr;
  std::optional<Principal> principal;  // set on every route that requires authentication

  std::optional<std::string> Query(const std::string& name) const;
  std::optional<std::string> Form(const std::string& name) const;
  std::optional<std::string> Header(const std::string& lower_name) const;
  const Principal& caller() const { return *principal; }
};

}  // namespace dataml::http
