// What a handler returns.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace dataml::http {

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response Json(int status, const nlohmann::json& value);
  static Response Text(int status, std::string content_type, std::string body);
  // The one mapping from a Status to an HTTP error: {"detail": "..."} or, for field errors,
  // FastAPI's {"detail": [{"loc": [...], "msg": "...", "type": "..."}]}.
  static Response Error(const Status& status);
};

int HttpStatusFor(StatusCode code);

}  // namespace dataml::http
