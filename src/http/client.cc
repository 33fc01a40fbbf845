#include "http/client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/text.h"

namespace dataml::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using ErrorCode = boost::system::error_code;
using Request = bhttp::request<bhttp::string_body>;

constexpr int kHttp11 = 11;
constexpr uint32_t kMaxPort = 65535;

std::string Millis(std::chrono::milliseconds duration) {
  return std::to_string(duration.count()) + " ms";
}

// Runs the operations started on `io` until all have completed. Our handlers never throw; run()
// throws only when the reactor itself fails, and then the connection is dropped.
Status RunAll(asio::io_context& io) {
  try {
    io.restart();
    io.run();
    return Status::OK();
  } catch (const boost::system::system_error& e) {
    return Status::Internal(std::string("HTTP client event loop failed: ") + e.what());
  }
}

// An HTTP token (RFC 9110 tchar): method and header names.
bool IsToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

bool HasSpaceOrControl(std::string_view text) {
  return HasControlCharacters(text) || text.find(' ') != std::string_view::npos;
}

Status ValidateRequest(std::string_view method, std::string_view target,
                       const ClientHeaders& headers, std::string_view content_type) {
  if (!IsToken(method)) {
    return Status::InvalidArgument("invalid HTTP method '" + std::string(method) + "'");
  }
  if (target.empty() || target.front() != '/' || HasSpaceOrControl(target)) {
    return Status::InvalidArgument("invalid request target '" + std::string(target) + "'");
  }
  for (const auto& [name, value] : headers) {
    if (!IsToken(name) || HasControlCharacters(value)) {
      return Status::InvalidArgument("invalid header '" + name + "'");
    }
  }
  if (HasControlCharacters(content_type)) return Status::InvalidArgument("invalid content type");
  return Status::OK();
}

}  // namespace

// One TCP connection with its own event loop, driven synchronously: every operation is started
// asynchronously and run to completion, because only asynchronous operations honour timeouts.
class HttpClient::Connection {
 public:
  struct Exchanged {
    Result<ClientResponse> response = Status::Internal("no exchange");
    // Safe to repeat on a new connection: the server cannot have acted on a request it did not
    // fully receive, and it has not answered.
    bool retryable = false;
    bool reusable = false;  // the connection can carry the next request
  };

  static Result<std::unique_ptr<Connection>> Open(const Endpoint& endpoint,
                                                   const ClientOptions& options) {
    auto connection = std::unique_ptr<Connection>(new Connection());
    ErrorCode ec;
    tcp::resolver resolver(connection->io_);
    auto addresses = resolver.resolve(endpoint.host, endpoint.port, ec);
    if (ec) return Status::Unavailable("cannot resolve " + endpoint.host + ": " + ec.message());
    connection->stream_.expires_after(options.connect_timeout);
    connection->stream_.async_connect(addresses,
                                      [&ec](const ErrorCode& e, const tcp::endpoint&) { ec = e; });
    DATAML_RETURN_NOT_OK(RunAll(connection->io_));
    if (ec == beast::error::timeout) {
      return Status::Unavailable("cannot connect to " + endpoint.host_header + " within " +
                                 Millis(options.connect_timeout));
    }
    if (ec) {
      return Status::Unavailable("cannot connect to " + endpoint.host_header + ": " +
                                 ec.message());
    }
    // Each request goes out in one gathered write; nothing is gained by delaying small ones.
    connection->stream_.socket().set_option(tcp::no_delay(true), ec);
    return connection;
  }

  // True while the server has neither closed the connection nor sent anything unasked, i.e. the
  // connection can carry a request.
  bool Idle() {
    if (buffer_.size() != 0) return false;
    tcp::socket& socket = stream_.socket();
    ErrorCode ec;
    socket.non_blocking(true, ec);
    if (ec) return false;
    char byte = 0;
    socket.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, ec);
    ErrorCode ignored;
    socket.non_blocking(false, ignored);
    return ec == asio::error::would_block;
  }

  Exchanged Exchange(const Request& request, const ClientOptions& options,
                     const std::string& server) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(options.max_response_body_bytes);
    if (request.method() == bhttp::verb::head) parser.skip(true);
    ErrorCode write_ec, read_ec;
    bool write_done = false;
    stream_.expires_after(options.request_timeout);
    // Reading while writing: a server may answer before it has read the whole request (a 413,
    // say) and stop reading; then the answer counts and the rest of the request is dropped.
    bhttp::async_write(stream_, request, [&](const ErrorCode& ec, size_t) {
      write_done = true;
      write_ec = ec;
    });
    bhttp::async_read(stream_, buffer_, parser, [&](const ErrorCode& ec, size_t) {
      read_ec = ec;
      if (!write_done) stream_.close();
    });
    Exchanged out;
    Status ran = RunAll(io_);
    if (!ran.ok()) {
      out.response = ran;
      return out;
    }
    const bool request_sent = !write_ec;
    if (read_ec == bhttp::error::body_limit) {
      out.response = Status::Internal("the response from " + server + " has a body over " +
                                      std::to_string(options.max_response_body_bytes) + " bytes");
      return out;
    }
    if (read_ec == beast::error::timeout) {
      out.response = Status::Unavailable("no response from " + server + " within " +
                                         Millis(options.request_timeout));
      return out;
    }
    if (read_ec) {
      out.retryable = !request_sent && !parser.got_some() && buffer_.size() == 0;
      // The write's error says more when the server went away mid-request.
      const ErrorCode& cause =
          write_ec && write_ec != asio::error::operation_aborted ? write_ec : read_ec;
      out.response = Status::Unavailable("request to " + server + " failed: " + cause.message());
      return out;
    }
    auto message = parser.release();
    ClientResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      response.headers.emplace_back(ToLowerAscii(field.name_string()), std::string(field.value()));
    }
    response.body = std::move(message.body());
    out.reusable = request_sent && message.keep_alive() && buffer_.size() == 0;
    out.response = std::move(response);
    return out;
  }

 private:
  Connection() = default;

  asio::io_context io_{1};
  beast::tcp_stream stream_{io_};
  beast::flat_buffer buffer_;  // bytes read past a response stay here for the next
};

