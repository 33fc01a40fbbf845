// Tenant endpoints: superuser only.
#pragma once

#include "http/router.h"
#include "modules/tenants/tenants_service.h"

namespace dataml::tenants {

void RegisterTenantsRoutes(http::Router& router, TenantsService& tenants);

}  // namespace dataml::tenants
