// The console's routes through the router and dispatcher, as a transport drives them.
#include "modules/console/console_handlers.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/dispatcher.h"
#include "modules/console/fake_console_build_for_tests.h"

namespace dataml::console {
namespace {

using testing::FakeConsoleBuild;

constexpr const char* kBrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

class NoTokens : public http::Authenticator {
 public:
  Result<Principal> Authenticate(std::string_view) override { return Status::Unauthenticated("no"); }
  Status Authorize(const Principal&, std::string_view) override { return Status::PermissionDenied("no"); }
};

std::optional<std::string> HeaderOf(const http::Response& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

class ConsoleRoutesTest : public ::testing::Test {
 protected:
  void Register(std::shared_ptr<const ConsoleAssets> assets) {
    // An API route beside the console's, as in the server (inline and public like them, for Get).
    router_.Add(
        "GET", "/api/v1/items/{id}", http::RouteAccess::Public(),
        [](http::Request&) -> Result<http::Response> { return http::Response::Json(200, {{"api", true}}); },
        http::Execution::kInline);
    RegisterConsoleRoutes(router_, std::move(assets));
    dispatcher_ = std::make_unique<http::Dispatcher>(router_, auth_, http::DispatcherLimits::Defaults());
  }
  void RegisterBuilt() {
    auto assets = ConsoleAssets::Load(build_.dir());
    ASSERT_TRUE(assets.ok()) << assets.status().message();
    Register(*assets);
  }

  http::Response Get(const std::string& target, const std::string& accept = "*/*",
                     const std::string& accept_encoding = "", const std::string& method = "GET") {
    http::Admission admission = dispatcher_->Admit({method, target, std::nullopt, false, accept});
    if (admission.refusal) return *admission.refusal;
    EXPECT_EQ(admission.route->execution, http::Execution::kInline) << target;
    EXPECT_EQ(admission.route->access.kind, http::Access::kPublic) << target;
    http::Request request;
    request.method = method;
    request.headers["accept"] = accept;
    if (!accept_encoding.empty()) request.headers["accept-encoding"] = accept_encoding;
    http::Dispatcher::Prepare(admission, request);
    return dispatcher_->Handle(admission, request);
  }

  static void ExpectIndex(const http::Response& r) {
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(r.body, FakeConsoleBuild::kIndexHtml);
    EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-cache");
    std::string csp = HeaderOf(r, "Content-Security-Policy").value_or("");
    EXPECT_TRUE(csp.starts_with("default-src 'self'; script-src 'self'; style-src 'self';")) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(HeaderOf(r, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(HeaderOf(r, "Referrer-Policy"), "no-referrer");
    EXPECT_EQ(HeaderOf(r, "X-Frame-Options"), "DENY");
  }

  static nlohmann::json Body(const http::Response& r) { return nlohmann::json::parse(r.body); }

  FakeConsoleBuild build_;
  http::Router router_;
  NoTokens auth_;
  std::unique_ptr<http::Dispatcher> dispatcher_;
};

TEST_F(ConsoleRoutesTest, IndexIsServedAtTheRootUncached) {
  RegisterBuilt();
  ExpectIndex(Get("/"));
  ExpectIndex(Get("/", kBrowserAccept, "", "HEAD"));
  ExpectIndex(Get("/index.html"));
  EXPECT_EQ(HeaderOf(Get("/"), "Vary"), "Accept-Encoding");  // it has a gzip twin
}

TEST_F(ConsoleRoutesTest, AssetsAreImmutableAndGzippedWhenAccepted) {
  RegisterBuilt();
  http::Response plain = Get("/assets/app-1a2b.js", "*/*", "identity");
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body, FakeConsoleBuild::kAppJs);
  EXPECT_EQ(plain.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(plain, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(HeaderOf(plain, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(HeaderOf(plain, "Vary"), "Accept-Encoding");
  EXPECT_EQ(HeaderOf(plain, "Content-Encoding"), std::nullopt);
  EXPECT_EQ(HeaderOf(plain, "Content-Security-Policy"), std::nullopt);  // not a page

  http::Response gzipped = Get("/assets/app-1a2b.js", "*/*", "gzip, deflate, br");
  EXPECT_EQ(gzipped.body, FakeConsoleBuild::Gz(FakeConsoleBuild::kAppJs));
  EXPECT_EQ(HeaderOf(gzipped, "Content-Encoding"), "gzip");
  EXPECT_EQ(HeaderOf(gzipped, "Vary"), "Accept-Encoding");
  EXPECT_EQ(gzipped.content_type, plain.content_type);

  http::Response css = Get("/assets/app-3c4d.css", "text/css,*/*;q=0.1", "gzip");
  EXPECT_EQ(css.body, FakeConsoleBuild::kAppCss);  // no twin: identity
  EXPECT_EQ(HeaderOf(css, "Content-Encoding"), std::nullopt);
  EXPECT_EQ(HeaderOf(css, "Vary"), std::nullopt);
}

TEST_F(ConsoleRoutesTest, OtherTopFilesAreCachedForAnHour) {
  RegisterBuilt();
  http::Response icon = Get("/favicon.svg", "image/avif,image/webp,*/*");
  EXPECT_EQ(icon.status, 200);
  EXPECT_EQ(icon.body, FakeConsoleBuild::kFavicon);
  EXPECT_EQ(icon.content_type, "image/svg+xml");
  EXPECT_EQ(HeaderOf(icon, "Cache-Control"), "public, max-age=3600");
  EXPECT_EQ(HeaderOf(icon, "X-Content-Type-Options"), "nosniff");
}

TEST_F(ConsoleRoutesTest, BrowserNavigationToAClientRouteGetsTheIndex) {
  RegisterBuilt();
  ExpectIndex(Get("/datasets/42?x=1", kBrowserAccept));
  ExpectIndex(Get("/login", "TEXT/HTML"));
  ExpectIndex(Get("/datasets/42", kBrowserAccept, "", "HEAD"));
  // Anyone else keeps the API's 404.
  for (const char* accept : {"*/*", "application/json", ""}) {
    http::Response r = Get("/datasets/42?x=1", accept);
    EXPECT_EQ(r.status, 404) << accept;
    EXPECT_EQ(Body(r), (nlohmann::json{{"detail", "Not Found"}})) << accept;
  }
  for (const char* target : {"/api/v1/nope", "/api", "/docs/nope/deeper", "/metrics/x", "/openapi.json/x",
                             "/assets/sub/app-1a2b.js", "//api/v1/nope"}) {
    http::Response r = Get(target, kBrowserAccept);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(Body(r), (nlohmann::json{{"detail", "Not Found"}})) << target;
  }
  EXPECT_EQ(Body(Get("/api/v1/items/1", kBrowserAccept)), (nlohmann::json{{"api", true}}));
  EXPECT_EQ(Get("/datasets/42", kBrowserAccept, "", "POST").status, 404);
  EXPECT_EQ(Get("/", kBrowserAccept, "", "POST").status, 405);
}

TEST_F(ConsoleRoutesTest, HostilePathsNameNoFile) {
  RegisterBuilt();
  for (const char* target : {"/assets/../index.html", "/assets/%2e%2e/index.html", "/assets/%2E%2E%2Findex.html",
                             "/assets/..", "/assets/..%5Cindex.html", "/assets/app-1a2b.js%00",
                             "/assets/app-1a2b.js.gz", "/assets/", "/assets/.%2Fapp-1a2b.js",
                             "/assets/%2Fetc%2Fpasswd", "/assets/app-1a2b.js%00.png"}) {
    http::Response r = Get(target, kBrowserAccept, "gzip");
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_TRUE(Body(r).contains("detail")) << target;
  }
  // Outside /assets a browser may get the index, never a file the build did not have.
  for (const char* target : {"/%2e%2e/%2e%2e/etc/passwd", "/..%5C..%5Cetc%5Cpasswd", "/index.html.gz"}) {
    http::Response r = Get(target, kBrowserAccept);
    EXPECT_EQ(r.body, FakeConsoleBuild::kIndexHtml) << target;
  }
  EXPECT_EQ(Get("/index.html.gz", "*/*").status, 404);
}

TEST_F(ConsoleRoutesTest, AnUnbuiltConsoleSaysSoAndTheApiIsUntouched) {
  Register(nullptr);
  for (const char* method : {"GET", "HEAD"}) {
    http::Response root = Get("/", kBrowserAccept, "", method);
    EXPECT_EQ(root.status, 404);
    EXPECT_EQ(Body(root), (nlohmann::json{{"detail", "The web console is not built (run make build)"}}));
  }
  EXPECT_EQ(Body(Get("/datasets/42", kBrowserAccept))["detail"], "The web console is not built (run make build)");
  EXPECT_EQ(Body(Get("/datasets/42", "*/*")), (nlohmann::json{{"detail", "Not Found"}}));
  EXPECT_EQ(Body(Get("/assets/app-1a2b.js")), (nlohmann::json{{"detail", "Not Found"}}));
  EXPECT_EQ(Get("/api/v1/items/1").status, 200);
}

}  // namespace
}  // namespace dataml::console
