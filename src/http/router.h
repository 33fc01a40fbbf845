// Route table. Each route declares who may call it; the router enforces that before the
// handler runs, so no handler can forget its permission check.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "http/request.h"
#include "http/response.h"

namespace dataml::http {

enum class Access {
  kPublic,         // no token
  kAuthenticated,  // any active user; the handler may check more (e.g. "self or manager")
  kPermission,     // the named permission in the caller's tenant
  kSuperuser,      // platform superuser only
};

struct RouteAccess {
  Access kind = Access::kPublic;
  std::string permission;

  static RouteAccess Public() { return {Access::kPublic, ""}; }
  static RouteAccess Authenticated() { return {Access::kAuthenticated, ""}; }
  static RouteAccess Superuser() { return {Access::kSuperuser, ""}; }
  static RouteAccess Permission(std::string name) { return {Access::kPermission, std::move(name)}; }
};

// Where a handler runs. Handlers that may block (database work, hashing, files) run on the
// server's pool; a cheap one that answers from memory in microseconds may run on the I/O
// thread that read its request, saving two thread hand-offs (docs/http.md lists which).
enum class Execution { kPool, kInline };

// A handler returns its response, or the Status that becomes the error response.
using Handler = std::function<Result<Response>(Request&)>;

struct Route {
  std::string method;         // GET, POST, PUT, PATCH, DELETE
  std::string path_template;  // "/api/v1/users/{user_id}"; also answers with a trailing slash
  RouteAccess access;
  Handler handler;
  bool streaming_body = false;  // the handler reads the body itself (uploads), up to the upload limit
  Execution execution = Execution::kPool;
};

// Whether the fallback route takes a request, from its decoded path and its Accept header ("" when
// absent). Called on the I/O thread for every unmatched GET and HEAD: it must be cheap.
using FallbackFilter = std::function<bool(std::string_view path, std::string_view accept)>;

class Router {
 public:
  void Add(std::string method, std::string path_template, RouteAccess access, Handler handler,
           Execution execution = Execution::kPool);
  // A POST whose multipart body the handler streams through Request::read_multipart.
  void AddUpload(std::string path_template, RouteAccess access, Handler handler);
  const std::vector<Route>& routes() const { return routes_; }

  // The route of the GET and HEAD requests whose path matches no route and that `takes` accepts
  // (a single-page app's client-side routes, which a browser navigates to directly). Every other
  // unmatched request keeps its 404. `label` stands for the route in metrics; its index there is
  // routes().size(). A second call replaces the first.
  void SetFallback(std::string label, RouteAccess access, FallbackFilter takes, Handler handler,
                   Execution execution = Execution::kPool);
  const Route* fallback() const { return fallback_ ? &*fallback_ : nullptr; }
  bool FallbackTakes(std::string_view path, std::string_view accept) const;

 private:
  std::vector<Route> routes_;
  std::optional<Route> fallback_;
  FallbackFilter fallback_takes_;
};

}  // namespace dataml::http
