#include "http/router.h"

namespace dataml::http {

void Router::Add(std::string method, std::string path_template, RouteAccess access,
                 Handler handler) {
  routes_.push_back({std::move(method), std::move(path_template), std::move(access),
                     std::move(handler)});
}

void Router::AddUpload(std::string path_template, RouteAccess access, Handler handler) {
  routes_.push_back({"POST", std::move(path_template), std::move(access), std::move(handler), true});
}

std::string PathTemplateToRegex(const std::string& path_template, std::vector<std::string>& names) {
  std::string regex;
  std::string path = path_template;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  for (size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '{') {
      size_t close = path.find('}', i);
      names.push_back(path.substr(i + 1, close - i - 1));
      regex += "([^/]+)";
      i = close;
    } else if (c == '.' || c == '-' || c == '+' || c == '(' || c == ')') {
      regex += '\\';
      regex += c;
    } else {
      regex += c;
    }
  }
  if (regex != "/") regex += "/?";
  return regex;
}

}  // namespace dataml::http
