#include "http/route_matcher.h"

#include <cctype>

namespace dataml::http {
namespace {

enum Method : size_t { kGet, kPost, kPut, kPatch, kDelete, kMethodCount };

// -1 for a method no route can have.
int MethodIndex(std::string_view method) {
  auto is = [method](std::string_view name) {
    if (method.size() != name.size()) return false;
    for (size_t i = 0; i < name.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(method[i])) != name[i]) return false;
    }
    return true;
  };
  if (is("GET") || is("HEAD")) return kGet;
  if (is("POST")) return kPost;
  if (is("PUT")) return kPut;
  if (is("PATCH")) return kPatch;
  if (is("DELETE")) return kDelete;
  return -1;
}

// "/a/b/" -> {"a", "b"}; empty segments (doubled or trailing slashes) are dropped.
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

constexpr size_t kNoRoute = static_cast<size_t>(-1);

}  // namespace

struct RouteMatcher::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literal;
  std::unique_ptr<Node> param;
  size_t routes[kMethodCount] = {kNoRoute, kNoRoute, kNoRoute, kNoRoute, kNoRoute};

  bool HasAnyRoute() const {
    for (size_t r : routes) {
      if (r != kNoRoute) return true;
    }
    return false;
  }
};

RouteMatcher::RouteMatcher(const std::vector<Route>& routes)
    : root_(std::make_unique<Node>()), param_names_(routes.size()) {
  for (size_t i = 0; i < routes.size(); ++i) {
    Node* node = root_.get();
    for (std::string_view segment : Segments(routes[i].path_template)) {
      if (segment.size() > 2 && segment.front() == '{' && segment.back() == '}') {
        // Names belong to the route: two templates may name the same position differently.
        param_names_[i].emplace_back(segment.substr(1, segment.size() - 2));
        if (!node->param) node->param = std::make_unique<Node>();
        node = node->param.get();
        continue;
      }
      auto& child = node->literal[std::string(segment)];
      if (!child) child = std::make_unique<Node>();
      node = child.get();
    }
    int method = MethodIndex(routes[i].method);
    // The first registration of a method and path wins, as with the former regex table.
    if (method >= 0 && node->routes[method] == kNoRoute) node->routes[method] = i;
  }
}

RouteMatcher::~RouteMatcher() = default;
RouteMatcher::RouteMatcher(RouteMatcher&&) noexcept = default;

RouteMatch RouteMatcher::Match(std::string_view method, std::string_view path) const {
  const std::vector<std::string_view> segments = Segments(path);
  const int method_index = MethodIndex(method);
  RouteMatch result;
  std::vector<std::string_view> bound;  // segments taken by parameters, in order
  bool allowed[kMethodCount] = {};      // the methods of the resource the path names, for Allow
  // Depth-first, literal before parameter; the first node with this method's route wins. A path
  // that exists only for other methods is a resource of its own: the 405 names its methods, and
  // a parameter at the same place does not take it ("PATCH /users/me" is not user "me").
  bool resource = false;
  auto walk = [&](auto&& self, const Node* node, size_t depth) -> bool {
    if (depth == segments.size()) {
      if (method_index >= 0 && node->routes[method_index] != kNoRoute) {
        result.kind = RouteMatch::Kind::kFound;
        result.route_index = node->routes[method_index];
        return true;
      }
      if (node->HasAnyRoute()) {
        result.kind = RouteMatch::Kind::kWrongMethod;
        resource = true;
        for (size_t m = 0; m < kMethodCount; ++m) allowed[m] = node->routes[m] != kNoRoute;
      }
      return false;
    }
    if (auto it = node->literal.find(segments[depth]); it != node->literal.end()) {
      if (self(self, it->second.get(), depth + 1)) return true;
      if (resource) return false;
    }
    if (node->param) {
      bound.push_back(segments[depth]);
      if (self(self, node->param.get(), depth + 1)) return true;
      bound.pop_back();
    }
    return false;
  };
  if (walk(walk, root_.get(), 0)) {
    const std::vector<std::string>& names = param_names_[result.route_index];
    for (size_t i = 0; i < names.size() && i < bound.size(); ++i) result.path_params[names[i]] = std::string(bound[i]);
  } else if (result.kind == RouteMatch::Kind::kWrongMethod) {
    static constexpr const char* kNames[kMethodCount] = {"GET, HEAD", "POST", "PUT", "PATCH", "DELETE"};
    for (size_t m = 0; m < kMethodCount; ++m) {
      if (allowed[m]) result.allow += (result.allow.empty() ? "" : ", ") + std::string(kNames[m]);
    }
  }
  return result;
}

}  // namespace dataml::http
