// Finds the route of a request by method and path, without regexes: a tree of path segments
// built once at start. Literal segments win over "{param}" segments at the same depth
// ("/users/me" before "/users/{user_id}"), whatever the order the routes were added in.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/router.h"

namespace dataml::http {

struct RouteMatch {
  enum class Kind { kFound, kNoPath, kWrongMethod };
  Kind kind = Kind::kNoPath;
  size_t route_index = 0;                           // into Router::routes(), when found
  std::map<std::string, std::string> path_params;   // "{name}" -> segment, when found
  std::string allow;                                // "GET, HEAD, POST": the path's methods, on kWrongMethod
};

class RouteMatcher {
 public:
  explicit RouteMatcher(const std::vector<Route>& routes);
  ~RouteMatcher();
  RouteMatcher(RouteMatcher&&) noexcept;

  // `path` is the decoded path without its query. A trailing slash is ignored, as is the
  // method's case. HEAD matches the GET route.
  RouteMatch Match(std::string_view method, std::string_view path) const;

 private:
  struct Node;
  std::unique_ptr<Node> root_;
  std::vector<std::vector<std::string>> param_names_;  // per route, in path order
};

}  // namespace dataml::http
