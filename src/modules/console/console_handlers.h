// The web console, served from memory at the API's own origin: GET / (index.html), GET
// /assets/{asset} (hashed, immutable bundles), and the router's fallback, which serves the build's
// other files (/favicon.svg, /index.html) and answers a browser's navigation to one of the
// console's client-side routes (/datasets/42) with index.html. docs/console.md.
#pragma once

#include <memory>
#include <string_view>

#include "http/router.h"
#include "modules/console/console_assets.h"

namespace dataml::console {

// `assets` null: the console is not built; / then answers 404 and says so.
void RegisterConsoleRoutes(http::Router& router, std::shared_ptr<const ConsoleAssets> assets);

// Whether an unmatched GET or HEAD is the console's: a file of its build outside assets/, or a
// page a browser navigates to (Accept names text/html) outside the server's own prefixes
// (/api, /docs, /openapi.json, /metrics, /assets). `assets` may be null.
bool IsConsoleRequest(const ConsoleAssets* assets, std::string_view path, std::string_view accept);

}  // namespace dataml::console
