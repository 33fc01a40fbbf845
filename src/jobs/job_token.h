// Per-job bearer tokens: HMAC-SHA256 over "dataml-job:<id>" keyed by the server's secret. Any
// server sharing the secret can verify a worker's callbacks without storing anything.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace dataml::jobs {

class JobTokens {
 public:
  explicit JobTokens(std::string secret) : secret_(std::move(secret)) {}

  // Lower-case hex, 64 characters.
  std::string Issue(int64_t job_id) const;
  // Constant-time check that `token` is the one issued for `job_id`.
  bool Verify(int64_t job_id, std::string_view token) const;

 private:
  std::string secret_;
};

}  // namespace dataml::jobs
