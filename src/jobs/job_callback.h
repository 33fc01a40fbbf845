// What every module's worker callback (train result, SHAP result, batch prediction result) does
// last: apply the job's outcome exactly once. (Reading the callback request is the HTTP side's:
// jobs/job_handlers.h.)
#pragma once

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "jobs/jobs_service.h"

namespace dataml::jobs {

// Records a running job's outcome ({"error": null|"..."} in `result`): true the first time;
// false for a replay of the same kind of outcome (already done); 409 for another outcome after
// the first, 422 (at {"result", "error"}) for an error that is not a non-empty string.
Result<bool> FinishOnce(JobsService& jobs, const Job& job, const nlohmann::json& result);

}  // namespace dataml::jobs
