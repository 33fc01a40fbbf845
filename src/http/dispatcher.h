// The transport-free half of the HTTP layer: given what a transport read off the wire, it
// routes, enforces body limits, authenticates, checks the route's declared access, runs the
// handler and maps every failure to the API's JSON errors. A transport (server.cc today) only
// turns bytes into these calls and responses back into bytes; unit tests drive it with no socket.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/authenticator.h"
#include "http/request.h"
#include "http/response.h"
#include "http/route_matcher.h"
#include "http/router.h"

namespace dataml::http {

struct DispatcherLimits {
  size_t max_body_bytes = 1 << 20;             // every body but uploads
  size_t max_upload_bytes = size_t{10} << 30;  // streamed multipart uploads

  static DispatcherLimits Defaults() { return {}; }
};

// What the transport knows once a request's header has been read, before any body byte.
struct RequestHead {
  std::string_view method;
  std::string_view target;                       // origin-form: "/path?query"
  std::optional<uint64_t> content_length;        // absent when the header is absent
  bool chunked = false;                          // Transfer-Encoding: chunked
  std::string_view accept;                       // the Accept header, "" when absent (Router::SetFallback)
};

// The dispatcher's answer to a head: either a response to send without reading the body (a
// refusal), or the route that will take the request and how much body it may have.
struct Admission {
  std::optional<Response> refusal;   // set: send it, and do not read the body
  const Route* route = nullptr;      // set when the target matched a route (even if refused: 413, 411)
  size_t route_index = 0;
  size_t body_limit = 0;             // bytes the transport may read (uploads: counted as they stream)
  bool streaming = false;            // the handler pulls the body itself (Request::read_multipart)
  std::string path;                  // decoded, without the query
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> path_params;
};

class Dispatcher {
 public:
  Dispatcher(const Router& router, Authenticator& authenticator, DispatcherLimits limits);

  // Routes a head and checks what can be checked before the body: 400 for a malformed target,
  // 404/405 for unknown paths and methods (a GET or HEAD of an unknown path goes to the router's
  // fallback when it takes it; its route_index is then routes().size()), 413 for a Content-Length over the route's limit, 411
  // for a chunked body where only uploads may be chunked.
  Admission Admit(const RequestHead& head) const;

  // Builds the request of an admitted head (path, query, parameters; a form body is decoded),
  // ready for its headers, body and principal.
  static void Prepare(Admission& admission, Request& request);

  // Authenticates, checks the route's access, runs its handler, maps failures (a handler's
  // exception included) to the JSON error response. Never throws.
  Response Handle(const Admission& admission, Request& request) const;

  const Router& router() const { return router_; }

 private:
  const Router& router_;
  Authenticator& authenticator_;
  DispatcherLimits limits_;
  RouteMatcher matcher_;
};

// "Bearer <token>" (scheme case-insensitive, as RFC 6750 allows) -> token.
std::optional<std::string> BearerToken(const Request& request);

}  // namespace dataml::http
