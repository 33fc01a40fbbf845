// Login, token refresh with rotation, logout, password reset, and the Authenticator the HTTP
// layer uses on every protected route.
#pragma once

#include <chrono>

#include "core/config.h"
#include "core/ttl_cache.h"
#include "http/authenticator.h"
#include "modules/auth/access_token.h"
#include "modules/auth/auth_repository.h"
#include "modules/rbac/rbac_service.h"
#include "modules/users/users_service.h"

namespace dataml::auth {

struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  int64_t expires_in = 0;  // seconds until the access token expires
};

struct LoginPolicy {
  int64_t refresh_token_ttl_seconds = 14 * 24 * 3600;
  int64_t max_failures = 5;
  int64_t failure_window_seconds = 15 * 60;
  int64_t lockout_seconds = 5 * 60;
  static LoginPolicy FromConfig(const ServerConfig& config);
};

// Access tokens whose signature was checked are remembered by their exact bytes for this long:
// verifying one (base64, two JSON documents, an HMAC whose OpenSSL 3 set-up fetches the
// algorithm each time) was 30% of the server's CPU per authenticated request. Equal bytes
// carry an equal, already verified signature, so a hit is as good as a check; expiry is still
// compared with the clock on every use, and everything else (the user row, the password change
// time, permissions) is read afresh as before. Failures are never remembered.
inline constexpr std::chrono::seconds kVerifiedTokenCacheTtl{60};
inline constexpr size_t kVerifiedTokenCacheCapacity = 10000;

// Whether a login session is still live is read once per this long per session: another server
// takes a logout into account within it (this one at once).
inline constexpr std::chrono::seconds kLiveSessionCacheTtl{5};
inline constexpr size_t kLiveSessionCacheCapacity = 10000;

struct ResetPasswordInput {
  std::string user_name;
  std::string new_password;
  std::optional<std::string> current_password;  // required when resetting one's own
};

class AuthService : public http::Authenticator {
 public:
  AuthService(db::Database& db, users::UsersService& users, rbac::RbacService& rbac,
              AccessTokenCodec codec, LoginPolicy policy)
      : repo_(db),
        users_(users),
        rbac_(rbac),
        codec_(std::move(codec)),
        policy_(policy),
        verified_tokens_(kVerifiedTokenCacheCapacity, kVerifiedTokenCacheTtl),
        live_sessions_(kLiveSessionCacheCapacity, kLiveSessionCacheTtl) {}

  // The same Unauthenticated answer for an unknown user and a wrong password;
  // TooManyRequests while the user name is locked after repeated failures.
  Result<TokenPair> Login(const std::string& username, const std::string& password);
  // How long a locked user name still waits (0 when it is not locked).
  Result<int64_t> SecondsUntilUnlocked(const std::string& username);
  // Rotates: the presented token is spent. Presenting a spent token again revokes its family.
  Result<TokenPair> Refresh(const std::string& refresh_token);
  Status Logout(const std::string& refresh_token);
  Status ResetPassword(const Principal& caller, const ResetPasswordInput& input);

  Result<Principal> Authenticate(std::string_view bearer_token) override;
  Status Authorize(const Principal& principal, std::string_view permission) override;

 private:
  Result<TokenPair> IssueTokens(const users::User& user, const std::string& family_id);
  // Revokes the session's refresh tokens, which ends its access tokens too.
  Status EndSession(const std::string& family_id);
  // The claims of a token of ours, verified now or up to kVerifiedTokenCacheTtl ago.
  Result<AccessClaims> VerifyAccessToken(std::string_view token, int64_t now);

  AuthRepository repo_;
  users::UsersService& users_;
  rbac::RbacService& rbac_;
  AccessTokenCodec codec_;
  LoginPolicy policy_;
  TtlCache<std::string, AccessClaims> verified_tokens_;
  TtlCache<std::string, bool> live_sessions_;  // session id -> has a refresh token not revoked
};

}  // namespace dataml::auth
