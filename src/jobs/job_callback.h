// What every module's worker callback (train result, SHAP result, batch prediction result) does
// first and last: prove the caller is the job's worker, and apply the job's outcome exactly once.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>

#include "core/result.h"
#include "http/request.h"
#include "jobs/jobs_service.h"

namespace dataml::jobs {

struct WorkerCallback {
  int64_t job_id = 0;
  nlohmann::json body;  // an object whose "result" is an object
};

// The body names its job (job_id), whose token must be in X-Job-Token (401 otherwise, before
// anything else of the body is trusted); "result" must be an object (422).
Result<WorkerCallback> ReadWorkerCallback(const JobsService& jobs, const http::Request& req);

// Records a running job's outcome ({"error": null|"..."} in `result`): true the first time;
// false for a replay of the same kind of outcome (already done); 409 for another outcome after
// the first, 422 for an error that is not a non-empty string.
Result<bool> FinishOnce(JobsService& jobs, const Job& job, const nlohmann::json& result);

}  // namespace dataml::jobs
