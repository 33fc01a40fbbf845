#include "http/server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <regex>

namespace dataml::http {
namespace {

std::string LowerAscii(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

void Send(httplib::Response& out, const Response& in) {
  out.status = in.status;
  for (const auto& [name, value] : in.headers) out.set_header(name, value);
  out.set_content(in.body, in.content_type);
}

// "Bearer <token>" (scheme case-insensitive, as RFC 6750 allows) -> token.
std::optional<std::string> BearerToken(const httplib::Request& req) {
  if (!req.has_header("Authorization")) return std::nullopt;
  std::string value = req.get_header_value("Authorization");
  if (value.size() < 7 || LowerAscii(value.substr(0, 7)) != "bearer ") return std::nullopt;
  std::string token = value.substr(7);
  token.erase(0, token.find_first_not_of(' '));
  if (token.empty()) return std::nullopt;
  return token;
}

Request ToRequest(const httplib::Request& req, const std::vector<std::string>& names) {
  Request r;
  r.method = req.method;
  r.path = req.path;
  for (size_t i = 0; i < names.size() && i + 1 < req.matches.size(); ++i) {
    r.path_params[names[i]] = req.matches[i + 1].str();
  }
  for (const auto& [k, v] : req.params) r.query.emplace(k, v);
  for (const auto& [k, v] : req.headers) r.headers[LowerAscii(k)] = v;
  r.body = req.body;
  r.remote_addr = req.remote_addr;
  std::string content_type = LowerAscii(req.get_header_value("Content-Type"));
  if (content_type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    httplib::Params form;
    httplib::detail::parse_query_text(req.body, form);
    for (const auto& [k, v] : form) r.form.emplace(k, v);
  }
  return r;
}

struct CompiledRoute {
  std::string method;
  std::regex pattern;
};

}  // namespace

struct Server::Impl {
  ServerOptions options;
  httplib::Server server;
  std::vector<CompiledRoute> compiled;
  int bound_port = -1;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::Make(ServerOptions options, const Router& router,
                                             Authenticator& authenticator) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  httplib::Server& svr = impl->server;
  // Without TCP_NODELAY every small response waits ~40 ms on Nagle's algorithm.
  svr.set_tcp_nodelay(true);
  const int threads = options.threads;
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  svr.set_payload_max_length(options.max_body_bytes);
  svr.set_keep_alive_max_count(1000);
  svr.set_read_timeout(30, 0);
  svr.set_write_timeout(30, 0);

  for (const Route& route : router.routes()) {
    std::vector<std::string> names;
    std::string regex = PathTemplateToRegex(route.path_template, names);
    impl->compiled.push_back({route.method, std::regex(regex)});
    auto handler = [&authenticator, route, names](const httplib::Request& req,
                                                  httplib::Response& res) {
      Request request = ToRequest(req, names);
      if (route.access.kind != Access::kPublic) {
        auto token = BearerToken(req);
        if (!token) return Send(res, Response::Error(Status::Unauthenticated("Not authenticated")));
        Result<Principal> principal = authenticator.Authenticate(*token);
        if (!principal.ok()) return Send(res, Response::Error(principal.status()));
        if (route.access.kind == Access::kSuperuser && !principal->is_superuser) {
          return Send(res, Response::Error(
                               Status::PermissionDenied("This action requires a platform superuser")));
        }
        if (route.access.kind == Access::kPermission) {
          Status allowed = authenticator.Authorize(*principal, route.access.permission);
          if (!allowed.ok()) return Send(res, Response::Error(allowed));
        }
        request.principal = std::move(principal).ValueOrDie();
      }
      Result<Response> response = route.handler(request);
      Send(res, response.ok() ? *response : Response::Error(response.status()));
    };
    if (route.method == "GET") svr.Get(regex, handler);
    else if (route.method == "POST") svr.Post(regex, handler);
    else if (route.method == "PUT") svr.Put(regex, handler);
    else if (route.method == "PATCH") svr.Patch(regex, handler);
    else if (route.method == "DELETE") svr.Delete(regex, handler);
    else return Status::Internal("unsupported method " + route.method);
  }

  // RFC 9112 6.3: a request with neither Content-Length nor Transfer-Encoding has an empty
  // body. httplib 0.11 answers such a POST (e.g. `curl -X POST` with no data, as in the API
  // document's samples) with 400, so we state the length it implies before it reads the body.
  svr.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
      const_cast<httplib::Request&>(req).headers.emplace("Content-Length", "0");
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  Impl* raw = impl.get();
  svr.set_error_handler([raw](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404) {
      bool path_known = std::any_of(raw->compiled.begin(), raw->compiled.end(),
                                    [&](const CompiledRoute& r) { return std::regex_match(req.path, r.pattern); });
      if (path_known) {
        res.status = 405;
        return Send(res, Response::Json(405, {{"detail", "Method Not Allowed"}}));
      }
      return Send(res, Response::Json(404, {{"detail", "Not Found"}}));
    }
    if (res.status == 413) {
      return Send(res, Response::Json(413, {{"detail", "Request body is larger than the limit of " +
                                                            std::to_string(raw->options.max_body_bytes) +
                                                            " bytes"}}));
    }
    Send(res, Response::Json(res.status, {{"detail", res.status >= 500 ? "Internal Server Error" : "Bad Request"}}));
  });
  svr.set_exception_handler([](const httplib::Request& req, httplib::Response& res,
                               std::exception_ptr ep) {
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      spdlog::error("unhandled exception on {} {}: {}", req.method, req.path, e.what());
    } catch (...) {
      spdlog::error("unhandled non-standard exception on {} {}", req.method, req.path);
    }
    Send(res, Response::Json(500, {{"detail", "Internal Server Error"}}));
  });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Result<int> Server::Bind() {
  if (impl_->options.port == 0) {
    impl_->bound_port = impl_->server.bind_to_any_port(impl_->options.host);
  } else if (impl_->server.bind_to_port(impl_->options.host, impl_->options.port)) {
    impl_->bound_port = impl_->options.port;
  }
  if (impl_->bound_port <= 0) {
    return Status::Unavailable("cannot bind " + impl_->options.host + ":" +
                               std::to_string(impl_->options.port));
  }
  return impl_->bound_port;
}

Status Server::Listen() {
  if (!impl_->server.listen_after_bind()) return Status::Internal("HTTP server stopped with an error");
  return Status::OK();
}

void Server::Stop() { impl_->server.stop(); }

}  // namespace dataml::http
