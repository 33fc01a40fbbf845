#include "modules/metrics/metrics_handlers.h"

#include "core/crypto.h"
#include "http/dispatcher.h"
#include "http/metrics.h"

namespace dataml::metrics {

void RegisterMetricsRoutes(http::Router& router, http::Authenticator& authenticator, std::string scrape_token,
                           std::function<Result<std::string>()> render) {
  // Declared public so that the scrape token, which is no user's, can pass; the handler
  // admits only that token or a superuser.
  router.Add("GET", "/metrics", http::RouteAccess::Public(),
             [&authenticator, scrape_token = std::move(scrape_token), render = std::move(render)](
                 http::Request& req) -> Result<http::Response> {
               std::optional<std::string> token = http::BearerToken(req);
               if (!token) return Status::Unauthenticated("Not authenticated");
               if (scrape_token.empty() || !ConstantTimeEquals(*token, scrape_token)) {
                 DATAML_ASSIGN_OR_RETURN(Principal caller, authenticator.Authenticate(*token));
                 if (!caller.is_superuser) return Status::PermissionDenied("This action requires a platform superuser");
               }
               DATAML_ASSIGN_OR_RETURN(std::string text, render());
               return http::Response::Text(200, http::kMetricsContentType, std::move(text));
             });
}

}  // namespace dataml::metrics
