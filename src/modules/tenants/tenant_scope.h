// The tenant a request acts in: the caller's own, or for a superuser the `tenant_id` query
// parameter when given.
#pragma once

#include "http/request.h"
#include "modules/tenants/tenants_service.h"

namespace dataml::tenants {

inline Result<std::string> TenantOfRequest(TenantsService& tenants, const http::Request& request) {
  return tenants.ResolveTenant(request.caller(), request.Query("tenant_id"));
}

}  // namespace dataml::tenants
