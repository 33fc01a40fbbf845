#include "http/server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>

namespace dataml::http {
namespace {

// Connections the kernel queues for accept(). httplib listens with a backlog of 5
// (CPPHTTPLIB_LISTEN_BACKLOG, compiled into Debian's libcpp-httplib): with 32-64 clients
// reconnecting while the workers kept both cores busy the queue overflowed, the kernel dropped
// their SYNs and each waited a second or more for the retransmission. The kernel caps it at
// net.core.somaxconn (4096 by default).
constexpr int kListenBacklog = 4096;

// Each worker serves one keep-alive connection at a time, so a connection beyond the workers'
// number waits until one is closed. Closing after a fixed count (our former 1,000) kept that
// wait bounded, but also made every busy client reconnect many times a second at 10k+ req/s,
// each time through the accept queue. Now a connection gives its worker up only when another
// one is waiting and it has had its fair share of requests (ConnectionQueue); httplib's own
// count is just a backstop.
constexpr size_t kKeepAliveMaxRequests = 1'000'000;
constexpr size_t kFairShareRequests = 1'000;

// Requests served on the connection this worker thread holds; reset by ConnectionQueue.
thread_local size_t requests_on_connection = 0;

// httplib::Server with access to its listening socket (protected), to raise the backlog.
class ListeningServer : public httplib::Server {
 public:
  // Linux lets listen() be called again on a listening socket, changing only its backlog.
  bool RaiseBacklog(int backlog) { return ::listen(svr_sock_, backlog) == 0; }
};

// httplib's pool, counting the connections accepted but not yet taken by a worker (see
// kFairShareRequests). One task is one connection, served until it closes.
class ConnectionQueue : public httplib::TaskQueue {
 public:
  ConnectionQueue(size_t threads, std::atomic<int>& waiting) : pool_(threads), waiting_(waiting) {}

  void enqueue(std::function<void()> fn) override {
    waiting_.fetch_add(1, std::memory_order_relaxed);
    pool_.enqueue([this, fn = std::move(fn)] {
      waiting_.fetch_sub(1, std::memory_order_relaxed);
      requests_on_connection = 0;
      fn();
    });
  }
  void shutdown() override { pool_.shutdown(); }

