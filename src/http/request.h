// What a handler sees of an HTTP request. Handlers never include the transport: this keeps them
// small to compile and testable without a socket.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/principal.h"

namespace dataml::http {

// One part of a multipart/form-data body, announced before its bytes.
struct MultipartPart {
  std::string name;      // form field name, e.g. "files"
  std::string filename;  // as the client sent it: display only, never a path to open
  std::string content_type;
};
using PartStart = std::function<bool(const MultipartPart&)>;                 // false aborts
using PartData = std::function<bool(const char* data, size_t length)>;      // false aborts

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
  // Set on streaming routes instead of `body`: reads a multipart body part by part. False when
  // the body is not multipart, is malformed, or a callback aborted.
  std::function<bool(const PartStart&, const PartData&)> read_multipart;

  std::optional<std::string> Query(const std::string& name) const;
  std::optional<std::string> Form(const std::string& name) const;
  std::optional<std::string> Header(const std::string& lower_name) const;
  const Principal& caller() const { return *principal; }
};

}  // namespace dataml::http
