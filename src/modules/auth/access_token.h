// Short-lived access tokens: JWT signed with HS256. The algorithm is pinned when verifying,
// so "alg: none" and every other algorithm are refused.
#pragma once

#include <cstdint>
#include <string>

#include "core/principal.h"
#include "core/result.h"

namespace dataml::auth {

struct AccessClaims {
  int64_t user_id = 0;
  std::string tenant_id;
  std::string username;
  bool is_superuser = false;
  int64_t issued_at = 0;
  int64_t expires_at = 0;
  // The login session (refresh-token family) the token was issued in: logging out of it, or a
  // replayed refresh token ending it, ends its access tokens too. Empty in tokens issued before
  // sessions were named (they live out their short lifetime).
  std::string session_id;
};

class AccessTokenCodec {
 public:
  AccessTokenCodec(std::string secret, int64_t ttl_seconds)
      : secret_(std::move(secret)), ttl_seconds_(ttl_seconds) {}

  std::string Issue(const Principal& principal, int64_t now_unix_seconds, const std::string& session_id = "") const;
  // Unauthenticated with a reason for anything but a well-formed, correctly signed, unexpired
  // access token of ours.
  Result<AccessClaims> Verify(const std::string& token, int64_t now_unix_seconds) const;
  int64_t ttl_seconds() const { return ttl_seconds_; }

 private:
  std::string secret_;
  int64_t ttl_seconds_;
};

}  // namespace dataml::auth
