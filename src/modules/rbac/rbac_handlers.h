// RBAC endpoints (3.1-3.2) and what makes roles usable: listing, grants, assignments and the
// caller's effective permissions.
#pragma once

#include "http/router.h"
#include "modules/rbac/rbac_service.h"
#include "modules/tenants/tenants_service.h"
#include "modules/users/users_service.h"

namespace dataml::rbac {

void RegisterRbacRoutes(http::Router& router, RbacService& rbac, tenants::TenantsService& tenants,
                        users::UsersService& users);

}  // namespace dataml::rbac
