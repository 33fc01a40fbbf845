// User endpoints (2.1-2.3) and profile management beside them.
#pragma once

#include "http/authenticator.h"
#include "http/router.h"
#include "modules/users/users_service.h"

namespace dataml::users {

void RegisterUsersRoutes(http::Router& router, UsersService& users, tenants::TenantsService& tenants,
                         http::Authenticator& authenticator);

}  // namespace dataml::users
