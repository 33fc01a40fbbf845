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

#include "http/dispatcher.h"

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

// Ends the connection after this response, because its request body was not (fully) read:
// kept open, the unread bytes would be parsed as the next request (request smuggling).
// cpp-httplib 0.11 (Debian 12) closes a keep-alive connection only when the request asks or
// when writing the response fails, so the body is sent through a content provider that reports
// failure once every byte is out.
void CloseAfterResponse(httplib::Response& res) {
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

RequestHead HeadOf(const httplib::Request& req, std::string& target) {
  target = req.target.empty() ? req.path : req.target;
  RequestHead head{req.method, target, std::nullopt, req.has_header("Transfer-Encoding")};
  if (req.has_header("Content-Length")) {
    try {
      head.content_length = std::stoull(req.get_header_value("Content-Length"));
    } catch (const std::exception&) {
      // httplib itself answers 400 for a malformed length
    }
  }
  return head;
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  ListeningServer server;
  std::unique_ptr<Dispatcher> dispatcher;
  std::atomic<int> waiting_connections{0};  // accepted, not yet served by a worker
  int bound_port = -1;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::Make(ServerOptions options, const Router& router,
                                             Authenticator& authenticator) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->dispatcher = std::make_unique<Dispatcher>(
      router, authenticator, DispatcherLimits{options.max_body_bytes, options.max_upload_bytes});
  httplib::Server& svr = impl->server;
  // Without TCP_NODELAY every small response waits ~40 ms on Nagle's algorithm.
  svr.set_tcp_nodelay(true);
  const int threads = options.threads;
  std::atomic<int>* waiting = &impl->waiting_connections;
  svr.new_task_queue = [threads, waiting] {
    return new ConnectionQueue(static_cast<size_t>(threads), *waiting);
  };
  // The dispatcher enforces each route's own limit from the head; this is httplib's backstop.
  svr.set_payload_max_length(std::max(options.max_body_bytes, options.max_upload_bytes));
  svr.set_keep_alive_max_count(kKeepAliveMaxRequests);
  svr.set_read_timeout(30, 0);
  svr.set_write_timeout(30, 0);

  const Dispatcher& dispatcher = *impl->dispatcher;
  // Every request goes through one catch-all handler per method; the dispatcher routes it.
  auto dispatch = [&dispatcher, waiting](const httplib::Request& req, httplib::Response& res,
                                         const httplib::ContentReader* reader) {
    ++requests_on_connection;
    std::string target;
    Admission admission = dispatcher.Admit(HeadOf(req, target));
    if (admission.refusal) {
      Send(res, *admission.refusal);
      if (reader != nullptr) CloseAfterResponse(res);
      return;
    }
    Request request;
    request.method = req.method;
    for (const auto& [k, v] : req.headers) request.headers[LowerAscii(k)] = v;
    request.remote_addr = req.remote_addr;
    Dispatcher::Prepare(admission, request);
    bool body_read = true;  // completely, to the end of the body
    size_t received = 0;
    bool too_large = false;
    if (reader != nullptr && !admission.streaming) {
      body_read = (*reader)([&](const char* bytes, size_t length) {
        received += length;
        if (received > admission.body_limit) too_large = true;
        if (!too_large) request.body.append(bytes, length);
        return !too_large;
      });
    } else if (reader != nullptr) {
      body_read = false;
      const size_t limit = admission.body_limit;
      request.read_multipart = [&, reader, limit](const PartStart& start, const PartData& data) {
        if (!req.is_multipart_form_data()) return false;
        body_read = (*reader)(
            [&start, &too_large](const httplib::MultipartFormData& part) {
              return too_large || start({part.name, part.filename, part.content_type});
            },
            [&](const char* bytes, size_t length) {
              // Chunked bodies carry no Content-Length for the head's check: count here. Past
              // the limit the rest is read and dropped, which keeps the connection in step.
              received += length;
              if (received > limit) too_large = true;
              return too_large || data(bytes, length);
            });
        return body_read && !too_large;
      };
    } else {
      request.body = req.body;
    }
    Response response = too_large ? Response() : dispatcher.Handle(admission, request);
    // Over the limit before the handler ran (a buffered body), or while it streamed (an upload).
    if (too_large) {
      response = Response::Error(Status::PayloadTooLarge("Request body is larger than the limit of " +
                                                         std::to_string(admission.body_limit) + " bytes"));
    }
    Send(res, response);
    // A body left unread (a refused upload) would be parsed as the next request on this
    // keep-alive connection: close it instead of reading gigabytes for nothing.
    if (!body_read) {
      CloseAfterResponse(res);
    } else if (requests_on_connection >= kFairShareRequests && response.file_path.empty() &&
               waiting->load(std::memory_order_relaxed) > 0) {
      CloseAfterResponse(res);  // let a waiting connection have this worker
    }
  };
  auto plain = [dispatch](const httplib::Request& req, httplib::Response& res) { dispatch(req, res, nullptr); };
  auto with_body = [dispatch](const httplib::Request& req, httplib::Response& res,
                              const httplib::ContentReader& reader) { dispatch(req, res, &reader); };
  svr.Get(".*", plain);
  svr.Post(".*", with_body);
  svr.Put(".*", with_body);
  svr.Patch(".*", with_body);
  svr.Delete(".*", plain);

  // RFC 9112 6.3: a request with neither Content-Length nor Transfer-Encoding has an empty
  // body. httplib 0.11 answers such a POST (e.g. `curl -X POST` with no data, as in the API
  // document's samples) with 400, so we state the length it implies before it reads the body.
  Impl* raw = impl.get();
  svr.set_pre_routing_handler([raw](const httplib::Request& req, httplib::Response& res) {
    if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
      const_cast<httplib::Request&>(req).headers.emplace("Content-Length", "0");
    }
    std::string target;
    Admission admission = raw->dispatcher->Admit(HeadOf(req, target));
    if (!admission.refusal) return httplib::Server::HandlerResponse::Unhandled;
    Send(res, *admission.refusal);
    CloseAfterResponse(res);
    return httplib::Server::HandlerResponse::Handled;
  });

  svr.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    // A body already set, or streamed by CloseAfterResponse (which marks the response with
    // Connection: close), is the real answer.
    if (!res.body.empty() || res.get_header_value("Connection") == "close") return;
    if (res.status == 413) {
      return Send(res, Response::Json(413, {{"detail", "Request body is larger than the limit"}}));
    }
    const char* detail = res.status >= 500 ? "Internal Server Error"
                         : res.status == 404 ? "Not Found"
                         : res.status == 405 ? "Method Not Allowed"
                                             : "Bad Request";
    Send(res, Response::Json(res.status, {{"detail", detail}}));
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
