// Argon2id password hashing (libsodium crypto_pwhash, "interactive" cost).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace dataml {

// The PHC-format hash string ("$argon2id$v=19$m=...").
Result<std::string> HashPassword(std::string_view password);
// True when `password` matches `hash`; false for a mismatch or a malformed hash.
bool VerifyPassword(std::string_view hash, std::string_view password);
// Spends the same time as a real verification, so that an unknown user name cannot be told
// from a wrong password by timing.
void BurnPasswordVerification(std::string_view password);

}  // namespace dataml
