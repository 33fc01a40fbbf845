#include "modules/docs/docs_handlers.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace dataml::docs {
namespace {

constexpr const char* kIndexHtml = R"(<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>dataml API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-init.js"></script>
</body>
</html>
)";

// Inline scripts would need a relaxed CSP; a separate file keeps the page script-src 'self'.
constexpr const char* kInitJs = R"(window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: true
});
)";

std::string ContentTypeFor(const std::string& name) {
  if (name.ends_with(".js")) return "application/javascript";
  if (name.ends_with(".css")) return "text/css";
  if (name.ends_with(".png")) return "image/png";
  if (name.ends_with(".map")) return "application/json";
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace

void RegisterDocsRoutes(http::Router& router, std::string swagger_dir) {
  using http::RouteAccess;
  router.Add("GET", "/openapi.json", RouteAccess::Public(), [](http::Request&) -> Result<http::Response> {
    return http::Response::Text(200, "application/json", std::string(http::OpenApiDocument()));
  });
  router.Add("GET", "/docs", RouteAccess::Public(), [](http::Request&) -> Result<http::Response> {
    return http::Response::Text(200, "text/html; charset=utf-8", kIndexHtml);
  });
  router.Add("GET", "/docs/{asset}", RouteAccess::Public(),
             [swagger_dir](http::Request& req) -> Result<http::Response> {
               const std::string& name = req.path_params["asset"];
               if (name == "swagger-init.js") {
                 return http::Response::Text(200, "application/javascript", kInitJs);
               }
               // Only plain file names of the package's top folder: no separators, no "..".
               static const std::regex kSafeName("^[A-Za-z0-9_-][A-Za-z0-9._-]*$");
               if (!std::regex_match(name, kSafeName) || name.find("..") != std::string::npos) {
                 return Status::NotFound("Not Found");
               }
               std::filesystem::path path = std::filesystem::path(swagger_dir) / name;
               std::ifstream in(path, std::ios::binary);
               if (swagger_dir.empty() || !in) {
                 return Status::NotFound("Swagger UI asset not found (is swagger-ui-dist installed? run make setup)");
               }
               std::ostringstream content;
               content << in.rdbuf();
               http::Response r = http::Response::Text(200, ContentTypeFor(name), content.str());
               r.headers.emplace_back("Cache-Control", "public, max-age=3600");
               return r;
             });
}

}  // namespace dataml::docs
