// The part of Ray's Jobs REST API (the dashboard's /api/jobs/, Ray 2.x) that the ray job backend
// uses: submit an entrypoint, read a submission's state, stop it, read its logs. Plain HTTP
// through http::HttpClient, no Python; a token, when the cluster has authentication on, goes as
// `Authorization: Bearer`.
//
// Ray answers errors as text, not JSON. They are mapped to our codes so that the backend can tell
// what to retry: Unavailable (unreachable, or "No available agent": retry later), Unauthenticated
// (the token is refused), NotFound (no such submission: a head that restarted forgot it),
// AlreadyExists (the submission id was taken: an earlier try got through), InvalidArgument (Ray
// refused the request itself), Internal (anything else).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "http/client.h"

namespace dataml::jobs {

// A submission's state, as Ray words it.
namespace ray_status {
inline constexpr const char* kPending = "PENDING";
inline constexpr const char* kRunning = "RUNNING";
inline constexpr const char* kStopped = "STOPPED";
inline constexpr const char* kSucceeded = "SUCCEEDED";
inline constexpr const char* kFailed = "FAILED";
}  // namespace ray_status

// Whether Ray will change this state no more.
bool IsTerminalRayStatus(const std::string& status);

struct RaySubmission {
  std::string submission_id;
  std::string entrypoint;                        // run by /bin/sh on a node
  std::map<std::string, std::string> env_vars;   // runtime_env.env_vars (Ray's API shows them)
  double entrypoint_num_cpus = 1;                // reserved for the entrypoint
  std::map<std::string, std::string> metadata;
};

struct RayJobInfo {
  std::string status;                   // ray_status
  std::optional<std::string> message;   // Ray's explanation; for a failed job, often the log's tail
  std::optional<int64_t> driver_exit_code;
};

class RayJobsClient {
 public:
  // `address`: the dashboard's URL, e.g. http://127.0.0.1:8265 (InvalidArgument otherwise).
  static Result<std::unique_ptr<RayJobsClient>> Make(const std::string& address, std::optional<std::string> token,
                                                     http::ClientOptions options = http::ClientOptions::Defaults());

  // The cluster's Ray version; the cheapest call that proves it answers and takes the token.
  Result<std::string> Version();
  Status Submit(const RaySubmission& submission);
  Result<RayJobInfo> Info(const std::string& submission_id);
  // Whether Ray stopped it (false: it had already ended).
  Result<bool> Stop(const std::string& submission_id);
  Result<std::string> Logs(const std::string& submission_id);

  const std::string& address() const { return http_->base_url(); }

 private:
  RayJobsClient(std::unique_ptr<http::HttpClient> http, std::optional<std::string> token)
      : http_(std::move(http)), token_(std::move(token)) {}
  // The JSON body of a 200 answer; the mapped error otherwise.
  Result<nlohmann::json> Call(const char* method, const std::string& target, const std::string& body = {});

  std::unique_ptr<http::HttpClient> http_;
  std::optional<std::string> token_;
};

// The mapping of one of Ray's answers to an error (documented above); exposed for tests.
Status RayError(int http_status, const std::string& body);

}  // namespace dataml::jobs