 private:
  httplib::ThreadPool pool_;
  std::atomic<int>& waiting_;
};

std::string LowerAscii(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

void Send(httplib::Response& out, const Response& in) {
  out.status = in.status;
  for (const auto& [name, value] : in.headers) out.set_header(name, value);
  if (in.file_path.empty()) {
    out.set_content(in.body, in.content_type);
    return;
  }
  // Stream the file in chunks: memory stays flat whatever its size.
  auto file = std::make_shared<std::ifstream>(in.file_path, std::ios::binary);
  std::error_code ec;
  auto size = std::filesystem::file_size(in.file_path, ec);
  if (!*file || ec) {
    out.status = 404;
    out.set_content(R"({"detail":"File not found"})", "application/json");
    return;
  }
  out.set_content_provider(
      static_cast<size_t>(size), in.content_type,
      [file](size_t offset, size_t length, httplib::DataSink& sink) {
        std::vector<char> buffer(std::min<size_t>(length, 1 << 20));
        file->seekg(static_cast<std::streamoff>(offset));
        file->read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        std::streamsize got = file->gcount();
        if (got <= 0) return false;
        return sink.write(buffer.data(), static_cast<size_t>(got));
      });
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

// Ends the connection after this response, because its request body was not (fully) read:
// kept open, the unread bytes would be parsed as the next request (request smuggling).
// cpp-httplib 0.11 (Debian 12) closes a keep-alive connection only when the request asks or
// when writing the response fails, so the body is sent through a content provider that reports
// failure once every byte is out.
void CloseAfterResponse(const httplib::Request&, httplib::Response& res) {
  res.set_header("Connection", "close");
  auto body = std::make_shared<std::string>(std::move(res.body));
  std::string content_type = res.get_header_value("Content-Type");
  res.body.clear();
  res.headers.erase("Content-Type");
  res.set_content_provider(body->size(), content_type,
                           [body](size_t offset, size_t length, httplib::DataSink& sink) {
                             sink.write(body->data() + offset, length);
                             return false;
                           });
}

struct CompiledRoute {
  std::string method;
  std::regex pattern;
};

}  // namespace

struct Server::Impl {
  ServerOptions options;
  ListeningServer server;
  std::vector<CompiledRoute> compiled;
  std::vector<std::regex> streaming;  // upload routes, which may exceed max_body_bytes
  std::atomic<int> waiting_connections{0};  // accepted, not yet served by a worker
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
  std::atomic<int>* waiting = &impl->waiting_connections;
  svr.new_task_queue = [threads, waiting] {
    return new ConnectionQueue(static_cast<size_t>(threads), *waiting);
  };
  // httplib has one limit for every body; uploads need the larger one, so the smaller limit of
  // ordinary bodies is enforced from Content-Length before the body is read (pre-routing below).
  svr.set_payload_max_length(std::max(options.max_body_bytes, options.max_upload_bytes));
  svr.set_keep_alive_max_count(kKeepAliveMaxRequests);
  svr.set_read_timeout(30, 0);
  svr.set_write_timeout(30, 0);

  for (const Route& route : router.routes()) {
    std::vector<std::string> names;
    std::string regex = PathTemplateToRegex(route.path_template, names);
    impl->compiled.push_back({route.method, std::regex(regex)});
    const size_t max_upload_bytes = options.max_upload_bytes;
    auto dispatch = [&authenticator, route, names, max_upload_bytes, waiting](
                        const httplib::Request& req, httplib::Response& res,
                        const httplib::ContentReader* reader) {
      ++requests_on_connection;
      Request request = ToRequest(req, names);
      if (route.access.kind != Access::kPublic) {
        auto token = BearerToken(req);
        Status refused = Status::OK();
        Result<Principal> principal = Status::Unauthenticated("Not authenticated");
        if (token) principal = authenticator.Authenticate(*token);
        if (!principal.ok()) {
          refused = principal.status();
        } else if (route.access.kind == Access::kSuperuser && !principal->is_superuser) {
          refused = Status::PermissionDenied("This action requires a platform superuser");
        } else if (route.access.kind == Access::kPermission) {
          refused = authenticator.Authorize(*principal, route.access.permission);
        }
        if (!refused.ok()) {
          Send(res, Response::Error(refused));
          if (reader != nullptr) CloseAfterResponse(req, res);
          return;
        }
        request.principal = std::move(principal).ValueOrDie();
      }
      bool body_read = reader == nullptr;  // completely, to the end of the body
      size_t received = 0;
      bool too_large = false;
      if (reader != nullptr) {
        // Only reached after authentication: an anonymous upload is refused unread.
        request.read_multipart = [&, reader](const PartStart& start, const PartData& data) {
          if (!req.is_multipart_form_data()) return false;
          body_read = (*reader)(
              [&start, &too_large](const httplib::MultipartFormData& part) {
                return too_large || start({part.name, part.filename, part.content_type});
              },
              [&](const char* bytes, size_t length) {
                // Chunked bodies carry no Content-Length for the pre-routing check: count here.
                // Past the limit the rest is read and dropped, which keeps the connection in
                // step (cpp-httplib 0.11 cannot be told to close it).
                received += length;
                if (received > max_upload_bytes) too_large = true;
                return too_large || data(bytes, length);
              });
          return body_read && !too_large;
        };
      }
      Result<Response> response = route.handler(request);
      if (too_large) {
        response = Status::PayloadTooLarge("Request body is larger than the limit of " +
                                           std::to_string(max_upload_bytes) + " bytes");
      }
      if (!response.ok()) response = Response::Error(response.status());
      Send(res, *response);
      // A body left unread (a refused upload) would be parsed as the next request on this
      // keep-alive connection: close it instead of reading gigabytes for nothing.
      if (!body_read) {
        CloseAfterResponse(req, res);
      } else if (requests_on_connection >= kFairShareRequests && response->file_path.empty() &&
                 waiting->load(std::memory_order_relaxed) > 0) {
        CloseAfterResponse(req, res);  // let a waiting connection have this worker
      }
    };
    if (route.streaming_body) {
      impl->streaming.push_back(std::regex(regex));
      svr.Post(regex, [dispatch](const httplib::Request& req, httplib::Response& res,
                                 const httplib::ContentReader& reader) { dispatch(req, res, &reader); });
      continue;
    }
    auto handler = [dispatch](const httplib::Request& req, httplib::Response& res) {
      dispatch(req, res, nullptr);
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
  Impl* raw = impl.get();
  svr.set_pre_routing_handler([raw](const httplib::Request& req, httplib::Response& res) {
    if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
      const_cast<httplib::Request&>(req).headers.emplace("Content-Length", "0");
    }
    size_t length = 0;
    try {
      length = std::stoull(req.get_header_value("Content-Length"));
    } catch (const std::exception&) {
      length = 0;  // httplib itself answers 400 for a malformed length
    }
    bool upload = req.method == "POST" &&
                  std::any_of(raw->streaming.begin(), raw->streaming.end(),
                              [&](const std::regex& r) { return std::regex_match(req.path, r); });
    size_t limit = upload ? raw->options.max_upload_bytes : raw->options.max_body_bytes;
    if (length > limit) {
      Send(res, Response::Json(413, {{"detail", "Request body is larger than the limit of " +
                                                    std::to_string(limit) + " bytes"}}));
      CloseAfterResponse(req, res);
      return httplib::Server::HandlerResponse::Handled;
    }
    // httplib 0.11 applies no size limit to chunked bodies it buffers: only uploads, which count
    // their bytes as they stream, may be chunked.
    if (!upload && req.has_header("Transfer-Encoding")) {
      Send(res, Response::Json(411, {{"detail", "Send this request with a Content-Length (chunked bodies are accepted only for uploads)"}}));
      CloseAfterResponse(req, res);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  svr.set_error_handler([raw](const httplib::Request& req, httplib::Response& res) {
    // A body already set, or streamed by CloseAfterResponse (which marks the response with
    // Connection: close), is the real answer.
    if (!res.body.empty() || res.get_header_value("Connection") == "close") return;
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
      return Send(res, Response::Json(413, {{"detail", "Request body is larger than the limit"}}));
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
  if (!impl_->server.RaiseBacklog(kListenBacklog)) {
    // Still serves, with httplib's backlog of 5: worth knowing when connections stall.
    spdlog::warn("cannot raise the listen backlog to {}: {}", kListenBacklog, std::strerror(errno));
  }
  return impl_->bound_port;
}

Status Server::Listen() {
  if (!impl_->server.listen_after_bind()) return Status::Internal("HTTP server stopped with an error");
  return Status::OK();
}

void Server::Stop() { impl_->server.stop(); }

}  // namespace dataml::http
