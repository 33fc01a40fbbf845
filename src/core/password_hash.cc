#include "core/password_hash.h"

#include <sodium.h>

#include <mutex>

namespace dataml {

Result<std::string> HashPassword(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Internal("password hashing ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  std::string terminated(hash);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

void BurnPasswordVerification(std::string_view password) {
  static std::once_flag once;
  static std::string dummy_hash;
  std::call_once(once, [] {
    auto hashed = HashPassword("dataml-timing-equaliser");
    dummy_hash = hashed.ok() ? *hashed : std::string();
  });
  (void)VerifyPassword(dummy_hash, password);
}

}  // namespace dataml
