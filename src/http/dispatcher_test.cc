// The dispatcher and its route matcher, driven without a socket.
#include "http/dispatcher.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace dataml::http {
namespace {

// Tokens "admin", "alice" (holds can_read) and "bob" (holds nothing); anything else is refused.
class FakeAuthenticator : public Authenticator {
 public:
  Result<Principal> Authenticate(std::string_view token) override {
    ++authentications;
    if (token == "admin") return Principal{1, "t1", "admin", true};
    if (token == "alice") return Principal{2, "t1", "alice", false};
    if (token == "bob") return Principal{3, "t1", "bob", false};
    return Status::Unauthenticated("Could not validate credentials");
  }
  Status Authorize(const Principal& principal, std::string_view permission) override {
    if (principal.is_superuser || (principal.username == "alice" && permission == "can_read")) return Status::OK();
    return Status::PermissionDenied("Missing permission " + std::string(permission));
  }
  int authentications = 0;
};

Handler Echo(std::string name) {
  return [name](Request& req) -> Result<Response> {
    nlohmann::json params = req.path_params;
    nlohmann::json query = nlohmann::json::object();
    for (const auto& [k, v] : req.query) query[k] = v;
    nlohmann::json form = nlohmann::json::object();
    for (const auto& [k, v] : req.form) form[k] = v;
    return Response::Json(200, {{"route", name}, {"params", params}, {"query", query}, {"form", form},
                                {"user", req.principal ? req.principal->username : ""}});
  };
}

class HttpDispatcherTest : public ::testing::Test {
 protected:
  HttpDispatcherTest() {
    router_.Add("GET", "/api/v1/users/{user_id}", RouteAccess::Permission("can_read"), Echo("user"));
    router_.Add("GET", "/api/v1/users/me", RouteAccess::Authenticated(), Echo("me"));
    router_.Add("DELETE", "/api/v1/users/{user_id}", RouteAccess::Superuser(), Echo("delete"));
    router_.Add("GET", "/api/v1/roles/{role_id}/permissions/{permission_id}", RouteAccess::Public(), Echo("pair"));
    router_.Add("GET", "/api/v1/roles/{tenant}/list", RouteAccess::Public(), Echo("renamed"));
    router_.Add("POST", "/api/v1/login/", RouteAccess::Public(), Echo("login"));
    router_.Add("GET", "/api/v1/boom", RouteAccess::Public(), [](Request&) -> Result<Response> {
      throw std::runtime_error("handler bug");
    });
    router_.Add("GET", "/api/v1/refuse", RouteAccess::Public(), [](Request&) -> Result<Response> {
      return Status::Invalid({{{"query", "x"}, "bad", "value_error"}});
    });
    router_.AddUpload("/api/v1/upload", RouteAccess::Authenticated(), Echo("upload"));
    dispatcher_ = std::make_unique<Dispatcher>(router_, auth_, DispatcherLimits{100, 1000});
  }

  // One whole request through Admit, Prepare and Handle, as a transport does.
  Response Call(std::string method, std::string target, std::string token = "", std::string body = "",
                std::string content_type = "") {
    RequestHead head{method, target, body.empty() ? std::nullopt : std::optional<uint64_t>(body.size()), false, ""};
    Admission admission = dispatcher_->Admit(head);
    if (admission.refusal) return *admission.refusal;
    Request request;
    request.method = method;
    if (!token.empty()) request.headers["authorization"] = "Bearer " + token;
    if (!content_type.empty()) request.headers["content-type"] = content_type;
    request.body = body;
    Dispatcher::Prepare(admission, request);
    return dispatcher_->Handle(admission, request);
  }

  static nlohmann::json Body(const Response& r) { return nlohmann::json::parse(r.body); }
  static std::string Header(const Response& r, const std::string& name) {
    for (const auto& [key, value] : r.headers) {
      if (key == name) return value;
    }
    return "";
  }