Status ClientOptions::Validate() const {
  if (connect_timeout.count() <= 0) {
    return Status::InvalidArgument("connect_timeout must be positive");
  }
  if (request_timeout.count() <= 0) {
    return Status::InvalidArgument("request_timeout must be positive");
  }
  if (max_response_body_bytes == 0) {
    return Status::InvalidArgument("max_response_body_bytes must be positive");
  }
  return Status::OK();
}

std::optional<std::string_view> ClientResponse::Header(std::string_view lower_case_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_case_name) return value;
  }
  return std::nullopt;
}

Result<HttpClient::Endpoint> HttpClient::ParseBaseUrl(std::string_view url) {
  auto invalid = [&](std::string_view why) {
    return Status::InvalidArgument("invalid server URL '" + std::string(url) + "': " +
                                   std::string(why));
  };
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return invalid("expected http://host[:port][/prefix]");
  const std::string scheme = ToLowerAscii(url.substr(0, scheme_end));
  if (scheme == "https") return invalid("https is not supported, only plain http");
  if (scheme != "http") return invalid("the scheme must be http");
  std::string_view rest = url.substr(scheme_end + 3);
  const size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  const std::string_view authority = rest.substr(0, authority_end);
  std::string_view path = rest.substr(authority_end);
  if (path.find_first_of("?#") != std::string_view::npos) return invalid("no query or fragment");
  if (HasSpaceOrControl(url)) return invalid("spaces or control characters");
  if (authority.find('@') != std::string_view::npos) return invalid("no user information");

  Endpoint endpoint;
  std::optional<std::string_view> port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return invalid("unclosed '[' in the host");
    endpoint.host = authority.substr(1, close - 1);
    ErrorCode ec;
    asio::ip::make_address_v6(endpoint.host, ec);
    if (ec) return invalid("a bracketed host must be an IPv6 address");
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return invalid("junk after the IPv6 address");
    if (!after.empty()) port = after.substr(1);
  } else {
    const size_t colon = authority.find(':');
    endpoint.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    if (port && port->find(':') != std::string_view::npos) {
      return invalid("IPv6 addresses go in brackets");
    }
  }
  if (endpoint.host.empty()) return invalid("no host");
  endpoint.port = "80";
  if (port) {
    uint32_t number = 0;
    auto [end, error] = std::from_chars(port->data(), port->data() + port->size(), number);
    if (port->empty() || error != std::errc() || end != port->data() + port->size() ||
        number == 0 || number > kMaxPort) {
      return invalid("the port must be a number from 1 to 65535");
    }
    endpoint.port = std::to_string(number);
  }
  endpoint.host_header = authority;
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  endpoint.prefix = path;
  return endpoint;
}

HttpClient::HttpClient(std::string base_url, Endpoint endpoint, ClientOptions options)
    : base_url_(std::move(base_url)), endpoint_(std::move(endpoint)), options_(options) {}

HttpClient::~HttpClient() = default;

Result<std::unique_ptr<HttpClient>> HttpClient::Make(std::string base_url, ClientOptions options) {
  DATAML_RETURN_NOT_OK(options.Validate());
  DATAML_ASSIGN_OR_RETURN(Endpoint endpoint, ParseBaseUrl(base_url));
  return std::unique_ptr<HttpClient>(
      new HttpClient(std::move(base_url), std::move(endpoint), options));
}

Result<ClientResponse> HttpClient::Send(std::string_view method, std::string_view target,
                                        const ClientHeaders& headers, std::string_view body,
                                        std::string_view content_type) {
  DATAML_RETURN_NOT_OK(ValidateRequest(method, target, headers, content_type));
  Request request;
  request.version(kHttp11);
  request.method_string(method);
  request.target(endpoint_.prefix + std::string(target));
  request.set(bhttp::field::host, endpoint_.host_header);
  request.set(bhttp::field::user_agent, "dataml");
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!content_type.empty()) request.set(bhttp::field::content_type, content_type);
  request.body() = body;
  request.prepare_payload();

  // A kept connection may have been closed by the server while idle; then, and when it breaks
  // before the server has the whole request, one new connection is worth a try.
  if (connection_ && !connection_->Idle()) connection_.reset();
  const bool reused = connection_ != nullptr;
  if (!reused) {
    DATAML_ASSIGN_OR_RETURN(connection_, Connection::Open(endpoint_, options_));
  }
  Connection::Exchanged exchanged = connection_->Exchange(request, options_, endpoint_.host_header);
  if (reused && exchanged.retryable) {
    connection_.reset();
    DATAML_ASSIGN_OR_RETURN(connection_, Connection::Open(endpoint_, options_));
    exchanged = connection_->Exchange(request, options_, endpoint_.host_header);
  }
  if (!exchanged.reusable) connection_.reset();
  return std::move(exchanged.response);
}

}  // namespace dataml::http
