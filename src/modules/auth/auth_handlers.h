// Login (1.1-1.5) and Auth (10.1) endpoints.
#pragma once

#include "http/router.h"
#include "modules/auth/auth_service.h"

namespace dataml::auth {

void RegisterAuthRoutes(http::Router& router, AuthService& auth, users::UsersService& users);

}  // namespace dataml::auth