  Router router_;
  FakeAuthenticator auth_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(HttpDispatcherTest, LiteralSegmentsWinOverParametersWhateverTheOrder) {
  EXPECT_EQ(Body(Call("GET", "/api/v1/users/me", "bob"))["route"], "me");
  Response user = Call("GET", "/api/v1/users/42", "alice");
  EXPECT_EQ(Body(user)["route"], "user");
  EXPECT_EQ(Body(user)["params"]["user_id"], "42");
}

TEST_F(HttpDispatcherTest, ParametersTakeTheirRoutesOwnNames) {
  Response pair = Call("GET", "/api/v1/roles/7/permissions/9/");
  EXPECT_EQ(Body(pair)["params"], (nlohmann::json{{"role_id", "7"}, {"permission_id", "9"}}));
  Response renamed = Call("GET", "/api/v1/roles/t1/list");
  EXPECT_EQ(Body(renamed)["params"], (nlohmann::json{{"tenant", "t1"}}));
}

TEST_F(HttpDispatcherTest, TrailingSlashesAndHeadAreAccepted) {
  EXPECT_EQ(Call("POST", "/api/v1/login", "", "a=1", "application/x-www-form-urlencoded").status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/login/", "", "a=1", "application/x-www-form-urlencoded").status, 200);
  EXPECT_EQ(Call("HEAD", "/api/v1/users/me", "bob").status, 200);
}

TEST_F(HttpDispatcherTest, UnknownPathsAre404AndOtherMethods405) {
  Response missing = Call("GET", "/api/v1/users/1/extra", "alice");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Body(missing)["detail"], "Not Found");
  EXPECT_EQ(Call("GET", "/nothing").status, 404);
  Response wrong = Call("PUT", "/api/v1/users/1", "alice");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(Body(wrong)["detail"], "Method Not Allowed");
  EXPECT_EQ(Header(wrong, "Allow"), "GET, HEAD, DELETE");
  Response brewed = Call("BREW", "/api/v1/users/1");
  EXPECT_EQ(brewed.status, 405);
  EXPECT_EQ(Header(brewed, "Allow"), "GET, HEAD, DELETE");
  EXPECT_EQ(auth_.authentications, 0);  // refused before anyone looked at a token
  // A literal resource is not a value of the parameter beside it: DELETE /users/me is a 405 naming
  // /users/me's methods, not a delete of user "me".
  Response literal = Call("DELETE", "/api/v1/users/me", "alice");
  EXPECT_EQ(literal.status, 405);
  EXPECT_EQ(Header(literal, "Allow"), "GET, HEAD");
}

TEST_F(HttpDispatcherTest, AccessIsEnforcedBeforeTheHandler) {
  Response anonymous = Call("GET", "/api/v1/users/1");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.headers.at(0), (std::pair<std::string, std::string>{"WWW-Authenticate", "Bearer"}));
  EXPECT_EQ(Call("GET", "/api/v1/users/1", "forged").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/users/1", "bob").status, 403);
  EXPECT_EQ(Call("DELETE", "/api/v1/users/1", "alice").status, 403);
  Response admin = Call("DELETE", "/api/v1/users/1", "admin");
  EXPECT_EQ(admin.status, 200);
  EXPECT_EQ(Body(admin)["user"], "admin");
}

TEST_F(HttpDispatcherTest, BearerSchemeIsCaseInsensitive) {
  Request request;
  request.headers["authorization"] = "bEaReR   tok";
  EXPECT_EQ(BearerToken(request), "tok");
  request.headers["authorization"] = "Basic abc";
  EXPECT_EQ(BearerToken(request), std::nullopt);
  request.headers["authorization"] = "Bearer ";
  EXPECT_EQ(BearerToken(request), std::nullopt);
}

TEST_F(HttpDispatcherTest, QueryAndFormAreDecoded) {
  Response r = Call("POST", "/api/v1/login?next=%2Fhome&q=a+b&q=c", "", "username=al%40x&password=p+w&flag",
                    "application/x-www-form-urlencoded; charset=utf-8");
  nlohmann::json body = Body(r);
  EXPECT_EQ(body["query"]["next"], "/home");
  EXPECT_EQ(body["form"]["username"], "al@x");
  EXPECT_EQ(body["form"]["password"], "p w");
  EXPECT_EQ(body["form"]["flag"], "");
  EXPECT_EQ(Call("GET", "/api/v1/roles/%zz/list").status, 400);
  EXPECT_EQ(Call("GET", "http://example.com/api/v1/users/me").status, 400);  // not origin-form
}

TEST_F(HttpDispatcherTest, BodyLimitsAreCheckedFromTheHead) {
  Admission big = dispatcher_->Admit({"POST", "/api/v1/login", 101, false, ""});
  ASSERT_TRUE(big.refusal);
  EXPECT_EQ(big.refusal->status, 413);
  EXPECT_EQ(Body(*big.refusal)["detail"], "Request body is larger than the limit of 100 bytes");
  Admission upload = dispatcher_->Admit({"POST", "/api/v1/upload", 1000, false, ""});
  EXPECT_FALSE(upload.refusal);
  EXPECT_TRUE(upload.streaming);
  EXPECT_EQ(upload.body_limit, 1000u);
  EXPECT_EQ(dispatcher_->Admit({"POST", "/api/v1/upload", 1001, false, ""}).refusal->status, 413);
  Admission chunked = dispatcher_->Admit({"POST", "/api/v1/login", std::nullopt, true, ""});
  EXPECT_EQ(chunked.refusal->status, 411);
  EXPECT_FALSE(dispatcher_->Admit({"POST", "/api/v1/upload", std::nullopt, true, ""}).refusal);
}

TEST_F(HttpDispatcherTest, HandlerFailuresBecomeJsonErrors) {
  Response boom = Call("GET", "/api/v1/boom");
  EXPECT_EQ(boom.status, 500);
  EXPECT_EQ(Body(boom)["detail"], "Internal Server Error");
  Response refused = Call("GET", "/api/v1/refuse");
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(Body(refused)["detail"][0]["loc"], (nlohmann::json{"query", "x"}));
}

// Router::SetFallback: the route of unmatched GETs and HEADs that its filter takes (a web app's
// client-side routes); every other request is answered as without it.
class RouterFallbackTest : public HttpDispatcherTest {
 protected:
  RouterFallbackTest() {
    router_.SetFallback(
        "pages", RouteAccess::Public(),
        [this](std::string_view path, std::string_view accept) {
          seen_paths_.emplace_back(path);
          return !path.starts_with("/api/") && accept.find("text/html") != std::string_view::npos;
        },
        Echo("fallback"), Execution::kInline);
    dispatcher_ = std::make_unique<Dispatcher>(router_, auth_, DispatcherLimits{100, 1000});
  }

