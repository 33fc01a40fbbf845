#include "modules/auth/auth_handlers.h"

#include "http/input.h"
#include "http/json_object_writer.h"

namespace dataml::auth {
namespace {

using http::RouteAccess;

nlohmann::json TokenJson(const TokenPair& pair) {
  return {{"access_token", pair.access_token},
          {"refresh_token", pair.refresh_token},
          {"token_type", "bearer"},
          {"expires_in", pair.expires_in}};
}

// A value from the query string, or else from a form body (clients send either).
std::optional<std::string> QueryOrForm(const http::Request& req, const std::string& name) {
  if (auto value = req.Query(name)) return value;
  return req.Form(name);
}

Result<std::string> RequiredRefreshToken(const http::Request& req) {
  auto token = QueryOrForm(req, "refresh_token");
  if (!token) return Status::Invalid({{{"query", "refresh_token"}, "Field required", "missing"}});
  return *token;
}

}  // namespace

void RegisterAuthRoutes(http::Router& router, AuthService& auth, users::UsersService& users) {
  router.Add("POST", "/api/v1/login/access-token", RouteAccess::Public(),
             [&auth](http::Request& req) -> Result<http::Response> {
               FieldErrors errors;
               http::ParamFields form(req.form, "body", errors);
               auto username = form.String("username", true, 256);
               auto password = form.String("password", true, 1024);
               auto grant_type = form.String("grant_type", false, 64);
               if (grant_type && !grant_type->empty() && *grant_type != "password") {
                 errors.Add({"body", "grant_type"}, "String should match pattern '^password$'",
                            "string_pattern_mismatch");
               }
               DATAML_RETURN_NOT_OK(errors.ToStatus());
               auto tokens = auth.Login(*username, *password);
               if (!tokens.ok() && tokens.status().code() == StatusCode::kTooManyRequests) {
                 http::Response r = http::Response::Error(tokens.status());
                 auto wait = auth.SecondsUntilUnlocked(*username);
                 r.headers.emplace_back("Retry-After", std::to_string(wait.ok() ? std::max<int64_t>(1, *wait) : 60));
                 return r;
               }
               DATAML_ASSIGN_OR_RETURN(TokenPair pair, tokens);
               return http::Response::Json(200, TokenJson(pair));
             });

  router.Add("POST", "/api/v1/login/test-token", RouteAccess::Authenticated(),
             [&users](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(users::User user, users.Get(req.caller(), req.caller().user_id));
               return http::Response::Json(200, users::ToJson(user));
             });

  router.Add("POST", "/api/v1/refresh", RouteAccess::Public(),
             [&auth](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(std::string token, RequiredRefreshToken(req));
               DATAML_ASSIGN_OR_RETURN(TokenPair pair, auth.Refresh(token));
               return http::Response::Json(200, TokenJson(pair));
             });

  router.Add("POST", "/api/v1/logout", RouteAccess::Public(),
             [&auth](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(std::string token, RequiredRefreshToken(req));
               DATAML_RETURN_NOT_OK(auth.Logout(token));
               return http::Response::Json(200, {{"message", "Logged out"}});
             });

  router.Add("POST", "/api/v1/reset-password", RouteAccess::Authenticated(),
             [&auth](http::Request& req) -> Result<http::Response> {
               FieldErrors errors;
               ResetPasswordInput input;
               auto user_name = QueryOrForm(req, "user_name");
               auto new_password = QueryOrForm(req, "new_password");
               if (!user_name) errors.Add({"query", "user_name"}, "Field required", "missing");
               if (!new_password) errors.Add({"query", "new_password"}, "Field required", "missing");
               DATAML_RETURN_NOT_OK(errors.ToStatus());
               input.user_name = *user_name;
               input.new_password = *new_password;
               input.current_password = QueryOrForm(req, "current_password");
               DATAML_RETURN_NOT_OK(http::InQuery(auth.ResetPassword(req.caller(), input)));
               return http::Response::Json(200, {{"message", "Password updated successfully"}});
             });

  router.Add("GET", "/api/v1/validate-token", RouteAccess::Authenticated(),
             [](http::Request& req) -> Result<http::Response> {
               // Written directly (the hottest authenticated route; see JsonObjectWriter), in
               // nlohmann's key order.
               const Principal& p = req.caller();
               http::Response answer;
               answer.body = http::JsonObjectWriter()
                                 .Add("is_superuser", p.is_superuser)
                                 .Add("tenant_id", p.tenant_id)
                                 .Add("user_id", p.user_id)
                                 .Add("username", p.username)
                                 .Add("valid", true)
                                 .Finish();
               return answer;
             },
             http::Execution::kInline);  // answers from the cached token check (docs/http.md)
}

}  // namespace dataml::auth
