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

}  // namespace dataml::http