  Admission Admit(std::string method, std::string target, std::string accept) {
    return dispatcher_->Admit({method, target, std::nullopt, false, accept});
  }

  Response Handle(Admission admission, std::string method) {
    Request request;
    request.method = method;
    Dispatcher::Prepare(admission, request);
    return dispatcher_->Handle(admission, request);
  }

  std::vector<std::string> seen_paths_;
};

TEST_F(RouterFallbackTest, TakesUnmatchedGetsAndHeadsItsFilterAccepts) {
  for (std::string method : {"GET", "HEAD", "get"}) {
    Admission admission = Admit(method, "/datasets/42?tab=rows", "text/html,application/xhtml+xml,*/*;q=0.8");
    ASSERT_FALSE(admission.refusal) << method;
    ASSERT_EQ(admission.route, router_.fallback());
    EXPECT_EQ(admission.route->execution, Execution::kInline);
    EXPECT_EQ(admission.route_index, router_.routes().size());  // after the routes, in metrics
    Response page = Handle(std::move(admission), method);
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(Body(page)["route"], "fallback");
    EXPECT_EQ(Body(page)["query"]["tab"], "rows");
  }
  EXPECT_EQ(seen_paths_.back(), "/datasets/42");  // decoded, without the query
  EXPECT_EQ(router_.fallback()->path_template, "pages");
}

TEST_F(RouterFallbackTest, EverythingElseIsAnsweredAsWithoutIt) {
  auto refused = [this](std::string method, std::string target, std::string accept) {
    Admission admission = Admit(method, target, accept);
    return admission.refusal ? admission.refusal->status : 0;
  };
  // Not taken by the filter: the same 404 as ever.
  Admission api = Admit("GET", "/api/v1/nope", "text/html");
  ASSERT_TRUE(api.refusal);
  EXPECT_EQ(Body(*api.refusal), (nlohmann::json{{"detail", "Not Found"}}));
  EXPECT_EQ(api.route, nullptr);
  EXPECT_EQ(refused("GET", "/datasets/42", "application/json"), 404);
  EXPECT_EQ(refused("GET", "/datasets/42", ""), 404);
  // Other methods never reach it, nor does a path some route has.
  EXPECT_EQ(refused("POST", "/datasets/42", "text/html"), 404);
  EXPECT_EQ(refused("DELETE", "/datasets/42", "text/html"), 404);
  EXPECT_EQ(refused("PUT", "/api/v1/users/1", "text/html"), 405);
  EXPECT_EQ(refused("GET", "/api/v1/roles/%zz/list", "text/html"), 400);
  seen_paths_.clear();
  Admission user = Admit("GET", "/api/v1/users/me", "text/html");
  EXPECT_EQ(user.route, &router_.routes()[1]);
  EXPECT_TRUE(seen_paths_.empty());  // matched routes never ask the filter
}

TEST_F(RouterFallbackTest, KeepsTheRouteChecksOfItsRequests) {
  EXPECT_FALSE(Admit("GET", "/page", "text/html").refusal);
  Admission big = dispatcher_->Admit({"GET", "/page", 101, false, "text/html"});
  ASSERT_TRUE(big.refusal);
  EXPECT_EQ(big.refusal->status, 413);
  EXPECT_EQ(big.route, router_.fallback());
}

TEST(RouterTest, WithoutAFallbackNothingIsTaken) {
  Router router;
  router.Add("GET", "/a", RouteAccess::Public(), Echo("a"));
  EXPECT_EQ(router.fallback(), nullptr);
  EXPECT_FALSE(router.FallbackTakes("/b", "text/html"));
  FakeAuthenticator auth;
  Dispatcher dispatcher(router, auth, DispatcherLimits::Defaults());
  Admission admission = dispatcher.Admit({"GET", "/b", std::nullopt, false, "text/html"});
  ASSERT_TRUE(admission.refusal);
  EXPECT_EQ(admission.refusal->status, 404);
}

}  // namespace
}  // namespace dataml::http
