#include "worker/job_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

namespace dataml::worker {
namespace {

constexpr int kAttempts = 3;  // transport failures only: an HTTP answer is final
constexpr std::chrono::seconds kRetryDelay{1};
constexpr std::chrono::seconds kConnectTimeout{10};
constexpr std::chrono::seconds kRequestTimeout{120};

// A JSON answer's "detail", else the raw body.
std::string Detail(const std::string& body) {
  try {
    auto json = nlohmann::json::parse(body);
    if (json.is_object() && json.contains("detail")) {
      return json["detail"].is_string() ? json["detail"].get<std::string>() : json["detail"].dump();
    }
  } catch (const nlohmann::json::exception&) {
  }
  return body;
}

Status FromHttpStatus(int status, const std::string& body) {
  std::string message = "server answered " + std::to_string(status) + ": " + Detail(body);
  switch (status) {
    case 401:
      return Status::Unauthenticated(message);
    case 404:
      return Status::NotFound(message);
    case 409:
      return Status::FailedPrecondition(message);
    case 413:
      return Status::PayloadTooLarge(message);
    case 422:
      return Status::InvalidArgument(message);
    default:
      return Status::Unavailable(message);
  }
}

// Dumps without throwing on invalid UTF-8 (a file name in a message, say): bad bytes become U+FFFD.
std::string SafeDump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string JobClient::Path(const char* leaf) const {
  return "/api/v1/jobs/" + std::to_string(job_id_) + "/" + leaf;
}

Result<std::string> JobClient::Call(const std::string& method, const std::string& path,
                                    const std::string& body) const {
  if (!http_) {
    http::ClientOptions options = http::ClientOptions::Defaults();
    options.connect_timeout = kConnectTimeout;
    options.request_timeout = kRequestTimeout;
    DATAML_ASSIGN_OR_RETURN(http_, http::HttpClient::Make(server_url_, options));
  }
  const http::ClientHeaders headers = {{kJobTokenHeader, token_}};
  const std::string content_type = method == "GET" ? "" : "application/json";
  Status failure;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    auto response = http_->Send(method, path, headers, body, content_type);
    if (response.ok()) {
      if (response->status == 200) return std::move(response->body);
      return FromHttpStatus(response->status, response->body);
    }
    failure = response.status();
    if (failure.code() != StatusCode::kUnavailable) return failure;  // not a transport failure
    spdlog::warn("{} {}{} failed ({}), attempt {} of {}", method, server_url_, path,
                 failure.message(), attempt, kAttempts);
    if (attempt < kAttempts) std::this_thread::sleep_for(kRetryDelay);
  }
  return Status::Unavailable("cannot reach the server at " + server_url_ + ": " +
                             failure.message());
}

Result<JobSpec> JobClient::FetchSpec() const {
  DATAML_ASSIGN_OR_RETURN(std::string body, Call("GET", Path("spec"), ""));
  try {
    auto json = nlohmann::json::parse(body);
    JobSpec spec;
    spec.id = json.at("id").get<int64_t>();
    spec.kind = json.at("kind").get<std::string>();
    spec.payload = json.at("payload");
    return spec;
  } catch (const nlohmann::json::exception& e) {
    return Status::Internal(std::string("malformed job spec from the server: ") + e.what());
  }
}

Status JobClient::ReportResult(const nlohmann::json& result) const {
  return Call("POST", Path("result"), SafeDump({{"result", result}})).status();
}

Status JobClient::PostCallback(const std::string& path, const nlohmann::json& body) const {
  return Call("POST", path, SafeDump(body)).status();
}

Status JobClient::PostRendezvous(const std::string& host, uint16_t port) const {
  return Call("PUT", Path("rendezvous"), SafeDump({{"host", host}, {"port", port}})).status();
}

Result<std::pair<std::string, uint16_t>> JobClient::FetchRendezvous() const {
  DATAML_ASSIGN_OR_RETURN(std::string body, Call("GET", Path("rendezvous"), ""));
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object() || !json.contains("host") || !json["host"].is_string() || !json.contains("port") ||
      !json["port"].is_number_integer()) {
    return Status::Internal("malformed rendezvous from the server: " + body.substr(0, 200));
  }
  return std::make_pair(json["host"].get<std::string>(), json["port"].get<uint16_t>());
}

Result<std::string> JobClient::LocalAddress() const {
  auto url = boost::urls::parse_uri(server_url_);
  if (!url) return Status::InvalidArgument("bad server URL '" + server_url_ + "'");
  const std::string port = url->has_port() ? std::string(url->port()) : (url->scheme() == "https" ? "443" : "80");
  // A UDP "connection" sends nothing: it only asks the kernel which address routes to the server.
  boost::asio::io_context io;
  boost::system::error_code ec;
  boost::asio::ip::udp::resolver resolver(io);
  auto endpoints = resolver.resolve(std::string(url->host_address()), port, ec);  // an IPv6 host without brackets
  if (ec || endpoints.empty()) return Status::Unavailable("cannot resolve the server's host: " + ec.message());
  boost::asio::ip::udp::socket socket(io);
  socket.connect(*endpoints.begin(), ec);
  if (ec) return Status::Unavailable("no route to the server: " + ec.message());
  auto local = socket.local_endpoint(ec);
  if (ec) return Status::Unavailable("cannot read this machine's address: " + ec.message());
  return local.address().to_string();
}

Status JobClient::ReportError(const std::string& message) const {
  return Call("POST", Path("result"), SafeDump({{"error", message}})).status();
}

}  // namespace dataml::worker
