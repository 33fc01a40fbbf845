// The seam between the HTTP layer and the identity modules: the router asks who is calling
// and whether they may, without knowing how tokens or roles work.
#pragma once

#include <string_view>

#include "core/principal.h"
#include "core/result.h"

namespace dataml::http {

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // A verified bearer access token -> the caller. Unauthenticated for anything else.
  virtual Result<Principal> Authenticate(std::string_view bearer_token) = 0;
  // OK when the caller holds `permission` in their tenant (a superuser holds all).
  virtual Status Authorize(const Principal& principal, std::string_view permission) = 0;
};

}  // namespace dataml::http
