// Template endpoints (5.1-5.5).
#pragma once

#include "http/router.h"
#include "modules/templates/templates_service.h"
#include "modules/tenants/tenants_service.h"

namespace dataml::templates {

void RegisterTemplatesRoutes(http::Router& router, TemplatesService& templates,
                             tenants::TenantsService& tenants);

}  // namespace dataml::templates
