#include "http/response.h"

namespace dataml::http {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 422;
    case StatusCode::kBadRequest: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kPayloadTooLarge: return 413;
    case StatusCode::kTooManyRequests: return 429;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

Response Response::Json(int status, const nlohmann::json& value) {
  Response r;
  r.status = status;
  r.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::Text(int status, std::string content_type, std::string body) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

Response Response::Attachment(std::shared_ptr<ContentSource> content, std::string content_type,
                              const std::string& download_name) {
  Response r;
  r.content_type = std::move(content_type);
  r.content = std::move(content);
  std::string safe;
  for (char c : download_name) safe.push_back(c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 ? '_' : c);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + safe + "\"");
  return r;
}

Response Response::Error(const Status& status) {
  nlohmann::json detail;
  if (!status.field_errors().empty()) {
    detail = nlohmann::json::array();
    for (const FieldError& e : status.field_errors()) {
      nlohmann::json loc = nlohmann::json::array();
      for (const std::string& part : e.loc) {
        // FastAPI reports list indices as numbers.
        bool numeric = !part.empty() && part.size() <= 9 &&
                       part.find_first_not_of("0123456789") == std::string::npos;
        if (numeric) loc.push_back(std::stoll(part)); else loc.push_back(part);
      }
      detail.push_back({{"loc", loc}, {"msg", e.msg}, {"type", e.type}});
    }
  } else {
    detail = status.message();
  }
  Response r = Json(HttpStatusFor(status.code()), {{"detail", detail}});
  if (status.code() == StatusCode::kUnauthenticated) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

}  // namespace dataml::http
