// GET /metrics: the server's Prometheus text exposition, for a platform superuser's bearer
// token or the operator's DATAML_METRICS_TOKEN (what a Prometheus scraper is given).
#pragma once

#include <functional>
#include <string>

#include "http/authenticator.h"
#include "http/router.h"

namespace dataml::metrics {

// `render` produces the exposition; `scrape_token` may be empty (superusers only).
void RegisterMetricsRoutes(http::Router& router, http::Authenticator& authenticator, std::string scrape_token,
                           std::function<Result<std::string>()> render);

}  // namespace dataml::metrics
