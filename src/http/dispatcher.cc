#include "http/dispatcher.h"

#include <spdlog/spdlog.h>

#include <exception>

#include "core/text.h"
#include "http/url.h"

namespace dataml::http {
namespace {

Response TooLarge(size_t limit) {
  return Response::Json(413, {{"detail", "Request body is larger than the limit of " + std::to_string(limit) + " bytes"}});
}

// Runs a handler, turning what it throws into a 500 that never crosses into the transport.
Result<Response> RunHandler(const Route& route, Request& request) {
  try {
    return route.handler(request);
  } catch (const std::exception& e) {
    spdlog::error("unhandled exception on {} {}: {}", request.method, request.path, e.what());
  } catch (...) {
    spdlog::error("unhandled non-standard exception on {} {}", request.method, request.path);
  }
  return Status::Internal("Internal Server Error");
}

bool IsGetOrHead(std::string_view method) {
  std::string lower = ToLowerAscii(method);  // methods match case-insensitively, as in RouteMatcher
  return lower == "get" || lower == "head";
}

}  // namespace

Dispatcher::Dispatcher(const Router& router, Authenticator& authenticator, DispatcherLimits limits)
    : router_(router), authenticator_(authenticator), limits_(limits), matcher_(router.routes()) {}

Admission Dispatcher::Admit(const RequestHead& head) const {
  Admission a;
  Result<ParsedTarget> target = ParseTarget(head.target);
  if (!target.ok()) {
    a.refusal = Response::Json(400, {{"detail", target.status().message()}});
    return a;
  }
  RouteMatch match = matcher_.Match(head.method, target->path);
  const bool fallback = match.kind == RouteMatch::Kind::kNoPath && IsGetOrHead(head.method) &&
                        router_.FallbackTakes(target->path, head.accept);
  if (match.kind == RouteMatch::Kind::kNoPath && !fallback) {
    a.refusal = Response::Json(404, {{"detail", "Not Found"}});
    return a;
  }
  if (match.kind == RouteMatch::Kind::kWrongMethod) {
    // RFC 9110 15.5.6: a 405 says which methods the resource has (FastAPI's detail, Starlette's Allow).
    a.refusal = Response::Json(405, {{"detail", "Method Not Allowed"}});
    a.refusal->headers.emplace_back("Allow", match.allow);
    return a;
  }
  const Route& route = fallback ? *router_.fallback() : router_.routes()[match.route_index];
  a.route = &route;  // refusals below are the route's, in its metrics
  a.route_index = fallback ? router_.routes().size() : match.route_index;
  a.streaming = route.streaming_body;
  a.body_limit = a.streaming ? limits_.max_upload_bytes : limits_.max_body_bytes;
  if (head.content_length && *head.content_length > a.body_limit) {
    a.refusal = TooLarge(a.body_limit);
    return a;
  }
  // Only uploads count their bytes as they stream; other bodies are buffered whole, so they
  // must say their length up front.
  if (head.chunked && !a.streaming) {
    a.refusal = Response::Json(411, {{"detail", "Send this request with a Content-Length (chunked bodies are accepted only for uploads)"}});
    return a;
  }
  a.path = std::move(target->path);
  a.query = std::move(target->query);
  a.path_params = std::move(match.path_params);
  return a;
}

void Dispatcher::Prepare(Admission& admission, Request& request) {
  request.path = std::move(admission.path);
  request.query = std::move(admission.query);
  request.path_params = std::move(admission.path_params);
}

Response Dispatcher::Handle(const Admission& admission, Request& request) const {
  const Route& route = *admission.route;
  if (!request.body.empty()) {
    std::optional<std::string> content_type = request.Header("content-type");
    if (content_type && ToLowerAscii(*content_type).starts_with("application/x-www-form-urlencoded")) {
      request.form = ParseFormBody(request.body);
    }
  }
  if (route.access.kind != Access::kPublic) {
    std::optional<std::string> token = BearerToken(request);
    Result<Principal> principal = token ? authenticator_.Authenticate(*token)
                                        : Result<Principal>(Status::Unauthenticated("Not authenticated"));
    Status refused = principal.status();
    if (refused.ok() && route.access.kind == Access::kSuperuser && !principal->is_superuser) {
      refused = Status::PermissionDenied("This action requires a platform superuser");
    } else if (refused.ok() && route.access.kind == Access::kPermission) {
      refused = authenticator_.Authorize(*principal, route.access.permission);
    }
    if (!refused.ok()) return Response::Error(refused);
    request.principal = std::move(principal).ValueOrDie();
  }
  Result<Response> response = RunHandler(route, request);
  if (!response.ok()) return Response::Error(response.status());
  return std::move(response).ValueOrDie();
}

std::optional<std::string> BearerToken(const Request& request) {
  std::optional<std::string> value = request.Header("authorization");
  if (!value || value->size() < 7 || ToLowerAscii(value->substr(0, 7)) != "bearer ") return std::nullopt;
  std::string token = value->substr(7);
  token.erase(0, token.find_first_not_of(' '));
  if (token.empty()) return std::nullopt;
  return token;
}

}  // namespace dataml::http
