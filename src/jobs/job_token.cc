#include "jobs/job_token.h"

#include <sodium.h>

#include "core/crypto.h"

namespace dataml::jobs {

std::string JobTokens::Issue(int64_t job_id) const {
  // The prefix separates these MACs from the JWTs signed with the same secret: a JWT's signing
  // input is base64url and dots, never a colon.
  const std::string message = "dataml-job:" + std::to_string(job_id);
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret_.data()),
                              secret_.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
  return hex;
}

bool JobTokens::Verify(int64_t job_id, std::string_view token) const {
  return ConstantTimeEquals(Issue(job_id), token);
}

}  // namespace dataml::jobs
