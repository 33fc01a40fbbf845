// The tenant a request acts in: the caller's own, or for a superuser the `tenant_id` query
// parameter when given.
#pragma once

#include "core/text.h"
#include "http/request.h"
#include "modules/tenants/tenants_service.h"

namespace dataml::tenants {

// A `tenant_id` that is not a UUID (an empty one included) is a 422, as the document's
// `format: uuid` says, rather than silently meaning the caller's own tenant.
inline Result<std::string> TenantOfRequest(TenantsService& tenants, const http::Request& request) {
  std::optional<std::string> requested = request.Query("tenant_id");
  if (requested && !IsCanonicalUuid(*requested)) {
    return Status::Invalid({{{"query", "tenant_id"}, "Input should be a valid UUID", "uuid_parsing"}});
  }
  return tenants.ResolveTenant(request.caller(), requested);
}

}  // namespace dataml::tenants
