#include "modules/auth/access_token.h"

#include <jwt/jwt.hpp>

namespace dataml::auth {
namespace {

constexpr const char* kIssuer = "dataml";
constexpr const char* kTokenType = "access";

}  // namespace

std::string AccessTokenCodec::Issue(const Principal& p, int64_t now, const std::string& session_id) const {
  jwt::jwt_object token{jwt::params::algorithm("HS256"), jwt::params::secret(secret_)};
  token.add_claim("iss", kIssuer)
      .add_claim("sub", std::to_string(p.user_id))
      .add_claim("iat", now)
      .add_claim("exp", now + ttl_seconds_)
      .add_claim("typ", kTokenType)
      .add_claim("tenant_id", p.tenant_id)
      .add_claim("username", p.username)
      .add_claim("su", p.is_superuser);
  if (!session_id.empty()) token.add_claim("sid", session_id);
  return token.signature();
}

Result<AccessClaims> AccessTokenCodec::Verify(const std::string& token, int64_t now) const {
  if (token.empty() || token.size() > 4096) return Status::Unauthenticated("Could not validate credentials");
  try {
    std::error_code ec;
    // Expiry is checked below against our clock; the library checks the signature and that
    // the header names HS256, the only algorithm we accept.
    auto decoded = jwt::decode(token, jwt::params::algorithms({"HS256"}), ec,
                               jwt::params::secret(secret_), jwt::params::verify(true));
    if (ec == jwt::VerificationErrc::TokenExpired) return Status::Unauthenticated("Token has expired");
    if (ec) return Status::Unauthenticated("Could not validate credentials");
    if (decoded.header().algo() != jwt::algorithm::HS256) {
      return Status::Unauthenticated("Could not validate credentials");
    }
    const auto& payload = decoded.payload().create_json_obj();
    if (payload.value("iss", "") != kIssuer || payload.value("typ", "") != kTokenType) {
      return Status::Unauthenticated("Could not validate credentials");
    }
    AccessClaims claims;
    claims.user_id = std::stoll(payload.at("sub").get<std::string>());
    claims.tenant_id = payload.at("tenant_id").get<std::string>();
    claims.username = payload.at("username").get<std::string>();
    claims.is_superuser = payload.at("su").get<bool>();
    claims.issued_at = payload.at("iat").get<int64_t>();
    claims.expires_at = payload.at("exp").get<int64_t>();
    claims.session_id = payload.value("sid", "");
    if (claims.expires_at <= now) return Status::Unauthenticated("Token has expired");
    return claims;
  } catch (const std::exception&) {
    // Malformed base64 or JSON, missing or mistyped claims.
    return Status::Unauthenticated("Could not validate credentials");
  }
}

}  // namespace dataml::auth
