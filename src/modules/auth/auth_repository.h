// SQL for refresh tokens (stored as SHA-256 of the secret) and failed-login counters.
#pragma once

#include <optional>
#include <string>

#include "db/database.h"

namespace dataml::auth {

struct RefreshTokenRow {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string family_id;  // every token rotated from one login shares it
  int64_t expires_at = 0;
  bool revoked = false;
  bool rotated = false;  // replaced by a newer token of the family
};

struct LoginFailures {
  int64_t failures = 0;
  int64_t first_failure_at = 0;
  int64_t locked_until = 0;
};

class AuthRepository {
 public:
  explicit AuthRepository(db::Database& db) : db_(db) {}

  Status InsertRefreshToken(int64_t user_id, const std::string& family_id,
                            const std::string& token_hash, int64_t expires_at);
  Result<std::optional<RefreshTokenRow>> FindRefreshToken(const std::string& token_hash);
  // Marks the token rotated, atomically: false when another request rotated it first.
  Result<bool> MarkRotated(int64_t token_id);
  Status RevokeFamily(const std::string& family_id);
  // A session is live while one of its refresh tokens is not revoked (rotation keeps the newest
  // unrevoked; logout, reuse detection and a password reset revoke them all).
  Result<bool> SessionIsLive(const std::string& family_id);
  Status RevokeToken(int64_t token_id);
  Status RevokeAllForUser(int64_t user_id);

  Result<LoginFailures> GetLoginFailures(const std::string& username_key);
  // Counts one more failure inside the window (a stale window restarts) and locks the name
  // for `lockout_seconds` once `max_failures` is reached. Atomic under concurrent attempts.
  Result<LoginFailures> RecordLoginFailure(const std::string& username_key, int64_t now,
                                           int64_t window_seconds, int64_t max_failures,
                                           int64_t lockout_seconds);
  Status ClearLoginFailures(const std::string& username_key);

 private:
  db::Database& db_;
};

}  // namespace dataml::auth
