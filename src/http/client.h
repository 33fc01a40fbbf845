// A small synchronous HTTP/1.1 client (plain HTTP, no TLS) for talking to one server: workers
// calling back to the API server, the server calling a backend's REST API. It keeps one
// keep-alive connection and opens a new one when the server has closed it in between.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace dataml::http {

using ClientHeaders = std::vector<std::pair<std::string, std::string>>;

struct ClientOptions {
  // Resolving the host name is bounded by the system resolver's own timeouts, not by this.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  // From the first byte sent to the last byte of the response.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(120)};
  size_t max_response_body_bytes = size_t{64} << 20;

  static ClientOptions Defaults() { return {}; }
  Status Validate() const;
};

struct ClientResponse {
  int status = 0;
  ClientHeaders headers;  // names lower-cased, in the order received
  std::string body;

  // The first value of the header `lower_case_name`, if the response has it.
  std::optional<std::string_view> Header(std::string_view lower_case_name) const;
};

// Not thread-safe: one request at a time.
class HttpClient {
 public:
  // base_url: http://host[:port][/prefix], host a name, an IPv4 address or a bracketed IPv6
  // address. InvalidArgument for anything else, https included. Does not connect yet.
  static Result<std::unique_ptr<HttpClient>> Make(
      std::string base_url, ClientOptions options = ClientOptions::Defaults());
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `method` to the base URL's prefix + `target` (which starts with '/') and returns the
  // server's answer, whatever its status. Unavailable when the server cannot be reached or does
  // not answer in time, Internal for a response body over the limit, InvalidArgument for a
  // malformed method, target or header. An empty content_type sends no Content-Type.
  Result<ClientResponse> Send(std::string_view method, std::string_view target,
                              const ClientHeaders& headers, std::string_view body = {},
                              std::string_view content_type = {});

  const std::string& base_url() const { return base_url_; }

 private:
  class Connection;
  struct Endpoint {
    std::string host;         // without brackets: what the resolver takes
    std::string port;         // digits
    std::string host_header;  // host[:port] as the URL spelled it
    std::string prefix;       // "" or "/something", without a trailing '/'
  };
  HttpClient(std::string base_url, Endpoint endpoint, ClientOptions options);
  static Result<Endpoint> ParseBaseUrl(std::string_view url);

  std::string base_url_;
  Endpoint endpoint_;
  ClientOptions options_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace dataml::http
