// The worker's side of the job protocol: fetch the job's spec, post its outcome. Every call
// carries the job token in the X-Job-Token header.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "core/result.h"
#include "http/client.h"

namespace dataml::worker {

inline constexpr const char* kJobTokenHeader = "X-Job-Token";

struct JobSpec {
  int64_t id = 0;
  std::string kind;
  nlohmann::json payload;
};

// Calls share one keep-alive connection, so one thread at a time.
class JobClient {
 public:
  // server_url: e.g. http://127.0.0.1:8000
  JobClient(std::string server_url, int64_t job_id, std::string token)
      : server_url_(std::move(server_url)), job_id_(job_id), token_(std::move(token)) {}

  Result<JobSpec> FetchSpec() const;
  // PayloadTooLarge when the server refuses a result this big.
  Status ReportResult(const nlohmann::json& result) const;
  Status ReportError(const std::string& message) const;
  // Posts `body` to a module's own callback (e.g. /api/v1/train/result), which finishes the job
  // itself; PayloadTooLarge as for ReportResult.
  Status PostCallback(const std::string& path, const nlohmann::json& body) const;

  // A job on several workers meets at rank 0's tracker: rank 0 posts where it listens, the others
  // fetch it (NotFound until rank 0 has posted).
  Status PostRendezvous(const std::string& host, uint16_t port) const;
  Result<std::pair<std::string, uint16_t>> FetchRendezvous() const;
  // The address of this machine on its way to the server: where workers on other machines, which
  // reach the same server, can reach it.
  Result<std::string> LocalAddress() const;

 private:
  Result<std::string> Call(const std::string& method, const std::string& path,
                           const std::string& body) const;
  std::string Path(const char* leaf) const;

  std::string server_url_;
  int64_t job_id_;
  std::string token_;
  // Made at the first call, which reports a bad URL; a cache, hence mutable.
  mutable std::unique_ptr<http::HttpClient> http_;
};

}  // namespace dataml::worker
