// The served OpenAPI document must describe exactly the routes the server registers, with the
// access each route enforces.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "app/app.h"
#include "modules/docs/docs_handlers.h"
#include "test_support.h"

namespace dataml::app {
namespace {

std::string ExpectedPermission(const http::RouteAccess& access) {
  switch (access.kind) {
    case http::Access::kPublic: return "public";
    case http::Access::kAuthenticated: return "authenticated";
    case http::Access::kSuperuser: return "superuser";
    case http::Access::kPermission: return access.permission;
  }
  return "";
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(OpenApiRoutesTest, DocumentMatchesTheRouter) {
  dataml::testing::TempDatabase temp;
  ServerConfig config;
  config.data_dir = temp.dir().string();
  auto app = BuildServices(config, std::string(48, 's'));
  ASSERT_TRUE(app.ok()) << app.status().message();
  RegisterRoutes(**app, config);

  auto spec = nlohmann::json::parse(http::OpenApiDocument());
  std::map<std::pair<std::string, std::string>, std::string> documented;
  for (const auto& [path, item] : spec.at("paths").items()) {
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters") continue;
      documented[{Lower(method), path}] = op.value("x-permission", "<missing>");
    }
  }
  std::set<std::pair<std::string, std::string>> registered;
  for (const http::Route& route : (*app)->router.routes()) {
    std::string path = route.path_template;
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    auto key = std::make_pair(Lower(route.method), path);
    registered.insert(key);
    auto it = documented.find(key);
    ASSERT_NE(it, documented.end()) << route.method << " " << path << " is not in api/openapi.json";
    EXPECT_EQ(it->second, ExpectedPermission(route.access)) << route.method << " " << path;
  }
  for (const auto& [key, permission] : documented) {
    EXPECT_TRUE(registered.count(key)) << key.first << " " << key.second << " is documented but not served";
  }
}

}  // namespace
}  // namespace dataml::app
