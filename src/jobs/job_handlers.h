// Job endpoints: the worker callbacks (authenticated by the job token in X-Job-Token, so public
// to the router) and the job status for users of the job's tenant.
#pragma once

#include <functional>
#include <string>

#include "http/router.h"
#include "jobs/jobs_service.h"

namespace dataml::jobs {

// The tenant a user's request acts in (the modules' tenant scoping; jobs do not depend on it).
using TenantOfRequest = std::function<Result<std::string>(const http::Request&)>;

void RegisterJobsRoutes(http::Router& router, JobsService& jobs, TenantOfRequest tenant_of);

}  // namespace dataml::jobs
