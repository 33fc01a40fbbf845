// What a handler returns.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "http/content_source.h"

namespace dataml::http {

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::shared_ptr<ContentSource> content;  // when set, the body is streamed from it

  static Response Json(int status, const nlohmann::json& value);
  static Response Text(int status, std::string content_type, std::string body);
  // Streams `content` as an attachment named `download_name`.
  static Response Attachment(std::shared_ptr<ContentSource> content, std::string content_type,
                             const std::string& download_name);
  // The one mapping from a Status to an HTTP error: {"detail": "..."} or, for field errors,
  // FastAPI's {"detail": [{"loc": [...], "msg": "...", "type": "..."}]}.
  static Response Error(const Status& status);
};

int HttpStatusFor(StatusCode code);

}  // namespace dataml::http
