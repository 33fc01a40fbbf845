#include "http/router.h"

namespace dataml::http {

void Router::Add(std::string method, std::string path_template, RouteAccess access, Handler handler,
                 Execution execution) {
  routes_.push_back({std::move(method), std::move(path_template), std::move(access), std::move(handler), false,
                     execution});
}

void Router::AddUpload(std::string path_template, RouteAccess access, Handler handler) {
  routes_.push_back({"POST", std::move(path_template), std::move(access), std::move(handler), true});
}

void Router::SetFallback(std::string label, RouteAccess access, FallbackFilter takes, Handler handler,
                         Execution execution) {
  fallback_ = Route{"GET", std::move(label), std::move(access), std::move(handler), false, execution};
  fallback_takes_ = std::move(takes);
}

bool Router::FallbackTakes(std::string_view path, std::string_view accept) const {
  return fallback_ && fallback_takes_ && fallback_takes_(path, accept);
}

}  // namespace dataml::http
