// The HTTP transport: an event-driven HTTP/1.1 server on Boost.Beast. A few I/O threads (one
// per core by default) own every connection; no thread waits on an idle or slow client. Handlers
// that block (database work, uploads, password hashing) run on a bounded pool; routes marked
// inline (cheap, cache-warm handlers) run on the I/O thread. Everything the API decides —
// routing, limits, authentication, access, errors — is the Dispatcher's; this file only moves
// bytes, keeps time and keeps count.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "http/authenticator.h"
#include "http/router.h"

namespace dataml::http {

class Metrics;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8000;                 // 0 picks a free port; Bind() reports the one bound
  int io_threads = 0;              // 0: one per core
  int threads = 16;                // the pool for blocking handlers
  size_t max_body_bytes = 1 << 20;             // every body but uploads
  size_t max_upload_bytes = size_t{10} << 30;  // streamed multipart uploads
  size_t max_connections = 10000;              // open at once; more are answered 503 and closed
  // Uploads at once (0: half the pool, at least 1). An upload holds a pool thread while its body
  // arrives, so slow uploaders could otherwise take every thread from logins; more get 503.
  int max_uploads = 0;
  std::chrono::seconds header_timeout{10};     // from a request's first byte to its header's end
  std::chrono::seconds idle_timeout{60};       // an idle keep-alive connection is closed after it
  std::chrono::seconds body_timeout{30};       // the longest wait for body bytes or a write
  std::chrono::seconds shutdown_grace{30};     // in-flight requests' time after Stop()
  bool access_log = true;                      // one line per request, logger "access"

  static ServerOptions Defaults() { return {}; }
  Status Validate() const;
};

class Server {
 public:
  // `metrics` may be null (no counting).
  static Result<std::unique_ptr<Server>> Make(ServerOptions options, const Router& router,
                                              Authenticator& authenticator, Metrics* metrics = nullptr);
  ~Server();

  // Binds and listens; returns the bound port.
  Result<int> Bind();
  // Serves until Stop() has drained the connections. Blocks.
  Status Listen();
  // Graceful stop, callable from any thread: stops accepting, closes idle connections, lets
  // in-flight requests finish for up to `shutdown_grace`, then closes the rest.
  void Stop();

  // Requests waiting for a pool thread, for the metrics endpoint.
  size_t PoolQueueDepth() const;

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dataml::http
