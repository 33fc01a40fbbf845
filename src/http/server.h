// The HTTP server: cpp-httplib with our routing, authentication and error conventions.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "http/authenticator.h"
#include "http/router.h"

namespace dataml::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8000;  // 0 picks a free port; Serve() reports the one bound
  int threads = 16;
  size_t max_body_bytes = 1 << 20;     // every body but uploads
  size_t max_upload_bytes = size_t{10} << 30;  // streamed multipart uploads
};

class Server {
 public:
  static Result<std::unique_ptr<Server>> Make(ServerOptions options, const Router& router,
                                              Authenticator& authenticator);
  ~Server();

  // Binds; returns the bound port.
  Result<int> Bind();
  // Serves until Stop(). Blocks.
  Status Listen();
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dataml::http
