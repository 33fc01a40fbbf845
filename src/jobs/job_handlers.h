// Job endpoints: the worker callbacks (authenticated by the job token in X-Job-Token, so public
// to the router), the list and the status of jobs for users of their tenant; and what every module's own
// worker callback reads first.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include "http/router.h"
#include "jobs/jobs_service.h"

namespace dataml::jobs {

// A module's worker callback request (train result, SHAP result, batch prediction result).
struct WorkerCallback {
  int64_t job_id = 0;
  nlohmann::json body;  // an object whose "result" is an object
};

// The body names its job (job_id), whose token must be in X-Job-Token (401 otherwise, before
// anything else of the body is trusted); "result" must be an object (422).
Result<WorkerCallback> ReadWorkerCallback(const JobsService& jobs, const http::Request& req);

// The tenant a user's request acts in (the modules' tenant scoping; jobs do not depend on it).
using TenantOfRequest = std::function<Result<std::string>(const http::Request&)>;

void RegisterJobsRoutes(http::Router& router, JobsService& jobs, TenantOfRequest tenant_of);

}  // namespace dataml::jobs
