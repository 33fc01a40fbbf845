#include "modules/auth/auth_service.h"

#include "core/clock.h"
#include "core/crypto.h"
#include "core/password_hash.h"
#include "core/text.h"
#include "modules/rbac/permission_catalog.h"

namespace dataml::auth {
namespace {

constexpr const char* kBadCredentials = "Incorrect username or password";
constexpr const char* kBadRefreshToken = "Invalid or expired refresh token";
constexpr size_t kRefreshTokenBytes = 32;

Principal ToPrincipal(const users::User& user) {
  return {user.id, user.tenant_id, user.username, user.is_superuser};
}

}  // namespace

LoginPolicy LoginPolicy::FromConfig(const ServerConfig& c) {
  return {c.refresh_token_ttl_seconds, c.login_max_failures, c.login_failure_window_seconds,
          c.login_lockout_seconds};
}

Result<TokenPair> AuthService::IssueTokens(const users::User& user, const std::string& family_id) {
  int64_t now = NowUnixSeconds();
  TokenPair pair;
  pair.access_token = codec_.Issue(ToPrincipal(user), now, family_id);
  pair.expires_in = codec_.ttl_seconds();
  pair.refresh_token = RandomToken(kRefreshTokenBytes);
  DATAML_RETURN_NOT_OK(repo_.InsertRefreshToken(user.id, family_id, Sha256Hex(pair.refresh_token),
                                                now + policy_.refresh_token_ttl_seconds));
  return pair;
}

Result<TokenPair> AuthService::Login(const std::string& username, const std::string& password) {
  const std::string key = ToLowerAscii(username);
  const int64_t now = NowUnixSeconds();
  DATAML_ASSIGN_OR_RETURN(LoginFailures failures, repo_.GetLoginFailures(key));
  if (failures.locked_until > now) {
    return Status::TooManyRequests("Too many failed login attempts; try again in " +
                                   std::to_string(failures.locked_until - now) + " seconds");
  }
  DATAML_ASSIGN_OR_RETURN(auto found, users_.FindForLogin(username));
  bool verified = false;
  if (found) {
    verified = VerifyPassword(found->password_hash, password);
  } else {
    BurnPasswordVerification(password);
  }
  if (!verified) {
    DATAML_RETURN_NOT_OK(repo_.RecordLoginFailure(key, now, policy_.failure_window_seconds,
                                                  policy_.max_failures, policy_.lockout_seconds)
                             .status());
    return Status::Unauthenticated(kBadCredentials);
  }
  if (!found->user.is_active) return Status::Unauthenticated("Inactive user");
  DATAML_RETURN_NOT_OK(repo_.ClearLoginFailures(key));
  return IssueTokens(found->user, RandomUuid());
}

Result<TokenPair> AuthService::Refresh(const std::string& refresh_token) {
  if (refresh_token.empty() || refresh_token.size() > 256) return Status::Unauthenticated(kBadRefreshToken);
  DATAML_ASSIGN_OR_RETURN(auto row, repo_.FindRefreshToken(Sha256Hex(refresh_token)));
  if (!row || row->revoked) return Status::Unauthenticated(kBadRefreshToken);
  if (row->rotated) {
    // A spent token came back: it was stolen or replayed. End the whole login session.
    DATAML_RETURN_NOT_OK(EndSession(row->family_id));
    return Status::Unauthenticated("Refresh token was already used; this session has been revoked");
  }
  if (row->expires_at <= NowUnixSeconds()) return Status::Unauthenticated(kBadRefreshToken);
  auto user = users_.FindActive(row->user_id);
  if (!user.ok()) return Status::Unauthenticated(kBadRefreshToken);
  DATAML_ASSIGN_OR_RETURN(bool won, repo_.MarkRotated(row->id));
  if (!won) {  // a concurrent refresh spent it first: treat as reuse
    DATAML_RETURN_NOT_OK(repo_.RevokeFamily(row->family_id));
    return Status::Unauthenticated("Refresh token was already used; this session has been revoked");
  }
  return IssueTokens(*user, row->family_id);
}

Result<int64_t> AuthService::SecondsUntilUnlocked(const std::string& username) {
  DATAML_ASSIGN_OR_RETURN(LoginFailures failures, repo_.GetLoginFailures(ToLowerAscii(username)));
  return std::max<int64_t>(0, failures.locked_until - NowUnixSeconds());
}

Status AuthService::Logout(const std::string& refresh_token) {
  if (refresh_token.empty() || refresh_token.size() > 256) return Status::Unauthenticated(kBadRefreshToken);
  DATAML_ASSIGN_OR_RETURN(auto row, repo_.FindRefreshToken(Sha256Hex(refresh_token)));
  if (!row) return Status::Unauthenticated(kBadRefreshToken);
  return EndSession(row->family_id);
}

Status AuthService::EndSession(const std::string& family_id) {
  DATAML_RETURN_NOT_OK(repo_.RevokeFamily(family_id));
  // This process stops taking the session's access tokens at once; others within kLiveSessionCacheTtl.
  live_sessions_.Invalidate(family_id);
  return Status::OK();
}

Status AuthService::ResetPassword(const Principal& caller, const ResetPasswordInput& in) {
  const bool self = ToLowerAscii(in.user_name) == ToLowerAscii(caller.username);
  // Permission before lookup, so that a caller who may not reset others cannot probe which
  // user names exist.
  if (!self) DATAML_RETURN_NOT_OK(rbac_.Check(caller, rbac::perm::kManageUsers));
  DATAML_ASSIGN_OR_RETURN(auto target, users_.FindByUsername(in.user_name));
  if (!target || (!caller.is_superuser && target->user.tenant_id != caller.tenant_id)) {
    return Status::NotFound("User not found");
  }
  if (self) {
    if (!in.current_password) {
      return Status::Invalid({{{"current_password"},
                               "Your current password is required to change it", "missing"}});
    }
    if (!VerifyPassword(target->password_hash, *in.current_password)) {
      return Status::BadRequest("Current password is incorrect");
    }
  } else if (target->user.is_superuser && !caller.is_superuser) {
    return Status::PermissionDenied("Only a superuser can reset a superuser's password");
  }
  DATAML_RETURN_NOT_OK(users_.SetPassword(target->user.id, in.new_password, target->user.username));
  DATAML_RETURN_NOT_OK(repo_.RevokeAllForUser(target->user.id));
  return repo_.ClearLoginFailures(ToLowerAscii(target->user.username));
}

Result<AccessClaims> AuthService::VerifyAccessToken(std::string_view token, int64_t now) {
  std::string key(token);
  DATAML_ASSIGN_OR_RETURN(auto claims, verified_tokens_.GetOrLoad(key, [&] { return codec_.Verify(key, now); }));
  if (claims->expires_at <= now) return Status::Unauthenticated("Token has expired");
  return *claims;
}

Result<Principal> AuthService::Authenticate(std::string_view bearer_token) {
  DATAML_ASSIGN_OR_RETURN(AccessClaims claims, VerifyAccessToken(bearer_token, NowUnixSeconds()));
  // Cached briefly (users::kActiveUserCacheTtl): this runs on every request, and the row
  // changes rarely; this process's own changes to a user reach it at once.
  auto user = users_.FindActiveCached(claims.user_id);
  if (!user.ok()) {
    if (user.status().code() == StatusCode::kNotFound) {
      return Status::Unauthenticated("User not found or inactive");
    }
    return user.status();
  }
  const users::User& row = **user;
  if (claims.issued_at < row.password_changed_at) {
    return Status::Unauthenticated("Token was issued before the password was changed");
  }
  if (!claims.session_id.empty()) {
    DATAML_ASSIGN_OR_RETURN(auto live, live_sessions_.GetOrLoad(claims.session_id, [&] {
                              return repo_.SessionIsLive(claims.session_id);
                            }));
    if (!*live) return Status::Unauthenticated("This session has ended (logged out)");
  }
  // Tenant and superuser flag come from the database, not from the token.
  return ToPrincipal(row);
}

Status AuthService::Authorize(const Principal& principal, std::string_view permission) {
  return rbac_.Check(principal, permission);
}

}  // namespace dataml::auth
