#include "modules/console/console_handlers.h"

#include <array>
#include <string>
#include <utility>

#include "core/text.h"
#include "http/content_coding.h"

namespace dataml::console {
namespace {

// The console's pages may load only its own scripts, styles, images and fonts, talk only to this
// origin, and be framed by no one.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'";
// Bundles are named by their content's hash, so a name always means the same bytes.
constexpr const char* kImmutable = "public, max-age=31536000, immutable";
// index.html names the current bundles: a browser must ask again before reusing it.
constexpr const char* kRevalidate = "no-cache";
constexpr const char* kHour = "public, max-age=3600";  // favicon.svg and other unhashed files

constexpr const char* kNotBuilt = "The web console is not built (run make build)";

// First path segments that are the server's own, never one of the console's client-side routes.
constexpr std::array<std::string_view, 5> kServerSegments = {"api", "docs", "openapi.json", "metrics",
                                                             "assets"};

// "/datasets/42" -> "datasets/42": the name a file of the build would have.
std::string_view FileName(std::string_view path) {
  size_t start = path.find_first_not_of('/');
  return start == std::string_view::npos ? std::string_view() : path.substr(start);
}

std::string_view FirstSegment(std::string_view path) {
  std::string_view name = FileName(path);
  return name.substr(0, name.find('/'));
}

const char* CachingOf(std::string_view name) {
  if (name == ConsoleAssets::kIndex) return kRevalidate;
  if (name.starts_with(ConsoleAssets::kAssetsFolder) && name.size() > ConsoleAssets::kAssetsFolder.size() &&
      name[ConsoleAssets::kAssetsFolder.size()] == '/') {
    return kImmutable;
  }
  return kHour;
}

http::Response Serve(const ConsoleFile& file, std::string_view name, const http::Request& request) {
  const bool gzip = file.gzip && http::AcceptsCoding(request.Header("accept-encoding").value_or(""), "gzip");
  http::Response response = http::Response::Text(200, file.content_type, gzip ? *file.gzip : file.bytes);
  response.headers.emplace_back("Cache-Control", CachingOf(name));
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (file.gzip) response.headers.emplace_back("Vary", "Accept-Encoding");
  if (gzip) response.headers.emplace_back("Content-Encoding", "gzip");
  if (file.is_html()) {
    response.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
    response.headers.emplace_back("X-Frame-Options", "DENY");
  }
  return response;
}

Result<http::Response> ServeIndex(const ConsoleAssets* assets, const http::Request& request) {
  if (assets == nullptr) return Status::NotFound(kNotBuilt);
  return Serve(assets->index(), ConsoleAssets::kIndex, request);
}

}  // namespace

bool IsConsoleRequest(const ConsoleAssets* assets, std::string_view path, std::string_view accept) {
  std::string_view first = FirstSegment(path);
  for (std::string_view server : kServerSegments) {
    if (first == server) return false;
  }
  if (assets != nullptr && assets->Find(FileName(path)) != nullptr) return true;
  return ToLowerAscii(accept).find("text/html") != std::string::npos;
}

void RegisterConsoleRoutes(http::Router& router, std::shared_ptr<const ConsoleAssets> assets) {
  using http::RouteAccess;
  // Every answer comes from memory in microseconds: inline on the I/O thread (docs/http.md).
  constexpr http::Execution kInline = http::Execution::kInline;
  router.Add("GET", "/", RouteAccess::Public(),
             [assets](http::Request& req) -> Result<http::Response> { return ServeIndex(assets.get(), req); },
             kInline);
  router.Add(
      "GET", "/assets/{asset}", RouteAccess::Public(),
      [assets](http::Request& req) -> Result<http::Response> {
        // Looked up by name among the files loaded at start: "..", "%2e%2e", "\\" or NUL name none.
        std::string name = std::string(ConsoleAssets::kAssetsFolder) + "/" + req.path_params["asset"];
        const ConsoleFile* file = assets ? assets->Find(name) : nullptr;
        if (file == nullptr) return Status::NotFound("Not Found");
        return Serve(*file, name, req);
      },
      kInline);
  router.SetFallback(
      "console",  // the metrics' route label of every page and file the fallback serves
      RouteAccess::Public(),
      [assets](std::string_view path, std::string_view accept) { return IsConsoleRequest(assets.get(), path, accept); },
      [assets](http::Request& req) -> Result<http::Response> {
        std::string_view name = FileName(req.path);
        if (const ConsoleFile* file = assets ? assets->Find(name) : nullptr) return Serve(*file, name, req);
        return ServeIndex(assets.get(), req);  // a client-side route: the console's router shows it
      },
      kInline);
}

}  // namespace dataml::console
