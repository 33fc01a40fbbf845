// 12.1: terminate a job of the caller's tenant, whichever backend runs it.
#pragma once

#include "http/router.h"
#include "jobs/jobs_service.h"
#include "modules/tenants/tenants_service.h"

namespace dataml::ray {

void RegisterRayRoutes(http::Router& router, jobs::JobsService& jobs, tenants::TenantsService& tenants);

}  // namespace dataml::ray
