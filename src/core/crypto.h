// Randomness and hashing from libsodium, the only source of secrets in the server.
#pragma once

#include <string>
#include <string_view>

namespace dataml {

// Must be called once before any other function here (sodium_init).
bool InitCrypto();
// `bytes` random bytes, URL-safe base64 without padding.
std::string RandomToken(size_t bytes);
// A random (version 4) UUID in canonical text form.
std::string RandomUuid();
// Hex SHA-256, used to store bearer secrets (refresh tokens) without keeping them.
std::string Sha256Hex(std::string_view data);
// Constant-time comparison of two strings of possibly different length.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace dataml
